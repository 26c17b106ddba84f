"""Dates as pages and mails show them: the portal's time zone, numbers in every language."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from app.core.dates import date_time, long_date, short_date
from app.core.i18n import current_language


@pytest.fixture(params=["fr", "en"])
def language(request):
    token = current_language.set(request.param)
    yield request.param
    current_language.reset(token)


def test_date_time_is_in_paris_time_whatever_the_language(language):
    assert date_time(datetime(2026, 1, 5, 8, 7, tzinfo=UTC)) == "05/01/2026 09:07"  # CET
    assert date_time(datetime(2026, 7, 5, 22, 30, tzinfo=UTC)) == "06/07/2026 00:30"  # CEST
    assert date_time(datetime(2026, 3, 1, 12, 0, tzinfo=timezone(timedelta(hours=-5)))) == (
        "01/03/2026 18:00"
    )
    assert date_time(None) == ""


def test_short_date_takes_the_day_in_paris(language):
    assert short_date(datetime(2026, 5, 31, 22, 30, tzinfo=UTC)) == "01/06/2026"
    assert short_date(date(2026, 6, 1)) == "01/06/2026"
    assert short_date(None) == ""


def test_long_date_is_written_in_the_language(language):
    expected = {"fr": "1 juin 2026", "en": "1 June 2026"}[language]
    assert long_date(date(2026, 6, 1)) == expected
