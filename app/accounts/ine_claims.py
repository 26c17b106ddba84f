"""One INE, one account per campaign (issue 15, as eCandidat's « INE déjà présent »).

The check alone cannot stop two saves racing: each would read "free" before the other
commits. So every check runs under a lock on the pair (campaign, INE), taken inside the
caller's write transaction:

- PostgreSQL: a transaction-level advisory lock (released at commit or rollback);
  the second save waits, then reads the first one's committed row and is refused.
- SQLite: ``write_transaction`` already opens with BEGIN IMMEDIATE, one writer at a time.

A university student's INE comes from the student-records system and wins: the import
never fails on it; an external account holding the same INE is flagged for staff.
"""

from __future__ import annotations

import hashlib

from piccolo.engine import engine_finder
from piccolo.engine.postgres import PostgresEngine

from app.audit import record_event
from app.clock import now
from app.core.codes.applications import ActorKind
from app.tables.accounts import CandidateAccount
from app.tables.dossier import Candidate


def _lock_key(campaign_id: int, ine: str) -> int:
    """A signed 64-bit number for ``pg_advisory_xact_lock`` (collisions only make two
    unrelated saves wait for each other)."""
    digest = hashlib.blake2b(f"ine:{campaign_id}:{ine}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


async def campaign_of_account(account_id: int) -> int:
    row = (
        await CandidateAccount.select(CandidateAccount.campaign)
        .where(CandidateAccount.id == account_id)
        .first()
    )
    return row["campaign"]


async def lock_ine(campaign_id: int, ine: str) -> None:
    """Serialise every check of this INE in this campaign until the transaction ends."""
    if isinstance(engine_finder(), PostgresEngine):
        await Candidate.raw("SELECT pg_advisory_xact_lock({})", _lock_key(campaign_id, ine))


async def ine_held_elsewhere(*, campaign_id: int, ine: str, candidate_id: int) -> bool:
    """Another dossier of the campaign holds this INE (call after :func:`lock_ine`)."""
    return await Candidate.exists().where(
        (Candidate.ine == ine)
        & (Candidate.id != candidate_id)
        & (Candidate.account.campaign == campaign_id)
    )


async def flag_external_holders(
    *, campaign_id: int, ine: str, student_candidate_id: int
) -> list[int]:
    """A student's imported dossier brought ``ine``: flag the external (non-imported)
    dossiers of the campaign that hold it too, for staff to look at. Audited without
    the INE itself. Call inside the import's transaction, after :func:`lock_ine`.
    Returns the flagged candidate ids."""
    rows = await Candidate.select(Candidate.id, Candidate.account).where(
        (Candidate.ine == ine)
        & (Candidate.id != student_candidate_id)
        & (Candidate.account.campaign == campaign_id)
        & Candidate.from_student_records.eq(False)
        & Candidate.ine_held_by_student_at.is_null()
    )
    if not rows:
        return []
    ids = [r["id"] for r in rows]
    await Candidate.update({Candidate.ine_held_by_student_at: now()}).where(Candidate.id.is_in(ids))
    for row in rows:
        await record_event(
            actor_kind=ActorKind.SYSTEM,
            actor_id=None,
            action="dossier_ine_held_by_student",
            entity="candidate",
            entity_id=row["id"],
            data={"student_candidate_id": student_candidate_id},
        )
    return ids
