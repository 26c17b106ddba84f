"""The guide's confirmation screen (§07) in Chromium, with and without JavaScript (issue
12): the admission letter to download, the full withdrawal warning, then the
withdrawal shown in "Mes candidatures"; axe-clean."""

from __future__ import annotations

import pytest
from axe_playwright_python.async_playwright import Axe
from playwright.async_api import Page, expect

from app.accounts.passwords import hash_password
from app.applications import lifecycle
from app.core.codes.applications import Verdict
from tests.e2e.test_applications_browser import PASSWORD, new_page, sign_in
from tests.factories import (
    make_account,
    make_campaign,
    make_centre,
    make_commission,
    make_programme,
)
from tests.factories_dossier import decide, make_complete_dossier, make_decision_type

PROGRAMME = "GESTION CESURE F25MH DE LA L2 AU M2 A L'ETRANGER (ANNEE)"
WITHDRAWAL_WARNING = (
    "Si vous décidez de vous désister en cliquant sur le bouton 👎 Désistement candidature : "
    "aucune inscription administrative ne vous sera proposée. Si vous souhaitez reporter "
    "votre inscription à l'année universitaire suivante, il vous faudra à nouveau candidater "
    "et votre dossier sera à nouveau examiné par une Commission. Vous n'êtes pas assuré-e "
    "d'obtenir une nouvelle autorisation. Attention : cette action est irréversible."
)


@pytest.fixture(scope="module")
def server(live_server) -> str:
    return live_server


@pytest.fixture
async def admitted(refdata, mail_templates):
    """A candidate whose transmitted application has a validated favourable decision."""
    campaign = await make_campaign(academic_year="2026/2027")
    commission = await make_commission(await make_centre(campaign))
    programme = await make_programme(commission, [], label=PROGRAMME)
    account = await make_account(campaign, password_hash=hash_password(PASSWORD))
    await make_complete_dossier(account)
    change = await lifecycle.apply(account_id=account.id, programme_id=programme.id)
    actor = lifecycle.Actor.candidate(account.id)
    await lifecycle.transmit(application_id=change.application_id, actor=actor)
    await decide(change.application_id, await make_decision_type(Verdict.FAVOURABLE))
    return account, change.application_id


async def axe_serious(page: Page, *, javascript: bool) -> list:
    """Serious or critical axe violations. axe runs as a script in the page: with
    JavaScript off it cannot (the same HTML is checked by the JavaScript run)."""
    if not javascript:
        return []
    results = await Axe().run(page)
    return [
        (v["id"], [n["target"] for n in v["nodes"]])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("javascript", [False, True], ids=["no-js", "js"])
async def test_download_the_letter_then_withdraw(browser, server, admitted, javascript):
    account, application_id = admitted
    page, problems = await new_page(browser, server, javascript=javascript)
    missing: list[str] = []  # what answered 404, but the browser's own /favicon.ico
    page.on(
        "console",
        lambda m: (
            missing.append(m.location["url"])
            if m.type == "error" and not m.location["url"].endswith("/favicon.ico")
            else None
        ),
    )
    try:
        await sign_in(page, account)
        await page.goto(f"/candidatures/{application_id}")
        await expect(page.locator(".withdrawal-warning")).to_have_text(WITHDRAWAL_WARNING)
        button = page.get_by_role("link", name="Télécharger lettre d'admission")
        await expect(button).to_be_visible()
        assert await axe_serious(page, javascript=javascript) == []

        async with page.expect_download() as waiting:
            await button.click()
        download = await waiting.value
        assert download.suggested_filename == f"lettre-admission-{account.login}.pdf"
        with open(await download.path(), "rb") as letter:
            assert letter.read(5) == b"%PDF-"

        await page.get_by_role("link", name="Désistement candidature").click()
        await page.get_by_role("button", name="Oui, je me désiste").click()
        await expect(page.locator(".answer-given")).to_contain_text(
            "Vous vous êtes désisté·e de cette candidature le"
        )
        await expect(page.get_by_role("link", name="Télécharger lettre d'admission")).to_have_count(
            0
        )

        await page.goto("/candidatures")
        row = page.locator("tr", has=page.get_by_role("link", name=PROGRAMME))
        await expect(row.locator(".answer-badge")).to_have_text("Désistement")
        assert await axe_serious(page, javascript=javascript) == []
        assert missing == []
        assert [p for p in problems if "404 (Not Found)" not in p] == []
    finally:
        await page.context.close()
