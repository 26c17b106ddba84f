"""The guard of signed-in pages keeps what it learnt of the account in the session
(issue 13): one query for the first page, none for the next ones, and a destroyed
account is signed out within ``ACCOUNT_RECHECK_SECONDS``."""

from __future__ import annotations

from datetime import timedelta

import pytest
from piccolo.engine import engine_finder

from app.accounts.guards import ACCOUNT_RECHECK_SECONDS
from app.clock import now
from app.tables.accounts import CandidateAccount
from app.tables.dossier import Candidate
from tests.integration.dossier_support import new_candidate, plant_session


async def queries_for(http, path: str) -> tuple[int, int]:
    engine = engine_finder()
    before = engine.query_id
    response = await http.get(path)
    return response.status_code, engine.query_id - before


@pytest.fixture
async def student(client, clock):
    """A university student whose contact email is not confirmed yet."""
    account, candidate = await new_candidate(cas_login="cmartin", email_validated_at=None)
    await plant_session(client, account)
    return account, candidate


async def test_the_account_is_read_once_then_trusted_until_the_recheck(client, clock):
    account, _ = await new_candidate()
    await plant_session(client, account)
    first = await queries_for(client, "/messages")
    second = await queries_for(client, "/messages")
    assert first[0] == second[0] == 200
    assert first[1] - second[1] == 1  # the guard's query, on the first page only
    clock.shift(timedelta(seconds=ACCOUNT_RECHECK_SECONDS))
    third = await queries_for(client, "/messages")
    assert third == first


async def test_a_destroyed_account_is_signed_out_at_the_recheck(client, clock):
    account, candidate = await new_candidate()
    await plant_session(client, account)
    assert (await client.get("/messages")).status_code == 200
    await Candidate.delete().where(Candidate.id == candidate.id)
    await CandidateAccount.delete().where(CandidateAccount.id == account.id)
    clock.shift(timedelta(seconds=ACCOUNT_RECHECK_SECONDS))
    response = await client.get("/messages")
    assert response.status_code == 303
    assert response.headers["location"] == "/connexion?suivant=/messages"


async def test_a_first_sign_in_is_checked_until_done_then_trusted(client, student):
    account, _ = student
    response = await client.get("/messages")
    assert response.status_code == 303
    assert response.headers["location"] == "/universite/premiere-connexion"
    # Confirmed elsewhere (the link opened in another browser): seen at once.
    await CandidateAccount.update({CandidateAccount.email_validated_at: now()}).where(
        CandidateAccount.id == account.id
    )
    first = await queries_for(client, "/messages")
    second = await queries_for(client, "/messages")
    assert first[0] == second[0] == 200
    assert first[1] - second[1] == 1
