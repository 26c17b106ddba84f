"""Issue 10, item 5 in Chromium: the central office creates a centre manager with the
admin's form, the form's refusal shows in French, and the mailed link lets the new
colleague choose a password (without JavaScript) and land on the desk."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Expect

from app.tables.mail import OutboxMail
from tests.e2e.test_admin_browser import sign_in, unexpected_csp_errors
from tests.factories import make_campaign, make_centre
from tests.integration.test_admin import make_user

expect = Expect()
expect.set_options(timeout=20_000)
LINK = re.compile(r"/staff/activation/[A-Za-z0-9_-]+")
NEW_PASSWORD = "Nouveau-secret-2026"
SUBMIT = re.compile("soumettre", re.IGNORECASE)  # piccolo-admin's own button


@pytest.fixture
async def central(mail_templates):
    await make_centre(await make_campaign(active=True), code="IUT")
    return await make_user("gestion")


async def fill_form(page, values: dict[str, str]) -> None:
    for name, value in values.items():
        await page.locator(f"[name={name}]").fill(value)


async def test_central_office_creates_a_colleague_who_chooses_a_password(
    browser, live_server, page, page_problems, central
):
    await sign_in(page)
    await page.get_by_text("Sélectionnez une table dans la barre latérale").wait_for()
    await page.goto("/admin/#/forms/creer-personnel/")
    await page.locator("[name=username]").wait_for()
    values = {
        "username": "c.durand",
        "email": "claire.durand@univ.example.fr",
        "first_name": "Claire",
        "last_name": "Durand",
        "role": "centre",
        "centres": "NOPE",
    }
    await fill_form(page, values)
    await page.get_by_role("button", name=SUBMIT).click()
    await expect(page.get_by_text("Centres : centre inconnu(s) : NOPE")).to_be_visible()

    await page.locator("[name=centres]").fill("IUT")
    await page.get_by_role("button", name=SUBMIT).click()
    await expect(page.get_by_text("Compte « c.durand » créé")).to_be_visible()
    assert unexpected_csp_errors(page_problems) == []

    mail = await OutboxMail.select(OutboxMail.text).order_by(OutboxMail.id, ascending=False)
    link = LINK.search(mail[0]["text"]).group(0)

    # The colleague, in a browser of their own with JavaScript off.
    context = await browser.new_context(
        base_url=live_server, locale="fr-FR", java_script_enabled=False
    )
    colleague = await context.new_page()
    try:
        await colleague.goto(link)
        await colleague.locator("#password").fill("faible")
        await colleague.locator("#password_confirm").fill("faible")
        await colleague.get_by_role("button", name="Enregistrer et me connecter").click()
        await expect(
            colleague.get_by_text("Le mot de passe doit contenir au moins un chiffre.").first
        ).to_be_visible()
        await colleague.locator("#password").fill(NEW_PASSWORD)
        await colleague.locator("#password_confirm").fill(NEW_PASSWORD)
        await colleague.get_by_role("button", name="Enregistrer et me connecter").click()
        await expect(colleague).to_have_url(re.compile(r"/staff/$"))
        await expect(colleague.get_by_text("Claire Durand").first).to_be_visible()
    finally:
        await context.close()
