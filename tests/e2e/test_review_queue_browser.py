"""The review desk's queue and bulk validation in a real browser: htmx swaps the table
in place and keeps the URL, the same works with JS off, and axe finds nothing serious."""

from __future__ import annotations

import pytest
from axe_playwright_python.async_playwright import Axe

from app.core.codes.applications import Verdict
from app.core.codes.staff import StaffRole
from app.refdata.load import load_reference_data
from app.tables.applications import Decision
from tests.factories import make_campaign, make_centre, make_commission, make_programme
from tests.factories_dossier import decide, make_decision_type, make_received_application
from tests.factories_staff import STAFF_PASSWORD, make_staff


@pytest.fixture
async def desk(live_server, mail_templates):
    await load_reference_data()
    campaign = await make_campaign()
    centre = await make_centre(campaign)
    commission = await make_commission(centre)
    medecine = await make_programme(commission, label="MEDECINE CESURE")
    droit = await make_programme(commission, label="DROIT CESURE")
    favourable = await make_decision_type(Verdict.FAVOURABLE, label_fr="Avis favorable")
    apps = [(await make_received_application(campaign, medecine))[1] for _ in range(2)]
    apps.append((await make_received_application(campaign, droit))[1])
    for application_id in apps:
        await decide(application_id, favourable, validate=False)
    await make_staff(StaffRole.CENTRE_MANAGER, centres=[centre], username="gestion")
    return apps


async def sign_in(page) -> None:
    await page.goto("/staff/connexion")
    await page.get_by_label("Identifiant").fill("gestion")
    await page.get_by_label("Mot de passe").fill(STAFF_PASSWORD)
    await page.get_by_role("button", name="Se connecter").click()
    await page.wait_for_url("**/staff/")


async def serious_violations(page) -> list:
    results = await Axe().run(page)
    return [
        (v["id"], [n["target"] for n in v["nodes"]])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


async def test_sort_and_filter_swap_the_table_and_bulk_validation_confirms(
    page, desk, page_problems
):
    await sign_in(page)
    await page.goto("/staff/candidatures")
    assert await serious_violations(page) == []
    await page.evaluate("() => { window.__marker = 1; }")  # lost on a full page load
    await page.get_by_role("link", name="Formation").click()
    await page.wait_for_url("**/staff/candidatures?tri=formation")
    assert await page.locator("th[aria-sort=ascending]").inner_text() == "Formation ▲"
    await page.get_by_label("Formation", exact=True).select_option(label="MEDECINE CESURE")
    await page.get_by_role("button", name="Filtrer").click()
    await page.wait_for_url("**formation=*tri=formation*")
    assert await page.locator(".queue-count").inner_text() == "2 candidatures"
    assert await page.evaluate("window.__marker") == 1  # swapped in place, no reload

    await page.get_by_label("Action", exact=True).select_option(label="Valider la décision saisie")
    await page.get_by_role("button", name="Appliquer à toute la liste filtrée (2)").click()
    await page.get_by_role("heading", name="Valider 2 décisions ?").wait_for()
    assert await serious_violations(page) == []
    await page.get_by_role("button", name="Confirmer").click()
    await page.get_by_text("Faites : 2 — refusées : 0.").wait_for()
    assert await serious_violations(page) == []
    rows = await Decision.select(Decision.application).where(Decision.validated.eq(True))
    assert sorted(r["application"] for r in rows) == desk[:2]
    assert page_problems.page_errors == []
    assert page_problems.csp_console_errors == []


async def test_the_queue_works_with_javascript_off(browser, live_server, desk):
    context = await browser.new_context(
        base_url=live_server, locale="fr-FR", java_script_enabled=False
    )
    page = await context.new_page()
    try:
        await sign_in(page)
        await page.goto("/staff/candidatures")
        await page.get_by_role("link", name="Formation").click()
        await page.wait_for_url("**tri=formation")
        await page.get_by_label("Formation", exact=True).select_option(label="DROIT CESURE")
        await page.get_by_role("button", name="Filtrer").click()
        await page.wait_for_url("**formation=*")
        assert await page.locator(".queue-count").inner_text() == "1 candidature"
        await page.get_by_label("Action", exact=True).select_option(
            label="Valider la décision saisie"
        )
        await page.get_by_role("button", name="Appliquer à toute cette page (1)").click()
        await page.get_by_role("heading", name="Valider 1 décisions ?").wait_for()
        await page.get_by_role("button", name="Confirmer").click()
        await page.get_by_text("Faites : 1 — refusées : 0.").wait_for()
    finally:
        await context.close()
