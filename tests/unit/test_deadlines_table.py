"""The dates an application lives by (app/applications/deadlines.py), table by table.
Dates are Europe/Paris calendar dates (the test environment's TIMEZONE)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from app.applications import deadlines


@pytest.mark.parametrize(
    ("instant", "expected"),
    [
        (datetime(2026, 6, 15, 21, 59, tzinfo=UTC), date(2026, 6, 15)),
        # 22:00 UTC is midnight in Paris in summer (UTC+2): the next day there
        (datetime(2026, 6, 15, 22, 0, tzinfo=UTC), date(2026, 6, 16)),
        # in winter (UTC+1), 23:00 UTC is already tomorrow
        (datetime(2026, 1, 15, 22, 59, tzinfo=UTC), date(2026, 1, 15)),
        (datetime(2026, 1, 15, 23, 0, tzinfo=UTC), date(2026, 1, 16)),
    ],
)
def test_local_date(instant, expected):
    assert deadlines.local_date(instant) == expected


@pytest.mark.parametrize(
    ("override", "programme_date", "expected"),
    [
        (None, date(2026, 6, 30), date(2026, 6, 30)),
        (date(2026, 7, 10), date(2026, 6, 30), date(2026, 7, 10)),
        (date(2026, 6, 20), date(2026, 6, 30), date(2026, 6, 20)),
    ],
)
def test_return_deadline(override, programme_date, expected):
    assert (
        deadlines.return_deadline(override=override, programme_return_date=programme_date)
        == expected
    )


VALIDATED = datetime(2026, 6, 15, 23, 30, tzinfo=UTC)  # 16 June in Paris


@pytest.mark.parametrize(
    ("override", "validated_at", "delay_days", "programme_date", "expected"),
    [
        # the override wins over everything
        (date(2026, 7, 1), VALIDATED, 3, date(2026, 6, 20), date(2026, 7, 1)),
        # the delay counts from the validation's local date, not its UTC date
        (None, VALIDATED, 3, date(2026, 6, 20), date(2026, 6, 19)),
        (None, VALIDATED, 0, None, date(2026, 6, 16)),
        # a delay without a validation falls back to the programme's date
        (None, None, 3, date(2026, 6, 20), date(2026, 6, 20)),
        (None, VALIDATED, None, date(2026, 6, 20), date(2026, 6, 20)),
        # nothing set: no limit
        (None, VALIDATED, None, None, None),
    ],
)
def test_confirmation_deadline(override, validated_at, delay_days, programme_date, expected):
    assert (
        deadlines.confirmation_deadline(
            override=override,
            validated_at=validated_at,
            delay_days=delay_days,
            programme_date=programme_date,
        )
        == expected
    )


TODAY = date(2026, 6, 15)


@pytest.mark.parametrize(
    ("delay_days", "programme_date", "expected"),
    [
        # a delay already counts from the promotion: nothing to add
        (3, date(2026, 6, 16), None),
        # no rule: no limit, nothing to add
        (None, None, None),
        # a fixed date too soon (or past): at least seven days from today
        (None, date(2026, 6, 16), date(2026, 6, 22)),
        (None, date(2026, 6, 1), date(2026, 6, 22)),
        (None, date(2026, 6, 21), date(2026, 6, 22)),
        # a fixed date at least seven days away is kept
        (None, date(2026, 6, 22), None),
        (None, date(2026, 7, 15), None),
    ],
)
def test_promotion_override(delay_days, programme_date, expected):
    assert deadlines.PROMOTION_DELAY_DAYS == 7
    assert (
        deadlines.promotion_override(
            today=TODAY, delay_days=delay_days, programme_date=programme_date
        )
        == expected
    )


DEADLINE = date(2026, 6, 20)


@pytest.mark.parametrize(
    ("today", "deadline", "due"),
    [
        (date(2026, 6, 17), DEADLINE, False),
        (date(2026, 6, 18), DEADLINE, True),  # two days before
        (date(2026, 6, 19), DEADLINE, True),  # a missed run still sends it
        (date(2026, 6, 20), DEADLINE, True),  # the last day
        (date(2026, 6, 21), DEADLINE, False),
        (date(2026, 6, 18), None, False),
    ],
)
def test_reminder_due(today, deadline, due):
    assert deadlines.ANSWER_REMINDER_DAYS == 2
    assert deadlines.reminder_due(today=today, deadline=deadline) is due
