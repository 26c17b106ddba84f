"""The dates an application lives by (DESIGN.md §4), as the candidate reads them.

Every deadline is a local date (Europe/Paris by default) and is inclusive: the candidate
may act until the end of that day. "Past the deadline" means ``today() > deadline``.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from app.settings import get_settings

ANSWER_REMINDER_DAYS = 2
"""The unanswered-decision reminder goes this many days before the confirmation deadline
(eCandidat's batch does the same)."""

PROMOTION_DELAY_DAYS = 7
"""A candidate promoted from the waiting list gets at least this many days to answer,
even when the programme's fixed confirmation date is sooner (or already past)."""


def local_date(instant: datetime) -> date:
    """The portal's calendar date of an instant."""
    return instant.astimezone(ZoneInfo(get_settings().timezone)).date()


def return_deadline(*, override: date | None, programme_return_date: date) -> date:
    """Last day the candidate may edit pieces and transmit: the per-candidate override,
    else the programme's return date."""
    return override or programme_return_date


def confirmation_deadline(
    *,
    override: date | None,
    validated_at: datetime | None,
    delay_days: int | None,
    programme_date: date | None,
) -> date | None:
    """Last day to confirm or withdraw after a validated favourable decision.

    The per-candidate override, else the validation date + the programme's delay, else
    the programme's confirmation date; None means no limit.
    """
    if override is not None:
        return override
    if delay_days is not None and validated_at is not None:
        return local_date(validated_at) + timedelta(days=delay_days)
    return programme_date


def promotion_override(
    *, today: date, delay_days: int | None, programme_date: date | None
) -> date | None:
    """The confirmation-date override given to an application promoted from the waiting
    list, or None when the programme's own rule already leaves enough time.

    With a delay, the deadline counts from the promotion's validation: nothing to add.
    With a fixed date, the late-comer gets at least PROMOTION_DELAY_DAYS. Without either,
    there is no limit.
    """
    if delay_days is not None or programme_date is None:
        return None
    at_least = today + timedelta(days=PROMOTION_DELAY_DAYS)
    return at_least if programme_date < at_least else None


def reminder_due(*, today: date, deadline: date | None) -> bool:
    """The answer reminder is due from ANSWER_REMINDER_DAYS before the deadline until the
    deadline itself (a missed daily run still sends it once)."""
    if deadline is None:
        return False
    return deadline - timedelta(days=ANSWER_REMINDER_DAYS) <= today <= deadline
