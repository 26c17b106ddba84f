"""The many-rows sections: cursus externe, stages, expériences professionnelles.

One function per change; each works only on rows of the signed-in candidate's own
dossier (another candidate's row id raises RowNotFound, shown as a 404), writes in one
transaction and records an audit event. These sections are not frozen by an
application: the guide (§04.6) only freezes the personal information.

Bounds are kept here, whatever the form let through: at most MAX_ROWS_PER_SECTION rows
per section and dossier (TooManyRows), no text longer than its column (TextTooLong).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from piccolo.columns import Varchar
from piccolo.table import Table

from app.audit import record_event
from app.core.codes.applications import ActorKind
from app.db import write_transaction
from app.dossier.locks import DossierLocked, archived_reason
from app.dossier.queries import campaign_archived, candidate_of, row_of
from app.dossier.row_writes import update_changed
from app.tables.dossier import Candidate, Internship, PriorStudy, WorkExperience

MAX_ROWS_PER_SECTION = 30


class RowNotFound(Exception):
    """No such row in this candidate's dossier."""


class TooManyRows(Exception):
    """The section holds MAX_ROWS_PER_SECTION rows already; nothing was written."""


class TextTooLong(Exception):
    """A text is longer than its column; nothing was written."""

    def __init__(self, field: str, limit: int) -> None:
        super().__init__(f"{field} longer than {limit}")
        self.field = field
        self.limit = limit


def check_text_lengths(table: type[Table], values: dict) -> None:
    """Every text value fits its column (PostgreSQL would refuse it, SQLite keep it)."""
    for name, value in values.items():
        column = table._meta.get_column_by_name(name)
        if isinstance(column, Varchar) and isinstance(value, str) and len(value) > column.length:
            raise TextTooLong(name, column.length)


ENTITIES = {PriorStudy: "prior_study", Internship: "internship", WorkExperience: "experience"}


async def candidate_for_change(account_id: int) -> dict:
    """The dossier about to change (row-locked on PostgreSQL; call inside the write
    transaction), created empty when the account has none: every sign-up creates one,
    this only repairs an account made another way."""
    if await campaign_archived(account_id):
        raise DossierLocked(archived_reason())
    candidate = await candidate_of(account_id, for_update=True)
    if candidate is None:
        row = Candidate(account=account_id)
        await row.save()
        await record_event(
            actor_kind=ActorKind.CANDIDATE,
            actor_id=account_id,
            action="dossier_created",
            entity="candidate",
            entity_id=row.id,
        )
        candidate = await candidate_of(account_id, for_update=True)
    return candidate


async def _candidate_id(account_id: int) -> int:
    return (await candidate_for_change(account_id))["id"]


async def _audit(account_id: int, table: type[Table], verb: str, row_id: int, fields) -> None:
    entity = ENTITIES[table]
    await record_event(
        actor_kind=ActorKind.CANDIDATE,
        actor_id=account_id,
        action=f"dossier_{entity}_{verb}",
        entity=entity,
        entity_id=row_id,
        data={"fields": sorted(fields)},
    )


async def _add(table: type[Table], account_id: int, values: dict) -> int:
    check_text_lengths(table, values)
    async with write_transaction():
        # The candidate row is locked (PostgreSQL) or the database is (SQLite): two
        # adds at once count one after the other.
        candidate_id = await _candidate_id(account_id)
        if await table.count().where(table.candidate == candidate_id) >= MAX_ROWS_PER_SECTION:
            raise TooManyRows
        row = table(candidate=candidate_id, **values)
        await row.save()
        await _audit(account_id, table, "added", row.id, values)
    return row.id


async def _update(table: type[Table], account_id: int, row_id: int, values: dict) -> list[str]:
    check_text_lengths(table, values)
    async with write_transaction():
        current = await row_of(table, await _candidate_id(account_id), row_id)
        if current is None:
            raise RowNotFound
        diff = await update_changed(table, current, values)
        if diff:
            await _audit(account_id, table, "updated", row_id, diff)
    return sorted(diff)


async def _delete(table: type[Table], account_id: int, row_id: int) -> None:
    async with write_transaction():
        candidate_id = await _candidate_id(account_id)
        if await row_of(table, candidate_id, row_id) is None:
            raise RowNotFound
        await table.delete().where((table.id == row_id) & (table.candidate == candidate_id))
        await _audit(account_id, table, "deleted", row_id, [])


async def add_prior_study(*, account_id: int, values: dict) -> int:
    """A cursus externe row; audit ``dossier_prior_study_added``. Returns its id.
    TooManyRows past MAX_ROWS_PER_SECTION, TextTooLong (every add and update)."""
    return await _add(PriorStudy, account_id, values)


async def update_prior_study(*, account_id: int, row_id: int, values: dict) -> list[str]:
    """Change one of the candidate's cursus externe rows (RowNotFound otherwise)."""
    return await _update(PriorStudy, account_id, row_id, values)


async def delete_prior_study(*, account_id: int, row_id: int) -> None:
    await _delete(PriorStudy, account_id, row_id)


@dataclass(frozen=True)
class RowStore:
    """The table of one many-rows section and its three changes."""

    table: type[Table]
    add: Callable[..., Awaitable[int]]
    update: Callable[..., Awaitable[list[str]]]
    delete: Callable[..., Awaitable[None]]


PRIOR_STUDY_STORE = RowStore(PriorStudy, add_prior_study, update_prior_study, delete_prior_study)


async def add_internship(*, account_id: int, values: dict) -> int:
    """A stage row; audit ``dossier_internship_added``. Returns its id."""
    return await _add(Internship, account_id, values)


async def update_internship(*, account_id: int, row_id: int, values: dict) -> list[str]:
    return await _update(Internship, account_id, row_id, values)


async def delete_internship(*, account_id: int, row_id: int) -> None:
    await _delete(Internship, account_id, row_id)


INTERNSHIP_STORE = RowStore(Internship, add_internship, update_internship, delete_internship)


async def add_experience(*, account_id: int, values: dict) -> int:
    """An expérience professionnelle row; audit ``dossier_experience_added``."""
    return await _add(WorkExperience, account_id, values)


async def update_experience(*, account_id: int, row_id: int, values: dict) -> list[str]:
    return await _update(WorkExperience, account_id, row_id, values)


async def delete_experience(*, account_id: int, row_id: int) -> None:
    await _delete(WorkExperience, account_id, row_id)


EXPERIENCE_STORE = RowStore(WorkExperience, add_experience, update_experience, delete_experience)
