"""The admin read as the central office reads it, in a real browser: French headings and
codes, rows named rather than numbered, timestamps in the portal's zone, a candidate's
file opened from the admin."""

from __future__ import annotations

from app.tables.dossier import Candidate
from tests.e2e.test_admin_browser import admin_user, sign_in, unexpected_csp_errors
from tests.fixtures.files import make_pdf
from tests.integration.test_admin import make_application_rows

__all__ = ["admin_user"]  # the fixture, used by name


async def test_lists_read_in_french_with_named_rows(page, page_problems, admin_user):
    rows = await make_application_rows()
    await Candidate.update({Candidate.birth_name: "MARTIN"}).where(
        Candidate.id == rows["candidate"].id
    )
    await sign_in(page)
    await page.get_by_text("Sélectionnez une table dans la barre latérale").wait_for()
    zone = await page.evaluate("() => localStorage.getItem('defaultTimezone')")
    assert zone == "Europe/Paris"

    await page.goto("/admin/#/application/")
    table = page.locator("table")
    await table.get_by_text("Statut du dossier").wait_for()
    await table.get_by_text("MARTIN Léa (AB12CD34)").wait_for()
    await table.get_by_text("Césure en licence 3").wait_for()
    await table.get_by_text("En attente", exact=True).first.wait_for()

    assert unexpected_csp_errors(page_problems) == []
    assert page_problems.page_errors == []


async def test_a_stored_file_opens_from_the_admin(page, page_problems, admin_user):
    from app.documents.storage import store_upload

    rows = await make_application_rows()
    data = make_pdf()
    file_id = await store_upload(
        owner_account_id=rows["account"].id, filename="Attestation.pdf", data=data
    )
    await sign_in(page)
    await page.get_by_text("Sélectionnez une table dans la barre latérale").wait_for()

    await page.goto(f"/admin/#/stored_file/{file_id}")
    await page.locator("input[type=file]").wait_for()
    await page.locator("a:has(svg[data-icon=eye])").first.click()
    download = page.locator("#media_viewer a.button")
    await download.wait_for()
    href = await download.get_attribute("href")
    response = await page.request.get(page.url.split("#")[0] + href.removeprefix("./"))
    assert response.status == 200
    assert await response.body() == data

    assert unexpected_csp_errors(page_problems) == []
    assert page_problems.page_errors == []
