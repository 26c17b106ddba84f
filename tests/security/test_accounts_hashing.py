"""Issue 8, defect 13: argon2 hashing and verifying (tens of milliseconds of CPU each)
ran on the event loop, partly inside write transactions (holding SQLite's write lock).
Each hash and verification now runs in a worker thread, outside any transaction.

The hasher is wrapped to record where each call runs: the database, Redis and the
HTTP stack are the real ones."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from piccolo.engine import engine_finder

from app.accounts import passwords
from app.accounts.tokens import TokenPurpose, create_token
from app.clock import now
from tests.factories import make_account, make_campaign
from tests.fixtures.web import post_form

PASSWORD = "Motdepasse-2026"


class RecordingHasher(PasswordHasher):
    def __init__(self) -> None:
        super().__init__()
        self.calls: list[tuple[str, bool, bool]] = []

    def _record(self, what: str) -> None:
        try:
            asyncio.get_running_loop()
            on_loop = True
        except RuntimeError:
            on_loop = False
        self.calls.append((what, on_loop, engine_finder().transaction_exists()))

    def hash(self, password, *, salt=None):
        self._record("hash")
        return super().hash(password, salt=salt)

    def verify(self, hash, password):
        self._record("verify")
        return super().verify(hash, password)


@pytest.fixture
def hasher(monkeypatch) -> RecordingHasher:
    recording = RecordingHasher()
    monkeypatch.setattr(passwords, "_hasher", recording)
    return recording


@pytest.fixture
async def campaign(mail_templates):
    return await make_campaign(active=True)


async def test_sign_in_and_reset_hash_off_the_loop_and_outside_transactions(
    client, campaign, hasher
):
    account = await make_account(campaign, password_hash=passwords.hash_password(PASSWORD))
    hasher.calls.clear()  # the factory's own hash above is not the portal's

    await post_form(client, "/connexion", {"identifier": account.login, "password": PASSWORD})
    await post_form(client, "/deconnexion", {})
    await post_form(client, "/connexion", {"identifier": "ZZZZZZZZ", "password": PASSWORD})
    token = await create_token(
        account_id=account.id, purpose=TokenPurpose.RESET, expires_at=now() + timedelta(hours=2)
    )
    reset = await post_form(
        client,
        f"/compte/mot-de-passe/{token}",
        {"password": "Nouveau-mdp-2026", "password_confirm": "Nouveau-mdp-2026"},
    )
    assert "Votre mot de passe a été modifié" in reset.text

    assert [what for what, _, _ in hasher.calls] == ["verify", "verify", "hash"]
    assert [(on_loop, in_tx) for _, on_loop, in_tx in hasher.calls] == [(False, False)] * 3


async def test_the_sign_up_hash_is_made_off_the_loop_outside_its_transaction(
    client, campaign, hasher
):
    await post_form(
        client,
        "/compte/creer",
        {
            "last_name": "Dupont",
            "first_name": "Léa",
            "email": "lea@example.fr",
            "email_confirm": "lea@example.fr",
            "password": PASSWORD,
            "password_confirm": PASSWORD,
        },
    )
    assert hasher.calls == [("hash", False, False)]
