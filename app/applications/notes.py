"""The candidate's Bloc-notes: free notes on one of their applications.

A note changes no status, so it does not go through the lifecycle; it is still written
with its audit event in one transaction, like every change. A note is bounded here, not
only by the form: at most NOTE_MAX_LENGTH characters, at most MAX_CANDIDATE_NOTES per
application (a script posting notes in a loop stops there).
"""

from __future__ import annotations

from enum import StrEnum

from app.applications.lifecycle_base import lock_rows
from app.audit import record_event
from app.core.codes.applications import ActorKind
from app.db import write_transaction
from app.tables.applications import Application, Note

NOTE_ADDED = "note_added"
NOTE_MAX_LENGTH = 255  # Note.message
MAX_CANDIDATE_NOTES = 50


class NoteProblem(StrEnum):
    EMPTY = "empty"
    TOO_LONG = "too_long"
    TOO_MANY = "too_many"


class NoteRefused(Exception):
    """The note was not added; nothing was written."""

    def __init__(self, problem: NoteProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


async def add_candidate_note(*, account_id: int, application_id: int, message: str) -> int | None:
    """Add a note written by the candidate; return its id, or None when the application
    is not theirs (the page answers 404). :class:`NoteRefused` when the note is empty,
    too long, or the application holds MAX_CANDIDATE_NOTES of theirs already.

    Side effects, in order: check the text, the owner and the count (the application
    row locked on PostgreSQL, so two posts at once cannot both pass the count), insert
    the Note (author_kind candidate), record the audit event (staff's trail, not the
    candidate's timeline).
    """
    message = message.strip()
    if not message:
        raise NoteRefused(NoteProblem.EMPTY)
    if len(message) > NOTE_MAX_LENGTH:
        raise NoteRefused(NoteProblem.TOO_LONG)
    async with write_transaction():
        owned = await Application.exists().where(
            (Application.id == application_id) & (Application.candidate.account == account_id)
        )
        if not owned:
            return None
        await lock_rows(Application, [application_id])
        written = await Note.count().where(
            (Note.application == application_id) & (Note.author_kind == ActorKind.CANDIDATE.value)
        )
        if written >= MAX_CANDIDATE_NOTES:
            raise NoteRefused(NoteProblem.TOO_MANY)
        return await _write_note(ActorKind.CANDIDATE, account_id, application_id, message)


async def add_staff_note(*, user_id: int, application_id: int, message: str) -> int:
    """Add a note written by staff (the review desk, which has scoped the application
    first); the candidate's Bloc-notes never shows it (``author_kind`` staff).

    Side effects, in order: insert the Note, record the audit event (staff's trail).
    """
    async with write_transaction():
        return await _write_note(ActorKind.STAFF, user_id, application_id, message)


async def _write_note(kind: ActorKind, author_id: int, application_id: int, message: str) -> int:
    """Insert the note and its audit event (inside the caller's transaction)."""
    note = Note(
        application=application_id, author_kind=kind.value, author_id=author_id, message=message
    )
    await note.save()
    await record_event(
        actor_kind=kind,
        actor_id=author_id,
        action=NOTE_ADDED,
        entity="note",
        entity_id=note.id,
        application_id=application_id,
    )
    return note.id
