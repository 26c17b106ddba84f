"""Issue 8, defect 5: a password reset ends every session of the account, an email
change every other one.

Sessions live in Redis; each signed-in session is listed under its account
(``ecesure:session-owner:<account id>``) when it is written, and unlisted at sign-out.
Our choice for the reset: every session of the account ends, the browser that reset
the password included when it was signed in to that account; nobody is signed in by
the reset (the page asks to sign in with the new password). The email change keeps
the session that followed the confirmation link.
"""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from app.accounts.passwords import hash_password
from app.accounts.tokens import TokenPurpose, create_token
from app.clock import now
from tests.factories import make_account, make_campaign
from tests.fixtures.web import BASE_URL, post_form

PASSWORD = "Motdepasse-2026"
NEW_PASSWORD = "Nouveau-mdp-2026"
COOKIE = "ecesure_session"


@pytest.fixture
async def account(mail_templates):
    campaign = await make_campaign(active=True)
    return await make_account(
        campaign, email="known@example.fr", password_hash=hash_password(PASSWORD)
    )


@pytest.fixture
async def browsers(app, client):
    """Three more browsers on the same portal."""
    clients = [
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE_URL)
        for _ in range(3)
    ]
    yield clients
    for http in clients:
        await http.aclose()


def session_id(http: httpx.AsyncClient) -> str | None:
    return http.cookies.get(COOKIE, domain="testserver.local")


async def sign_in(http: httpx.AsyncClient, account, password: str = PASSWORD) -> str:
    response = await post_form(
        http, "/connexion", {"identifier": account.login, "password": password}
    )
    assert response.status_code == 303
    return session_id(http)


async def is_signed_in(http: httpx.AsyncClient) -> bool:
    response = await http.get("/compte/adresse-mail")
    return response.status_code == 200


async def listed(redis, account) -> set[str]:
    return {m.decode() for m in await redis.smembers(f"ecesure:session-owner:{account.id}")}


async def test_sign_in_lists_the_session_and_sign_out_unlists_it(browsers, account, redis):
    first, second, _ = browsers
    a = await sign_in(first, account)
    b = await sign_in(second, account)
    assert await listed(redis, account) == {a, b}
    assert 0 < await redis.ttl(f"ecesure:session-owner:{account.id}") <= 8 * 3600

    await post_form(first, "/deconnexion", {})
    assert await listed(redis, account) == {b}
    assert await redis.exists(f"ecesure:session:{a}") == 0


async def test_a_password_reset_ends_every_session_of_the_account(browsers, account, redis):
    laptop, phone, elsewhere = browsers
    a, b = await sign_in(laptop, account), await sign_in(phone, account)
    token = await create_token(
        account_id=account.id, purpose=TokenPurpose.RESET, expires_at=now() + timedelta(hours=2)
    )
    done = await post_form(
        elsewhere,
        f"/compte/mot-de-passe/{token}",
        {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD},
    )
    assert "Votre mot de passe a été modifié" in done.text

    assert not await is_signed_in(laptop)
    assert not await is_signed_in(phone)
    assert not await is_signed_in(elsewhere)  # the reset signs nobody in
    assert await redis.exists(f"ecesure:session:{a}", f"ecesure:session:{b}") == 0
    assert await listed(redis, account) == set()
    await sign_in(elsewhere, account, NEW_PASSWORD)
    assert await is_signed_in(elsewhere)


async def test_the_resetting_browser_signed_in_to_the_account_is_signed_out_too(
    browsers, account, redis
):
    laptop, *_ = browsers
    await sign_in(laptop, account)
    token = await create_token(
        account_id=account.id, purpose=TokenPurpose.RESET, expires_at=now() + timedelta(hours=2)
    )
    await post_form(
        laptop,
        f"/compte/mot-de-passe/{token}",
        {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD},
    )
    assert not await is_signed_in(laptop)
    assert await listed(redis, account) == set()


async def test_a_reset_leaves_other_accounts_alone(browsers, account, redis):
    laptop, phone, _ = browsers
    other = await make_account(
        account.campaign, email="other@example.fr", password_hash=hash_password(PASSWORD)
    )
    await sign_in(laptop, account)
    kept = await sign_in(phone, other)
    token = await create_token(
        account_id=account.id, purpose=TokenPurpose.RESET, expires_at=now() + timedelta(hours=2)
    )
    await post_form(
        phone,  # signed in to the other account: that session stays
        f"/compte/mot-de-passe/{token}",
        {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD},
    )
    assert not await is_signed_in(laptop)
    assert await is_signed_in(phone)
    assert await listed(redis, other) == {kept}


async def test_an_email_change_ends_the_other_sessions_and_keeps_this_one(browsers, account, redis):
    laptop, phone, _ = browsers
    a, b = await sign_in(laptop, account), await sign_in(phone, account)
    token = await create_token(
        account_id=account.id,
        purpose=TokenPurpose.EMAIL_CHANGE,
        expires_at=now() + timedelta(days=5),
        email="new@example.fr",
    )
    confirmed = await laptop.get(f"/compte/adresse-mail/{token}")
    assert "Votre nouvelle adresse mail est validée" in confirmed.text

    assert await is_signed_in(laptop)
    assert not await is_signed_in(phone)
    assert await redis.exists(f"ecesure:session:{b}") == 0
    assert await listed(redis, account) == {a}


async def test_an_email_change_confirmed_elsewhere_ends_every_session(browsers, account, redis):
    laptop, _, webmail = browsers
    await sign_in(laptop, account)
    token = await create_token(
        account_id=account.id,
        purpose=TokenPurpose.EMAIL_CHANGE,
        expires_at=now() + timedelta(days=5),
        email="new@example.fr",
    )
    await webmail.get(f"/compte/adresse-mail/{token}")
    assert not await is_signed_in(laptop)
    assert await listed(redis, account) == set()
