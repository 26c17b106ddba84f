""" "Mes données" and "Données personnelles" in Chromium (issue 15): the candidate asks
for the archive, the real worker builds it and mails the link to the SMTP sink, the
link downloads the ZIP once; the notice and the page pass axe with no serious
violation, and both are reached by links (footer, sign-up form, menu)."""

from __future__ import annotations

import io
import json
import re
import zipfile

import pytest
from playwright.async_api import expect

from app.accounts.passwords import hash_password
from app.tables.ops import DataExport
from tests.e2e.test_applications_browser import PASSWORD, sign_in
from tests.e2e.test_messages_browser import open_page, serious_violations
from tests.factories import make_account, make_campaign
from tests.factories_dossier import stored_pdf
from tests.fixtures.files import PDF

LINK = re.compile(r"https?://[^/\s]+(/mes-donnees/archive/[A-Za-z0-9_-]+)")


@pytest.fixture(scope="module")
def server(live_server) -> str:
    return live_server


async def test_a_candidate_gets_the_archive_of_their_data_by_mail(
    browser, server, mail_templates, run_worker, smtp_sink
):
    campaign = await make_campaign()
    account = await make_account(campaign, password_hash=hash_password(PASSWORD))
    file_id = await stored_pdf(account, "relevé de notes.pdf")
    page, problems = await open_page(browser, server, javascript=True)

    await sign_in(page, account)
    await page.get_by_role("link", name="Mes données").click()
    await expect(page.get_by_role("heading", name="Mes données", exact=True)).to_be_visible()
    assert await serious_violations(page) == []
    await page.get_by_role("button", name="Demander l'archive de mes données").click()
    await expect(page.get_by_role("status")).to_contain_text("Votre demande est enregistrée")
    await expect(page.get_by_text("archive en préparation")).to_be_visible()

    assert await run_worker() == 2  # the archive, then its mail
    (mail,) = smtp_sink.messages
    assert mail["To"] == account.email
    path = LINK.search(mail.get_body(("plain",)).get_content()).group(1)
    download = await page.context.request.get(server + path)
    assert download.status == 200
    assert download.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(await download.body()))
    document = json.loads(archive.read("donnees.json"))
    assert document["tables"]["candidate_account"][0]["login"] == account.login
    assert archive.read(f"fichiers/{file_id}-relevé de notes.pdf") == PDF
    again = await page.context.request.get(server + path)
    assert again.status == 410
    assert (await DataExport.objects().first()).status == "downloaded"

    await page.reload()
    await expect(page.get_by_text("Dernière archive téléchargée le")).to_be_visible()
    assert problems == []


async def test_the_notice_is_linked_from_the_footer_and_the_sign_up_form_and_passes_axe(
    browser, server
):
    # axe runs in the page: JavaScript on
    page, problems = await open_page(browser, server, javascript=True)
    await page.goto("/compte/creer")
    await page.get_by_role(
        "link", name="ce que eCésure garde, combien de temps et vos droits"
    ).click()
    await expect(page.get_by_role("heading", name="Données personnelles")).to_be_visible()
    await expect(page.get_by_text("365 jours après son archivage")).to_be_visible()
    await expect(page.get_by_role("link", name="dpo@ecesure.localhost")).to_be_visible()
    assert await serious_violations(page) == []
    await page.goto("/")
    await page.get_by_role("contentinfo").get_by_role("link", name="Données personnelles").click()
    await expect(page).to_have_url(f"{server}/donnees-personnelles")
    assert problems == []
