"""The next campaign's dates: one year later, or N days later."""

from __future__ import annotations

from datetime import date

from app.backoffice.next_campaign import shift_date


def test_one_year_later_keeps_the_day_and_29_february_becomes_28():
    assert shift_date(date(2026, 3, 1), None) == date(2027, 3, 1)
    assert shift_date(date(2028, 2, 29), None) == date(2029, 2, 28)
    assert shift_date(None, None) is None


def test_a_number_of_days_later():
    assert shift_date(date(2026, 12, 20), 30) == date(2027, 1, 19)
    assert shift_date(None, 30) is None
