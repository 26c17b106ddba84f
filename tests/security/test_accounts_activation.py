"""Issue 8, defect 1 and 13 (activation login-CSRF): an activation link signs its
holder in once, when it activates the account, and never again.

A used, revoked or expired link answers without signing anyone in; an account that is
already active is told to sign in. A browser already signed in to another account keeps
that session (our choice: the account is activated, the session is not switched, and the
page names the account still signed in with a sign-out button).
"""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from app.accounts.passwords import hash_password
from app.accounts.tokens import TokenPurpose, create_token
from app.clock import now
from app.tables.accounts import CandidateAccount
from tests.factories import make_account, make_campaign
from tests.fixtures.web import BASE_URL, post_form

PASSWORD = "Motdepasse-2026"
ALREADY = "Votre compte est déjà activé : connectez-vous."


@pytest.fixture
async def campaign():
    return await make_campaign(active=True)


@pytest.fixture
async def stranger(app, client):
    """A second browser on the same portal, with no cookies."""
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url=BASE_URL
    ) as other:
        yield other


async def unactivated(campaign, **overrides) -> tuple[CandidateAccount, str]:
    account = await make_account(
        campaign,
        activated_at=None,
        email_validated_at=None,
        purge_after=now() + timedelta(days=5),
        password_hash=hash_password(PASSWORD),
        **overrides,
    )
    token = await create_token(
        account_id=account.id, purpose=TokenPurpose.ACTIVATION, expires_at=account.purge_after
    )
    return account, f"/compte/activer/{token}"


async def signed_in(http: httpx.AsyncClient) -> bool:
    response = await http.get("/dossier")
    return not (
        response.status_code == 303 and response.headers["location"].startswith("/connexion")
    )


async def test_first_use_activates_and_signs_in(client, campaign):
    account, link = await unactivated(campaign)
    page = await client.get(link)
    assert page.status_code == 200
    assert "Votre compte a été validé" in page.text and account.login in page.text
    assert await signed_in(client)


async def test_a_used_link_never_signs_in_again(client, stranger, campaign):
    account, link = await unactivated(campaign)
    await client.get(link)

    again = await stranger.get(link)
    assert again.status_code == 200
    assert ALREADY in again.text
    assert 'href="/connexion"' in again.text
    assert account.login not in again.text
    assert "ecesure_session" not in again.headers.get("set-cookie", "")
    assert not await signed_in(stranger)


async def test_a_revoked_link_of_an_active_account_does_not_sign_in(client, stranger, campaign):
    account, old_link = await unactivated(campaign)
    new_token = await create_token(
        account_id=account.id, purpose=TokenPurpose.ACTIVATION, expires_at=account.purge_after
    )  # "j'ai perdu mon code d'activation": the old link dies
    await client.get(f"/compte/activer/{new_token}")

    page = await stranger.get(old_link)
    assert ALREADY in page.text
    assert not await signed_in(stranger)


async def test_an_expired_link_neither_activates_nor_signs_in(stranger, campaign, clock):
    account, link = await unactivated(campaign)
    clock.shift(timedelta(days=5, seconds=1))
    page = await stranger.get(link)
    assert "Ce lien d'activation a expiré." in page.text
    assert not await signed_in(stranger)
    await account.refresh()
    assert account.activated_at is None


async def test_a_used_link_past_its_date_does_not_sign_in(client, stranger, campaign, clock):
    _, link = await unactivated(campaign)
    await client.get(link)
    clock.shift(timedelta(days=30))
    page = await stranger.get(link)
    assert ALREADY in page.text
    assert not await signed_in(stranger)


async def test_a_signed_in_user_is_not_switched_to_the_activated_account(client, campaign):
    """Login CSRF: someone makes a signed-in candidate open the activation link of an
    account they created. The link activates that account, but the browser stays on
    its own account and is told which one it is."""
    mine = await make_account(campaign, password_hash=hash_password(PASSWORD))
    await post_form(client, "/connexion", {"identifier": mine.login, "password": PASSWORD})
    theirs, link = await unactivated(campaign)

    page = await client.get(link)
    assert page.status_code == 200
    assert "Votre compte a été validé" in page.text
    assert f"numéro de dossier {mine.login}" in page.text
    assert 'action="/deconnexion"' in page.text
    await theirs.refresh()
    assert theirs.activated_at is not None
    overview = await client.get("/dossier")
    assert overview.status_code == 200
    session = await _session_account(client)
    assert session == mine.id


async def _session_account(http: httpx.AsyncClient) -> int | None:
    """Whose session the browser holds, read from the session store (Redis)."""
    import json

    from redis.asyncio import Redis

    from app.settings import get_settings

    session_id = http.cookies.get("ecesure_session", domain="testserver.local")
    redis = Redis.from_url(get_settings().redis_url)
    try:
        raw = await redis.get(f"ecesure:session:{session_id}")
    finally:
        await redis.aclose()
    return json.loads(raw)["account_id"] if raw else None
