"""Issue 8, defect 4: the email-change form mails a link to any address typed; it is
limited like recovery, per account and per target address (3 an hour each), and
answers 429 with Retry-After and the French "too many attempts" page."""

from __future__ import annotations

import httpx
import pytest

from app.accounts.passwords import hash_password
from app.tables.mail import OutboxMail
from tests.factories import make_account, make_campaign
from tests.fixtures.web import BASE_URL, post_form

PASSWORD = "Motdepasse-2026"


@pytest.fixture
async def campaign(mail_templates):
    return await make_campaign(active=True)


async def signed_in_as(http: httpx.AsyncClient, account) -> None:
    response = await post_form(
        http, "/connexion", {"identifier": account.login, "password": PASSWORD}
    )
    assert response.status_code == 303


async def change(http: httpx.AsyncClient, email: str) -> httpx.Response:
    return await post_form(http, "/compte/adresse-mail", {"email": email})


async def test_an_account_gets_three_links_an_hour(client, campaign, clock):
    account = await make_account(campaign, password_hash=hash_password(PASSWORD))
    for n in range(3):
        await signed_in_as(client, account)  # each change signs the account out
        sent = await change(client, f"target{n}@example.fr")
        assert sent.status_code == 200
        assert "Un lien de validation a été envoyé" in sent.text
    await signed_in_as(client, account)
    blocked = await change(client, "target9@example.fr")
    assert blocked.status_code == 429
    assert 0 < int(blocked.headers["retry-after"]) <= 3600
    assert "Trop de tentatives" in blocked.text
    assert await OutboxMail.count() == 3
    await account.refresh()
    assert account.pending_email == "target2@example.fr"


async def test_one_address_gets_three_links_an_hour_whoever_asks(app, client, campaign, clock):
    victim = "Victim@Example.fr"
    for n in range(4):
        account = await make_account(campaign, password_hash=hash_password(PASSWORD))
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url=BASE_URL
        ) as http:
            await signed_in_as(http, account)
            response = await change(http, victim if n % 2 else victim.lower())
        assert response.status_code == (429 if n == 3 else 200)
    assert await OutboxMail.count().where(OutboxMail.to_address == "victim@example.fr") == 3
