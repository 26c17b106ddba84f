"""Possible duplicates (issue 15): two dossiers of one campaign with the same INE, or
the same birth name, first name and birth date (``Candidate.identity_key``, accents and
case ignored). Nothing is ever merged; the central office may only say that a pair is
two different people, which hides it from then on.

The SQL here is shared by the desk's panel and the queue's filter, so both agree on
what a possible duplicate is. Every match is an indexed equality (``candidate.ine``,
``candidate.identity_key``), never a Python loop over the candidates.
"""

from __future__ import annotations

import sqlite3

import asyncpg

from app.audit import record_event
from app.core.codes.applications import ActorKind
from app.db import write_transaction
from app.tables.dossier import Candidate, DuplicateDismissal

UNIQUE_VIOLATIONS = (sqlite3.IntegrityError, asyncpg.exceptions.UniqueViolationError)

# ``c`` and ``acc`` are the dossier looked at and its account; ``c2`` and ``acc2`` the
# other dossier and its account.
SAME_PERSON = (
    "c2.id <> c.id AND acc2.campaign = acc.campaign"
    " AND ((c.ine IS NOT NULL AND c2.ine = c.ine)"
    " OR (c.identity_key IS NOT NULL AND c2.identity_key = c.identity_key))"
)
NOT_DISMISSED = (
    "NOT EXISTS (SELECT 1 FROM duplicate_dismissal dd"
    " WHERE (dd.candidate_low = c.id AND dd.candidate_high = c2.id)"
    " OR (dd.candidate_low = c2.id AND dd.candidate_high = c.id))"
)


class NotADuplicatePair(Exception):
    """The two ids are not two dossiers of one campaign."""


def ordered_pair(candidate_id: int, other_id: int) -> tuple[int, int]:
    return (candidate_id, other_id) if candidate_id < other_id else (other_id, candidate_id)


async def pair_dismissed(candidate_id: int, other_id: int) -> bool:
    low, high = ordered_pair(candidate_id, other_id)
    return await DuplicateDismissal.exists().where(
        (DuplicateDismissal.candidate_low == low) & (DuplicateDismissal.candidate_high == high)
    )


async def _same_campaign(low: int, high: int) -> bool:
    rows = await Candidate.select(Candidate.account.campaign.as_alias("campaign")).where(
        Candidate.id.is_in([low, high])
    )
    return len(rows) == 2 and rows[0]["campaign"] == rows[1]["campaign"]


async def dismiss_duplicate(*, staff_user_id: int, candidate_id: int, other_id: int) -> bool:
    """« Pas un doublon »: the pair no longer shows as a possible duplicate.

    Check: two different dossiers of one campaign (else NotADuplicatePair). Write the
    pair (lower id first) unless it is already there; audit ``duplicate_dismissed`` on
    both dossiers' ids, without names. Returns False when the pair was already
    dismissed (a double submit), True otherwise. The caller checks who may do it."""
    if candidate_id == other_id:
        raise NotADuplicatePair
    low, high = ordered_pair(candidate_id, other_id)
    try:
        async with write_transaction():
            if not await _same_campaign(low, high):
                raise NotADuplicatePair
            if await pair_dismissed(low, high):
                return False
            row = DuplicateDismissal(
                candidate_low=low, candidate_high=high, dismissed_by=staff_user_id
            )
            await row.save()
            await record_event(
                actor_kind=ActorKind.STAFF,
                actor_id=staff_user_id,
                action="duplicate_dismissed",
                entity="candidate",
                entity_id=low,
                data={"other_candidate_id": high, "dismissal_id": row.id},
            )
    except UNIQUE_VIOLATIONS:
        return False  # the same pair dismissed by a concurrent request: done once
    return True
