""" "Télécharger mon dossier" and "Ajouter mes échéances à mon agenda" in Chromium
(issue 12): clicking each link downloads the file (a download event, not a page), with
JavaScript on and off; the pages stay axe-clean."""

from __future__ import annotations

from io import BytesIO

import pytest
from axe_playwright_python.async_playwright import Axe
from icalendar import Calendar
from playwright.async_api import Page, expect
from pypdf import PdfReader

from tests.e2e.conftest import REPORT_CSP_VIOLATIONS
from tests.e2e.test_applications_browser import (
    PROGRAMME,
    apply_from_the_offer,
    offer,
    server,
    sign_in,
)
from tests.fixtures.files import make_pdf

# The applications browser test's fixtures: the server, the offer (refdata: tests/fixtures).
FIXTURES = (offer, server)


async def new_page(browser, server: str, *, javascript: bool) -> tuple[Page, list[str]]:
    """A fresh page whose console errors are recorded, but for /favicon.ico (which the
    portal has not): Chromium may ask for it while a download is going on."""
    context = await browser.new_context(
        base_url=server, locale="fr-FR", java_script_enabled=javascript, accept_downloads=True
    )
    await context.add_init_script(REPORT_CSP_VIOLATIONS)
    page = await context.new_page()
    problems: list[str] = []

    def console(message) -> None:
        if message.type == "error" and "favicon" not in message.location.get("url", ""):
            problems.append(message.text)

    page.on("console", console)
    page.on("pageerror", lambda error: problems.append(str(error)))
    return page, problems


async def serious_violations(page: Page) -> list:
    results = await Axe().run(page)
    return [
        (v["id"], [n["target"] for n in v["nodes"]])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("javascript", [True, False])
async def test_clicking_telecharger_mon_dossier_downloads_the_pdf(
    browser, server, offer, javascript
):
    page, problems = await new_page(browser, server, javascript=javascript)
    try:
        await sign_in(page, offer.account)
        await apply_from_the_offer(page)
        await page.get_by_label(
            "Ajouter un fichier : Copie de la pièce d'identité"
        ).set_input_files(
            files=[
                {"name": "identite.pdf", "mimeType": "application/pdf", "buffer": make_pdf(pages=2)}
            ]
        )
        await page.get_by_role("button", name="Déposer : Copie de la pièce d'identité").click()
        await expect(page.get_by_text("La pièce a été déposée.")).to_be_visible()

        async with page.expect_download() as event:
            await page.get_by_role("link", name="Télécharger mon dossier").click()
        download = await event.value
        assert download.suggested_filename.startswith(f"dossier-{offer.account.login}-")
        assert download.suggested_filename.endswith(".pdf")
        reader = PdfReader(BytesIO((await download.path()).read_bytes()))
        texts = [" ".join(page_.extract_text().split()) for page_ in reader.pages]
        total = len(texts)
        assert texts[-2:] == [f"Page {total - 1} / {total}", f"Page {total} / {total}"]
        assert PROGRAMME in texts[0]
        # Still on the summary: a download is not a navigation.
        await expect(page.get_by_role("link", name="Télécharger mon dossier")).to_be_visible()
        if javascript:  # axe runs in the page: not without JavaScript
            assert await serious_violations(page) == []

        await page.goto("/candidatures")
        async with page.expect_download() as event:
            await page.get_by_role("link", name="Ajouter mes échéances à mon agenda").click()
        calendar = Calendar.from_ical((await (await event.value).path()).read_bytes())
        assert [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")] == [
            f"Date limite de retour : {PROGRAMME}"
        ]
        if javascript:
            assert await serious_violations(page) == []
        assert problems == []
    finally:
        await page.context.close()
