""" "Mes messages" and the mail template previews in Chromium (issue 11 items 5 and 6):
without JavaScript, the candidate opens a mail and asks for it again; both pages pass
axe with no serious violation and no Content Security Policy violation."""

from __future__ import annotations

import pytest
from axe_playwright_python.async_playwright import Axe
from playwright.async_api import Page, expect

from app.accounts.passwords import hash_password
from app.core.codes.mail import MailCode, MailStatus
from app.core.codes.staff import StaffRole
from app.mail.outbox import queue_mail
from app.tables.mail import OutboxMail
from tests.e2e.conftest import REPORT_CSP_VIOLATIONS
from tests.e2e.test_applications_browser import PASSWORD, sign_in
from tests.factories import make_account, make_campaign
from tests.factories_staff import STAFF_PASSWORD, make_staff


@pytest.fixture(scope="module")
def server(live_server) -> str:
    return live_server


async def open_page(browser, server: str, *, javascript: bool) -> tuple[Page, list[str]]:
    """tests.e2e.test_applications_browser's ``new_page``, without Chromium's request
    for /favicon.ico (which the portal has not) among the problems."""
    context = await browser.new_context(
        base_url=server, locale="fr-FR", java_script_enabled=javascript
    )
    await context.add_init_script(REPORT_CSP_VIOLATIONS)
    page = await context.new_page()
    problems: list[str] = []

    def keep(message) -> None:
        if message.type == "error" and "favicon" not in message.location.get("url", ""):
            problems.append(message.text)

    page.on("console", keep)
    page.on("pageerror", lambda error: problems.append(str(error)))
    return page, problems


async def serious_violations(page: Page) -> list:
    results = await Axe().run(page)
    return [
        (v["id"], [n["target"] for n in v["nodes"]])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


async def test_a_candidate_reads_a_mail_and_gets_it_again_without_javascript(
    browser, server, mail_templates
):
    campaign = await make_campaign()
    account = await make_account(campaign, password_hash=hash_password(PASSWORD))
    mail_id = await queue_mail(
        to=account.email,
        code=MailCode.DEV_TEST,
        context={"name": "Camille"},
        account_id=account.id,
    )
    await OutboxMail.update({OutboxMail.status: MailStatus.SENT.value}).where(
        OutboxMail.id == mail_id
    )
    page, problems = await open_page(browser, server, javascript=False)

    await sign_in(page, account)
    await page.get_by_role("link", name="Mes messages").click()
    await expect(page.get_by_role("heading", name="Mes messages")).to_be_visible()
    await page.get_by_role("link", name="Message de test eCésure").click()
    await expect(page.locator("pre.mail-text")).to_contain_text("Camille")
    await page.get_by_role("button", name="Me renvoyer ce message").click()
    await expect(page.get_by_role("status")).to_have_text(
        "Le message va vous être renvoyé à votre adresse mail actuelle."
    )
    row = await OutboxMail.select(OutboxMail.status).where(OutboxMail.id == mail_id).first()
    assert row["status"] == MailStatus.QUEUED.value
    assert problems == []

    # axe runs in the page: it needs JavaScript (htmx then boosts the links).
    page, problems = await open_page(browser, server, javascript=True)
    await sign_in(page, account)
    for path in ("/messages", f"/messages/{mail_id}"):
        await page.goto(path)
        assert await serious_violations(page) == [], path
    assert problems == []


async def test_the_central_office_previews_a_template(browser, server, mail_templates):
    await make_staff(StaffRole.CENTRAL_OFFICE, username="scolarite")
    page, problems = await open_page(browser, server, javascript=True)

    await page.goto("/staff/modeles-mails")
    await page.get_by_label("Identifiant").fill("scolarite")
    await page.get_by_label("Mot de passe").fill(STAFF_PASSWORD)
    await page.get_by_role("button", name="Se connecter").click()
    await expect(page.get_by_role("heading", name="Modèles de mails")).to_be_visible()
    await page.goto("/staff/modeles-mails/decision_fa/en")
    frame = page.frame_locator("iframe.mail-frame")
    await expect(frame.locator("body")).to_contain_text("Camille")
    assert await serious_violations(page) == []
    assert problems == []
