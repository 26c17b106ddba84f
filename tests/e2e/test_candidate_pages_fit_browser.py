"""Every candidate page at 1280 × 800 and on a 390 × 844 phone (issue 14, acceptance):
nothing is wider than the window (no horizontal scrolling, no element whose right edge
passes the window's, each offender named by its selector), and at 1280 px axe (WCAG 2.1
A and AA) finds nothing. With ``SCREENSHOTS_DIR=folder``, a full-page screenshot of each
is saved there for a person to look at; they are not committed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from app.refdata.load import load_reference_data
from tests.e2e.candidate_world import CENTRE, OPTIONAL_PIECE, World, make_world
from tests.e2e.page_fit import Visit, first_cell_label
from tests.e2e.test_applications_browser import new_page, sign_in

VIEWPORTS = {"1280": {"width": 1280, "height": 800}, "390": {"width": 390, "height": 844}}


@pytest.fixture
async def world(refdata, mail_templates, redis) -> World:
    """``redis``: emptied first, or sign-ins left by an earlier run count against the
    sign-in limit (and the test fails when run alone, repeatedly)."""
    return await make_world()


@pytest.fixture(scope="module")
def server(live_server) -> str:
    return live_server


@pytest.fixture(scope="module")
async def refdata(database):
    await load_reference_data()


@pytest.fixture(scope="module")
def screenshots() -> Path | None:
    """``SCREENSHOTS_DIR=folder``: keep a full-page screenshot of each page there (a
    third of the test's time, so only when a person will look at them)."""
    if not (folder := os.environ.get("SCREENSHOTS_DIR")):
        return None
    Path(folder).mkdir(parents=True, exist_ok=True)
    return Path(folder)


PUBLIC_PAGES = [
    "/",
    "/accessibilite",
    "/donnees-personnelles",
    "/compte/creer",
    "/compte/cree",
    "/compte/code-activation",
    "/connexion",
    "/compte/mot-de-passe-oublie",
    "/compte/identifiant-oublie",
    "/compte/mot-de-passe/lien-inconnu",
    "/compte/activer/lien-inconnu",
    "/compte-supprime",
    "/verifier/CODEINCONNU",
    "/page-inexistante",
]


def candidate_pages(ids: dict[str, int]) -> list[str]:
    applied, admitted = f"/candidatures/{ids['applied']}", f"/candidatures/{ids['admitted']}"
    return [
        "/dossier",
        "/dossier/informations-personnelles",
        "/dossier/adresse",
        "/dossier/baccalaureat",
        "/dossier/cursus-interne",
        "/dossier/cursus-externe",
        "/dossier/cursus-externe/nouveau",
        f"/dossier/cursus-externe/{ids['prior']}",
        "/dossier/stages",
        "/dossier/stages/nouveau",
        f"/dossier/stages/{ids['internship']}",
        "/dossier/experiences",
        "/dossier/experiences/nouvelle",
        f"/dossier/experiences/{ids['experience']}",
        "/candidatures",
        "/candidatures/nouvelle",
        "/candidatures/nouvelle?q=cesure",
        f"/candidatures/nouvelle/{ids['open']}",
        f"/candidatures/nouvelle/{ids['closed']}",
        f"/candidatures/nouvelle/{ids['hidden']}",
        applied,
        f"{applied}/annuler",
        f"{applied}/transmettre",
        admitted,
        f"{admitted}/confirmer",
        f"{admitted}/desister",
        "/messages",
        f"/messages/{ids['mail']}",
        "/mes-donnees",
        "/compte/adresse-mail",
    ]


# Pages whose English text differs most in length from the French.
ENGLISH_PAGES = [
    "/dossier",
    "/dossier/stages",
    "/dossier/informations-personnelles",
    "/candidatures",
]


async def too_large_upload(browser, server, account, ids, size: str, folder) -> list[str]:
    """The 413 page, as a browser without JavaScript reaches it (with JavaScript the
    upload goes through XHR and its message shows in the summary)."""
    page, _ = await new_page(browser, server, javascript=False)
    try:
        await page.set_viewport_size(VIEWPORTS[size])
        await sign_in(page, account)
        await page.goto(f"/candidatures/{ids['applied']}")
        big = {"name": "scan.pdf", "mimeType": "application/pdf", "buffer": bytes(3 << 20)}
        await page.get_by_label(f"Ajouter un fichier : {OPTIONAL_PIECE}").set_input_files(
            files=[big]
        )
        await page.get_by_role("button", name=f"Déposer : {OPTIONAL_PIECE}").click()
        await page.get_by_role("heading", name="Fichier trop volumineux").wait_for()
        visit = Visit(page, "no-js-" + size, folder)  # no axe: it runs as a script
        await visit.check("fichier trop volumineux")
        return visit.problems
    finally:
        await page.context.close()


@pytest.mark.parametrize("size", VIEWPORTS)
async def test_every_candidate_page_fits_the_window(browser, server, world, screenshots, size):
    page, _ = await new_page(browser, server, javascript=True)
    try:
        await page.set_viewport_size(VIEWPORTS[size])
        visit = Visit(page, size, screenshots)
        for path in PUBLIC_PAGES:
            await visit.goto(path)
        await page.goto("/compte/creer")
        await page.get_by_role("button", name="Enregistrer").click()  # the empty form
        await page.locator(".error-summary").wait_for()
        await visit.check("création de compte avec erreurs")

        await sign_in(page, world.newcomer)
        await visit.goto("/dossier/informations-personnelles", "dossier non verrouillé")
        await page.context.clear_cookies()
        await sign_in(page, world.account)
        for path in candidate_pages(world.ids):
            await visit.goto(path)
        await page.goto("/candidatures/nouvelle")
        await page.locator("summary", has_text=CENTRE).click()  # its programmes load
        await page.locator(".offer-table").wait_for()
        await visit.check("offre, un centre ouvert")
        labels = {"fr": await first_cell_label(page, "/dossier/stages")}
        await page.get_by_role("button", name="English").click()
        await page.locator("html[lang='en']").wait_for(state="attached")
        for path in ENGLISH_PAGES:
            await visit.goto(path, f"english {path}")
        labels["en"] = await first_cell_label(page, "/dossier/stages")
    finally:
        await page.context.close()
    if size == "390":  # the tables are stacked: each cell says its column's name
        assert labels == {"fr": '"Année : "', "en": '"Year: "'}
    problems = visit.problems + await too_large_upload(
        browser, server, world.account, world.ids, size, screenshots
    )
    assert problems == [], "\n".join(problems)


async def test_the_check_names_what_overflows_and_what_axe_refuses(browser, server):
    """The check above can fail: a page given a too-wide block and an image without a
    text alternative gets both named."""
    page, _ = await new_page(browser, server, javascript=True)
    try:
        await page.set_viewport_size(VIEWPORTS["1280"])
        await page.goto("/accessibilite")
        await page.evaluate(
            """() => {
              const wide = document.createElement("div");
              wide.id = "trop-large";
              wide.style.width = "1500px";
              wide.textContent = "x";
              document.querySelector("main").append(wide, document.createElement("img"));
            }"""
        )
        visit = Visit(page, "1280", None)
        await visit.check("piège")
    finally:
        await page.context.close()
    page_width = visit.problems[0]
    assert page_width.startswith("piège: page ") and page_width.endswith(" px wide")
    assert visit.problems[1:] == [
        f"piège: body > main#contenu.wrap > div#trop-large (right edge {page_width.split()[2]})",
        "piège: axe image-alt [['img']]",
    ]
