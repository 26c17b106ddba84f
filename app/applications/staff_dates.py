"""Staff move one candidate's dates: the return date and the confirmation date
("date limite de retour / de confirmation" overrides, per application).

No status changes, but the deadlines decide what the candidate may do, so these go
the lifecycle's way: check, compare-and-set write, audit event (before → after), in
one ``write_transaction``. No mail: the candidate reads the new date on their page.
"""

from __future__ import annotations

from datetime import date
from enum import Enum

from app.applications.lifecycle_base import Change, Refusal, load_for_change, refuse, require_staff
from app.audit import record_event
from app.core.actor import Actor
from app.db import write_transaction
from app.tables.applications import Application

RETURN_DATE_OVERRIDDEN = "return_date_overridden"
CONFIRMATION_DATE_OVERRIDDEN = "confirmation_date_overridden"

# A date outside these years is a typing mistake, not a deadline.
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100


class _Unchecked(Enum):
    TOKEN = 0


UNCHECKED = _Unchecked.TOKEN
"""``expected`` default: the caller did not say which value it saw."""


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


async def _override(
    column,
    action: str,
    *,
    application_id: int,
    value: date | None,
    expected: date | _Unchecked | None,
    actor: Actor,
    answered_refused: bool,
) -> Change:
    require_staff(actor)
    if value is not None and not (EARLIEST_YEAR <= value.year <= LATEST_YEAR):
        raise refuse(Refusal.INVALID)
    async with write_transaction():
        application = await load_for_change(application_id, actor)
        before = getattr(application, column._meta.name)
        if not application.live or (answered_refused and application.answer is not None):
            raise refuse(Refusal.INVALID)
        # The value the staff member saw is no longer there: someone changed it first.
        if expected is not UNCHECKED and expected != before:
            raise refuse(Refusal.INVALID)
        if before == value:
            return Change(application_id=application_id)
        values = {column: value}
        if column is Application.return_date_override:
            values[Application.return_reminder_sent_at] = None  # remind for the new date
        same = column.is_null() if before is None else (column == before)
        won = (
            await Application.update(values)
            .where((Application.id == application_id) & same & Application.cancelled_at.is_null())
            .returning(Application.id)
        )
        if not won:
            raise refuse(Refusal.INVALID)
        await record_event(
            actor_kind=actor.kind,
            actor_id=actor.id,
            action=action,
            entity="application",
            entity_id=application_id,
            application_id=application_id,
            data={"before": _iso(before), "after": _iso(value)},
        )
    return Change(application_id=application_id)


async def set_return_date_override(
    *,
    application_id: int,
    value: date | None,
    expected: date | _Unchecked | None = UNCHECKED,
    actor: Actor,
) -> Change:
    """Staff set (or clear, ``None``) the candidate's own return date.

    Check: staff actor, application live, a plausible year, ``expected`` (the value
    the staff member saw) still the stored one. Write: compare-and-set
    ``return_date_override WHERE it is still the value read``; the return reminder is
    re-armed. Audit: ``return_date_overridden`` with before → after (staff's trail).
    Mail: none.
    """
    return await _override(
        Application.return_date_override,
        RETURN_DATE_OVERRIDDEN,
        application_id=application_id,
        value=value,
        expected=expected,
        actor=actor,
        answered_refused=False,
    )


async def set_confirmation_date_override(
    *,
    application_id: int,
    value: date | None,
    expected: date | _Unchecked | None = UNCHECKED,
    actor: Actor,
) -> Change:
    """Staff set (or clear) the candidate's own confirmation deadline.

    Check: as :func:`set_return_date_override`, and no answer given yet (a deadline
    for an answer already made means nothing). Write: compare-and-set
    ``confirmation_date_override``. Audit: ``confirmation_date_overridden`` with
    before → after. Mail: none.
    """
    return await _override(
        Application.confirmation_date_override,
        CONFIRMATION_DATE_OVERRIDDEN,
        application_id=application_id,
        value=value,
        expected=expected,
        actor=actor,
        answered_refused=True,
    )
