"""Issue 8, defect 9: with Redis down no session can be kept, so a sign-in must not
answer "done" (303) and land back on the sign-in page signed out: the candidate form
and the university (CAS) return both say that sign-in is unavailable for a moment
(503). Defect 5's session ending degrades too: a reset still succeeds."""

from __future__ import annotations

import dataclasses
import socket
from datetime import timedelta

import pytest

from app.accounts.passwords import hash_password, verify_password
from app.accounts.tokens import TokenPurpose, create_token
from app.asgi import create_app
from app.clock import now
from app.settings import get_settings
from app.tables.accounts import CandidateAccount
from tests.factories import make_account, make_campaign
from tests.fixtures.web import post_form, running

PASSWORD = "Motdepasse-2026"
UNAVAILABLE = "La connexion est momentanément indisponible. Réessayez dans quelques minutes."


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nothing listens once the socket is closed


@pytest.fixture
async def no_redis():
    settings = dataclasses.replace(
        get_settings(), redis_url=f"redis://127.0.0.1:{_closed_port()}/0"
    )
    async with running(create_app(settings)) as client:
        yield client


@pytest.fixture
async def account():
    campaign = await make_campaign(active=True)
    return await make_account(campaign, password_hash=hash_password(PASSWORD))


async def test_candidate_sign_in_says_it_is_unavailable(no_redis, account):
    response = await post_form(
        no_redis, "/connexion", {"identifier": account.login, "password": PASSWORD}
    )
    assert response.status_code == 503
    assert UNAVAILABLE in response.text
    assert f'value="{account.login}"' in response.text  # the typed login is kept
    assert "ecesure_session" not in response.headers.get("set-cookie", "")
    await account.refresh()
    assert account.last_login_at is None


async def test_university_return_says_it_is_unavailable(no_redis):
    response = await no_redis.get("/universite/retour", params={"ticket": "ST-anything"})
    assert response.status_code == 503
    assert UNAVAILABLE in response.text
    assert 'href="/universite/connexion"' in response.text  # start again later


async def test_a_password_reset_still_succeeds(no_redis, account):
    token = await create_token(
        account_id=account.id, purpose=TokenPurpose.RESET, expires_at=now() + timedelta(hours=2)
    )
    done = await post_form(
        no_redis,
        f"/compte/mot-de-passe/{token}",
        {"password": "Nouveau-mdp-2026", "password_confirm": "Nouveau-mdp-2026"},
    )
    assert done.status_code == 200
    assert "Votre mot de passe a été modifié" in done.text
    await account.refresh()
    assert verify_password(account.password_hash, "Nouveau-mdp-2026")


async def test_an_activation_link_activates_and_says_to_sign_in_later(no_redis, account):
    await CandidateAccount.update(
        {CandidateAccount.activated_at: None, CandidateAccount.purge_after: now()}
    ).where(CandidateAccount.id == account.id)
    token = await create_token(
        account_id=account.id, purpose=TokenPurpose.ACTIVATION, expires_at=now() + timedelta(1)
    )
    page = await no_redis.get(f"/compte/activer/{token}")
    assert page.status_code == 200
    assert "Votre compte a été validé" in page.text
    assert UNAVAILABLE in page.text
    assert "Vous êtes connecté" not in page.text
    await account.refresh()
    assert account.activated_at is not None
