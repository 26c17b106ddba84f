"""The home page in a real browser: the offer tree, keyboard, CSP and accessibility."""

from __future__ import annotations

import pytest
from axe_playwright_python.async_playwright import Axe

from app.demo.seed import load_demo_data

MEDECINE = "DEMANDE DE CESURE - FACULTE DE SANTE - DEPARTEMENT MMP - MEDECINE"


@pytest.fixture
async def demo(live_server):
    return await load_demo_data()


async def test_home_shows_the_campaign_and_the_offer_tree(page, demo, page_problems):
    await page.goto("/")
    assert await page.locator(".brand .campaign").inner_text() == "Campagne eCesure 2026/2027"
    centres = await page.locator(".offer-tree summary").all_inner_texts()
    assert len(centres) == 8 and MEDECINE in centres

    programme = page.get_by_text("GESTION CESURE MEDECINE DE LA 2E A LA 6E ANNEE EN FRANCE (ANNEE)")
    assert not await programme.is_visible()
    summary = page.locator("summary", has_text=MEDECINE)
    await summary.focus()
    await page.keyboard.press("Enter")  # <details> opens from the keyboard, without JS
    assert await programme.is_visible()
    assert page_problems.csp_console_errors == []
    assert page_problems.page_errors == []


async def test_home_has_no_serious_accessibility_violation(page, demo):
    await page.goto("/")
    await page.locator("summary", has_text=MEDECINE).click()
    results = await Axe().run(page)
    serious = [
        (v["id"], [n["target"] for n in v["nodes"]])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []


async def test_home_in_english_after_the_switch(page, demo):
    await page.goto("/")
    await page.get_by_role("button", name="English").click()
    await page.wait_for_url("**/")
    assert await page.locator("html").get_attribute("lang") == "en"
    assert await page.locator(".brand .campaign").inner_text() == "eCesure campaign 2026/2027"


async def test_the_accessibility_statement_is_reached_from_the_footer_and_is_clean(page, demo):
    from tests.e2e.test_review_journey_browser import wcag_violations

    await page.goto("/")
    await page.locator("footer").get_by_role("link", name="Accessibilité : non conforme").click()
    await page.wait_for_url("**/accessibilite")
    assert await page.locator("h1").inner_text() == "Déclaration d'accessibilité"
    assert await wcag_violations(page) == []
