"""The admin in a real browser, under the portal's Content-Security-Policy for /admin."""

from __future__ import annotations

import pytest

from app.backoffice.admin import MENU_GROUPS, SITE_NAME
from app.tables.applications import Application
from tests.integration.test_admin import PASSWORD, make_application_rows, make_user


def unexpected_csp_errors(page_problems) -> list[str]:
    """CSP errors but one: core-js probes ``Function("return this")`` inside try/catch and
    falls back to ``window`` when refused, so the admin needs no 'unsafe-eval'. Were an
    eval really needed, the page would throw (``page_errors``) and the checks fail."""
    return [
        text
        for text in page_problems.csp_console_errors
        if not ("eval" in text and "/admin/assets/" in text)
    ]


@pytest.fixture
async def admin_user():
    """A central office login: with the technical administrator, the only role that
    enters the admin."""
    return await make_user("gestion")


async def sign_in(page, username: str = "gestion", password: str = PASSWORD) -> None:
    await page.goto("/admin/")
    # The single-page app may show its home for a moment before its auth check sends it
    # to the login form: wait for the form itself.
    await page.locator("input[name=username]").wait_for()
    await page.get_by_role("heading", name=SITE_NAME, exact=True).first.wait_for()
    await page.locator("input[name=username]").fill(username)
    await page.locator("input[type=password]").fill(password)
    await page.get_by_role("button", name="Connexion").click()


async def test_admin_signs_in_and_shows_the_french_menus(page, page_problems, admin_user):
    await sign_in(page)

    await page.get_by_text("Sélectionnez une table dans la barre latérale").wait_for()
    sidebar = page.locator(".sidebar")
    for group in MENU_GROUPS:
        await sidebar.get_by_text(group, exact=True).wait_for()
    await sidebar.locator('a[href="#/programme/"]').wait_for()

    assert unexpected_csp_errors(page_problems) == []
    assert page_problems.page_errors == []


async def test_wrong_password_keeps_the_login_form(page, page_problems, admin_user):
    await sign_in(page, password="Mauvais-mot-de-passe")

    await page.get_by_text("Problem logging in").wait_for()
    assert await page.locator("input[name=username]").is_visible()
    assert unexpected_csp_errors(page_problems) == []


async def test_application_form_saves_the_opi_code_and_refuses_a_status(
    page, page_problems, admin_user
):
    """The edit form sends every field back: unchanged statuses and dates pass, a
    changed status is refused with the reason shown to the staff member."""
    application = (await make_application_rows())["application"]
    await sign_in(page)
    await page.get_by_text("Sélectionnez une table dans la barre latérale").wait_for()

    await page.goto(f"/admin/#/application/{application.id}")
    await page.locator("input[name=opi_code]").fill("OPI-2026-0042")
    await page.get_by_role("button", name="Enregistrer").click()
    await page.get_by_text("Successfully saved row").wait_for()
    saved = await Application.select().where(Application.id == application.id).first()
    assert (saved["opi_code"], saved["status"]) == ("OPI-2026-0042", "AT")

    await page.locator("select[name=status]").select_option("CO")
    await page.get_by_role("button", name="Enregistrer").click()
    await page.get_by_text("Modification refusée : « Statut du dossier »").wait_for()
    assert (await Application.select().where(Application.id == application.id).first()) == saved

    assert unexpected_csp_errors(page_problems) == []
    assert page_problems.page_errors == []
