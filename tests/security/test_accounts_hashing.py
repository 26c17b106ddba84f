"""Issue 8, defect 13: argon2 hashing and verifying (tens of milliseconds of CPU each)
ran on the event loop, partly inside write transactions (holding SQLite's write lock).
Each hash and verification now runs in a worker thread, outside any transaction.

The hasher is wrapped to record where each call runs: the database, Redis and the
HTTP stack are the real ones.

Issue 13, target 8 (deadline day): the hashes use the OWASP parameters (19 MiB, 2
passes, 1 lane) instead of argon2-cffi's default (64 MiB, 3 passes, 4 lanes); a hash
made with the old ones is replaced at the next successful sign-in."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from argon2 import Parameters, PasswordHasher, Type, extract_parameters
from argon2.profiles import RFC_9106_LOW_MEMORY
from piccolo.engine import engine_finder

from app.accounts import passwords
from app.accounts.tokens import TokenPurpose, create_token
from app.clock import now
from app.tables.accounts import CandidateAccount
from tests.factories import make_account, make_campaign
from tests.fixtures.web import post_form

PASSWORD = "Motdepasse-2026"


class RecordingHasher(PasswordHasher):
    def __init__(self) -> None:
        p = passwords.PARAMETERS  # the portal's, so that its own hashes need no rehash
        super().__init__(
            time_cost=p.time_cost,
            memory_cost=p.memory_cost,
            parallelism=p.parallelism,
            hash_len=p.hash_len,
            salt_len=p.salt_len,
            type=p.type,
        )
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


def test_a_fresh_hash_has_the_owasp_parameters():
    fresh = passwords.hash_password(PASSWORD)
    assert fresh.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert extract_parameters(fresh) == Parameters(
        type=Type.ID,
        version=19,
        salt_len=16,
        hash_len=32,
        time_cost=2,
        memory_cost=19456,
        parallelism=1,
    )
    assert passwords.verify_password(fresh, PASSWORD) is True
    assert passwords.needs_rehash(fresh) is False


async def _stored_hash(account_id: int) -> str:
    row = (
        await CandidateAccount.select(CandidateAccount.password_hash)
        .where(CandidateAccount.id == account_id)
        .first()
    )
    return row["password_hash"]


async def test_a_hash_made_with_the_old_default_is_replaced_at_the_next_sign_in(client, campaign):
    old = PasswordHasher.from_parameters(RFC_9106_LOW_MEMORY).hash(PASSWORD)
    assert old.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    account = await make_account(campaign, password_hash=old)

    wrong = await post_form(
        client, "/connexion", {"identifier": account.login, "password": "Pas-le-bon-2026"}
    )
    assert wrong.status_code == 200
    assert await _stored_hash(account.id) == old  # a failed attempt changes nothing

    signed_in = await post_form(
        client, "/connexion", {"identifier": account.login, "password": PASSWORD}
    )
    assert signed_in.status_code == 303
    assert signed_in.headers["location"] == "/dossier"
    new = await _stored_hash(account.id)
    assert extract_parameters(new) == passwords.PARAMETERS
    assert new.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert passwords.verify_password(new, PASSWORD) is True

    await post_form(client, "/deconnexion", {})
    again = await post_form(
        client, "/connexion", {"identifier": account.login, "password": PASSWORD}
    )
    assert again.status_code == 303
    assert await _stored_hash(account.id) == new  # at the current parameters: kept
