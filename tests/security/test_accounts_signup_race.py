"""Issue 8, defect 8: two identical sign-ups at once. Both may find the address free;
the database's unique index lets one through, and the other gets the "address already
used" field error, never a 500 (on SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from app.tables.accounts import CandidateAccount
from tests.factories import make_campaign
from tests.fixtures.web import BASE_URL, post_form

PASSWORD = "Motdepasse-2026"
TAKEN = "Cette adresse mail est déjà utilisée par un autre compte."


@pytest.fixture
async def campaign(mail_templates):
    return await make_campaign(active=True)


def signup(email: str) -> dict:
    return {
        "last_name": "Dupont",
        "first_name": "Léa",
        "email": email,
        "email_confirm": email,
        "password": PASSWORD,
        "password_confirm": PASSWORD,
    }


@pytest.mark.parametrize("attempt", range(3))
async def test_two_identical_sign_ups_at_once_give_one_account_and_one_field_error(
    app, client, campaign, attempt
):
    email = f"lea{attempt}@example.fr"
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url=BASE_URL
    ) as other:
        await client.get("/compte/creer")
        await other.get("/compte/creer")
        answers = await asyncio.gather(
            post_form(client, "/compte/creer", signup(email)),
            post_form(other, "/compte/creer", signup(email.upper())),
        )
    assert sorted(a.status_code for a in answers) == [200, 303]
    [refused] = [a for a in answers if a.status_code == 200]
    assert TAKEN in refused.text
    assert 'aria-invalid="true"' in refused.text
    assert await CandidateAccount.count().where(CandidateAccount.email == email) == 1


@pytest.mark.parametrize("attempt", range(3))
async def test_two_accounts_confirming_one_address_at_once_give_one_owner(
    app, client, campaign, attempt
):
    """The same race on the email change: both links pass the "is it free?" check."""
    from datetime import timedelta

    from app.accounts.tokens import TokenPurpose, create_token
    from app.clock import now
    from tests.factories import make_account

    email = f"shared{attempt}@example.fr"
    links = []
    for _ in range(2):
        account = await make_account(campaign)
        token = await create_token(
            account_id=account.id,
            purpose=TokenPurpose.EMAIL_CHANGE,
            expires_at=now() + timedelta(days=5),
            email=email,
        )
        links.append(f"/compte/adresse-mail/{token}")
    answers = await asyncio.gather(*(client.get(link) for link in links))
    assert [a.status_code for a in answers] == [200, 200]
    confirmed = [a for a in answers if "Votre nouvelle adresse mail est validée" in a.text]
    assert len(confirmed) == 1
    assert await CandidateAccount.count().where(CandidateAccount.email == email) == 1
