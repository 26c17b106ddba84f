"""Every candidate page at 1280 × 800 and on a 390 × 844 phone (issue 14, acceptance):
nothing is wider than the window (no horizontal scrolling, no element whose right edge
passes the window's, each offender named by its selector), and at 1280 px axe (WCAG 2.1
A and AA) finds nothing. A full-page screenshot of each is saved in a temporary folder
(printed with ``-s``) for a person to look at; they are not committed."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from axe_playwright_python.async_playwright import Axe
from playwright.async_api import Page

from app import clock
from app.accounts.passwords import hash_password
from app.applications import lifecycle
from app.applications.codes import Verdict
from app.dossier.codes import StudyOutcome
from app.dossier.tables import Internship, PriorStudy, WorkExperience
from app.mail.tables import OutboxMail
from app.refdata.load import load_reference_data
from app.refdata.tables import Commune, Country, Departement
from tests.e2e.test_applications_browser import PASSWORD, new_page, sign_in
from tests.factories import (
    make_account,
    make_campaign,
    make_centre,
    make_commission,
    make_programme,
    make_required_piece,
)
from tests.factories_dossier import decide, make_complete_dossier, make_decision_type

VIEWPORTS = {"1280": {"width": 1280, "height": 800}, "390": {"width": 390, "height": 844}}
WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
# Long words as candidates type them: a URL in a description, a centre's label in capitals.
LONG_WORD = "https://www.example-entreprise-de-conseil.fr/offres/stage-ingenierie-2025"
CENTRE = "DEMANDE DE CESURE - FACULTE DE SANTE - DEPARTEMENT DE MEDECINE, MAIEUTIQUE ET PARAMEDICAL"
PROGRAMME = "GESTION CESURE F25MH DE LA L2 AU M2 A L'ETRANGER - PARCOURS INTERNATIONAL (ANNEE)"

# Each element whose right edge passes the window's (elements clipped by an ancestor
# with overflow hidden, such as visually-hidden text, count up to that ancestor only);
# the outermost ones are named, which is where the fix goes. A box that scrolls
# sideways (a wide table in its .table-scroll) hides its end too: it is named as well.
MEASURE = """() => {
  const limit = window.innerWidth + 1;
  const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
    + [...el.classList].map((c) => "." + c).join("");
  const selector = (el) => {
    const parts = [];
    for (let e = el; e && e !== document.documentElement; e = e.parentElement) parts.unshift(name(e));
    return parts.join(" > ");
  };
  const right = (el) => {
    let edge = el.getBoundingClientRect().right;
    for (let a = el; a; a = a.parentElement) {
      const overflow = getComputedStyle(a).overflowX;
      if (a !== el && (overflow === "hidden" || overflow === "clip")) {
        edge = Math.min(edge, a.getBoundingClientRect().right);
      }
    }
    return edge;
  };
  const wide = new Set();
  const scrolling = [];
  for (const el of document.body.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    if (box.width > 0 && box.height > 0 && right(el) > limit) wide.add(el);
    const overflow = getComputedStyle(el).overflowX;
    if ((overflow === "auto" || overflow === "scroll") && el.scrollWidth > el.clientWidth + 1) {
      scrolling.push(`${selector(el)} (scrolls sideways: ${el.scrollWidth} px in ${el.clientWidth})`);
    }
  }
  const outermost = [...wide].filter((el) => !wide.has(el.parentElement));
  return {
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    offenders: outermost.map((el) => `${selector(el)} (right edge ${Math.round(right(el))})`)
      .concat(scrolling),
  };
}"""


@pytest.fixture(scope="module")
def server(live_server) -> str:
    return live_server


@pytest.fixture(scope="module")
async def refdata(database):
    await load_reference_data()


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory):
    folder = tmp_path_factory.mktemp("candidate-pages")
    print(f"\nscreenshots of the candidate pages: {folder}")
    return folder


@dataclass
class World:
    account: object
    newcomer: object
    ids: dict[str, int]


async def _rows(candidate_id: int) -> dict[str, int]:
    """One row of each dossier table, with long values."""
    france = (await Country.select(Country.id).where(Country.cog_code == "99100").first())["id"]
    haute_garonne = await Departement.select(Departement.id).where(Departement.code == "31").first()
    toulouse = await Commune.select(Commune.id).where(Commune.insee_code == "31555").first()
    year = clock.today().year - 1
    prior = PriorStudy(
        candidate=candidate_id,
        year=year,
        country=france,
        departement=haute_garonne["id"],
        commune=toulouse["id"],
        establishment_label="UNIVERSITE TOULOUSE III - PAUL SABATIER (SCIENCES ET SANTE)",
        label="LICENCE SCIENCES POUR LA SANTE PARCOURS ACCES SANTE, 2E ANNEE",
        outcome=StudyOutcome.IN_PROGRESS.value,
    )
    internship = Internship(
        candidate=candidate_id,
        year=year,
        duration="8 semaines",
        hours_per_week=35,
        employer="Centre hospitalier universitaire de Toulouse, pôle urgences",
        description=f"Accueil des patients et suivi administratif. {LONG_WORD}",
    )
    experience = WorkExperience(
        candidate=candidate_id,
        year=year,
        title="Animateur de centre de loisirs",
        duration="2 mois",
        employer="Mairie de Toulouse",
        description=f"Encadrement d'enfants de 6 à 11 ans. {LONG_WORD}",
    )
    for row in (prior, internship, experience):
        await row.save()
    return {"prior": prior.id, "internship": internship.id, "experience": experience.id}


@pytest.fixture
async def world(refdata, mail_templates) -> World:
    """A candidate with dossier rows, an application with a piece to give and one with a
    validated favourable decision, a mail; a closed programme and one not offered; and a
    newcomer whose dossier is not locked yet."""
    campaign = await make_campaign()
    commission = await make_commission(await make_centre(campaign, label=CENTRE))
    identity = await make_required_piece(campaign, label_fr="Copie de la pièce d'identité")
    optional = await make_required_piece(
        campaign, label_fr="JUSTIFICATIFS DES PROJETS DE CESURE", conditional=True
    )
    open_programme = await make_programme(commission, [identity, optional], label=PROGRAMME)
    admitting = await make_programme(commission, [])
    last_month = clock.today() - timedelta(days=30)
    closed = await make_programme(
        commission, [], deposit_start=last_month - timedelta(days=30), deposit_end=last_month
    )
    hidden = await make_programme(commission, [], active=False)

    account = await make_account(campaign, password_hash=hash_password(PASSWORD))
    candidate = await make_complete_dossier(account)
    applied = await lifecycle.apply(account_id=account.id, programme_id=open_programme.id)
    admitted = await lifecycle.apply(account_id=account.id, programme_id=admitting.id)
    actor = lifecycle.Actor.candidate(account.id)
    await lifecycle.transmit(application_id=admitted.application_id, actor=actor)
    await decide(admitted.application_id, await make_decision_type(Verdict.FAVOURABLE))
    mail = await OutboxMail.select(OutboxMail.id).where(OutboxMail.account == account.id).first()

    newcomer = await make_account(campaign, password_hash=hash_password(PASSWORD))
    await make_complete_dossier(newcomer)
    ids = {
        "open": open_programme.id,
        "closed": closed.id,
        "hidden": hidden.id,
        "applied": applied.application_id,
        "admitted": admitted.application_id,
        "piece": identity.id,
        "mail": mail["id"],
        **await _rows(candidate.id),
    }
    return World(account, newcomer, ids)


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


async def first_cell_label(page: Page, path: str) -> str:
    """What a phone shows before the first cell of the page's table (its column's name),
    as Chromium computes it."""
    await page.goto(path)
    return await page.evaluate(
        "getComputedStyle(document.querySelector('tbody td'), '::before').content"
    )


class Visit:
    """Measures each page shown and collects what does not fit or fails axe."""

    def __init__(self, page: Page, size: str, folder) -> None:
        self.page, self.size, self.folder = page, size, folder
        self.problems: list[str] = []

    async def goto(self, path: str, name: str = "") -> None:
        await self.page.goto(path)
        await self.check(name or path)

    async def check(self, what: str) -> None:
        found = await self.page.evaluate(MEASURE)
        if found["scrollWidth"] > found["innerWidth"]:
            self.problems.append(f"{what}: page {found['scrollWidth']} px wide")
        self.problems += [f"{what}: {offender}" for offender in found["offenders"]]
        file_name = re.sub(r"[^a-z0-9]+", "-", what.lower()).strip("-") or "accueil"
        await self.page.screenshot(
            path=self.folder / f"{self.size}-{file_name}.png", full_page=True
        )
        if self.size == "1280":
            results = await Axe().run(self.page, options=WCAG_AA)
            self.problems += [
                f"{what}: axe {v['id']} {[n['target'] for n in v['nodes']]}"
                for v in results.response["violations"]
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
        await page.get_by_label(
            "Ajouter un fichier : Copie de la pièce d'identité"
        ).set_input_files(files=[big])
        await page.get_by_role("button", name="Déposer : Copie de la pièce d'identité").click()
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
