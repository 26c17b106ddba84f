"""The candidate's Bloc-notes: free notes on one of their applications.

A note changes no status, so it does not go through the lifecycle; it is still written
with its audit event in one transaction, like every change.
"""

from __future__ import annotations

from app.applications.codes import ActorKind
from app.applications.tables import Application, Note
from app.db import write_transaction
from app.ops.audit import record_event

NOTE_ADDED = "note_added"


async def add_candidate_note(*, account_id: int, application_id: int, message: str) -> int | None:
    """Add a note written by the candidate; return its id, or None when the application
    is not theirs (the page answers 404).

    Side effects, in order: check the owner, insert the Note (author_kind candidate),
    record the audit event (staff's trail, not the candidate's timeline).
    """
    async with write_transaction():
        owned = await Application.exists().where(
            (Application.id == application_id) & (Application.candidate.account == account_id)
        )
        if not owned:
            return None
        note = Note(
            application=application_id,
            author_kind=ActorKind.CANDIDATE.value,
            author_id=account_id,
            message=message,
        )
        await note.save()
        await record_event(
            actor_kind=ActorKind.CANDIDATE,
            actor_id=account_id,
            action=NOTE_ADDED,
            entity="note",
            entity_id=note.id,
            application_id=application_id,
        )
    return note.id


async def add_staff_note(*, user_id: int, application_id: int, message: str) -> int:
    """Add a note written by staff (the review desk, which has scoped the application
    first); the candidate's Bloc-notes never shows it (``author_kind`` staff).

    Side effects, in order: insert the Note, record the audit event (staff's trail).
    """
    async with write_transaction():
        note = Note(
            application=application_id,
            author_kind=ActorKind.STAFF.value,
            author_id=user_id,
            message=message,
        )
        await note.save()
        await record_event(
            actor_kind=ActorKind.STAFF,
            actor_id=user_id,
            action=NOTE_ADDED,
            entity="note",
            entity_id=note.id,
            application_id=application_id,
        )
    return note.id
