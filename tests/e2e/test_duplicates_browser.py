"""Possible duplicates on the review desk in a real browser (issue 15): the queue's
filter, the « Doublons possibles » panel and « pas un doublon », axe-clean."""

from __future__ import annotations

import pytest

from app.core.codes.staff import StaffRole
from app.refdata.load import load_reference_data
from app.tables.dossier import DuplicateDismissal
from tests.e2e.test_review_queue_browser import serious_violations
from tests.factories import make_campaign, make_centre, make_commission, make_programme
from tests.factories_staff import STAFF_PASSWORD, make_staff
from tests.integration.review.test_duplicates import applicant


@pytest.fixture
async def desk(live_server, mail_templates):
    await load_reference_data()
    campaign = await make_campaign()
    programme = await make_programme(await make_commission(await make_centre(campaign)))
    martin = await applicant(campaign, programme, "MARTÍN", "Éloïse")
    martin_again = await applicant(campaign, programme, "martin", "ELOISE")
    await applicant(campaign, programme, "DURAND", "Paul")
    await make_staff(StaffRole.CENTRAL_OFFICE, username="central")
    return martin, martin_again


async def test_filter_panel_and_not_a_duplicate(page, desk, page_problems):
    martin, martin_again = desk
    await page.goto("/staff/connexion")
    await page.get_by_label("Identifiant").fill("central")
    await page.get_by_label("Mot de passe").fill(STAFF_PASSWORD)
    await page.get_by_role("button", name="Se connecter").click()
    await page.wait_for_url("**/staff/")

    await page.goto("/staff/candidatures")
    assert await page.locator(".queue-count").inner_text() == "3 candidatures"
    await page.get_by_label("Doublons possibles uniquement").check()
    await page.get_by_role("button", name="Filtrer").click()
    await page.wait_for_url("**doublons=1*")
    assert await page.locator(".queue-count").inner_text() == "2 candidatures"
    assert await serious_violations(page) == []

    await page.get_by_role("link", name=martin.account.login, exact=True).click()
    await page.wait_for_url(f"**/staff/candidatures/{martin.application_id}")
    panel = page.locator("#doublons")
    await panel.get_by_role("heading", name="Doublons possibles").wait_for()
    links = panel.get_by_role("link")
    assert await links.count() == 1  # the same programme, under the other account
    assert await links.first.get_attribute("href") == (
        f"/staff/candidatures/{martin_again.application_id}"
    )
    assert await serious_violations(page) == []

    await panel.get_by_role("button", name=f"Pas un doublon : {martin_again.account.login}").click()
    await page.get_by_text(
        "Ces deux dossiers ne sont plus signalés comme doublons possibles."
    ).wait_for()
    assert await page.locator("#doublons").count() == 0
    assert await DuplicateDismissal.count() == 1
    assert await serious_violations(page) == []

    await page.goto("/staff/candidatures?doublons=1")
    assert await page.locator(".queue-count").inner_text() == "0 candidatures"
    assert page_problems.page_errors == []
    assert page_problems.csp_console_errors == []


async def test_filter_and_not_a_duplicate_work_with_javascript_off(browser, live_server, desk):
    martin, martin_again = desk
    context = await browser.new_context(
        base_url=live_server, locale="fr-FR", java_script_enabled=False
    )
    page = await context.new_page()
    try:
        await page.goto("/staff/connexion")
        await page.get_by_label("Identifiant").fill("central")
        await page.get_by_label("Mot de passe").fill(STAFF_PASSWORD)
        await page.get_by_role("button", name="Se connecter").click()
        await page.wait_for_url("**/staff/")
        await page.goto("/staff/candidatures")
        await page.get_by_label("Doublons possibles uniquement").check()
        await page.get_by_role("button", name="Filtrer").click()
        await page.wait_for_url("**doublons=1*")
        assert await page.locator(".queue-count").inner_text() == "2 candidatures"
        await page.get_by_role("link", name=martin_again.account.login, exact=True).click()
        await page.wait_for_url(f"**/staff/candidatures/{martin_again.application_id}")
        await page.get_by_role("button", name=f"Pas un doublon : {martin.account.login}").click()
        await page.get_by_text(
            "Ces deux dossiers ne sont plus signalés comme doublons possibles."
        ).wait_for()
        assert await page.locator("#doublons").count() == 0
    finally:
        await context.close()
