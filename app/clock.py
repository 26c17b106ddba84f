"""The one clock of the application. Tests move it with time-machine."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from app.settings import get_settings


def now() -> datetime:
    """Current instant, timezone-aware (UTC)."""
    return datetime.now(UTC)


def local_now() -> datetime:
    """Current instant in the portal's timezone (Europe/Paris by default)."""
    return now().astimezone(ZoneInfo(get_settings().timezone))


def today() -> date:
    """Today's date in the portal's timezone: windows are inclusive local dates."""
    return local_now().date()
