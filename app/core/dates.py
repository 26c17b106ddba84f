"""Dates as pages, mails and documents show them, in the user's language (no request needed)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date

from app.core.i18n import current_language
from app.settings import get_settings

_LOCALES = {"fr": Locale.parse("fr_FR"), "en": Locale.parse("en_GB")}
"""Parsed once: Babel parses a locale name on every call it is given one (a tenth of a
page's rendering time with a dozen dates)."""


def _locale() -> Locale:
    return _LOCALES["fr" if current_language.get() == "fr" else "en"]


def short_date(value: date | datetime | None) -> str:
    """01/06/2026, as the candidate guide writes dates."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(ZoneInfo(get_settings().timezone))
    # Formatted by hand: strftime was a twentieth of the offer page (two dates a row).
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


def long_date(value: date | None) -> str:
    return "" if value is None else format_date(value, format="long", locale=_locale())


def date_time(value: datetime | None) -> str:
    """01/06/2026 14:05 in the portal's time zone, in every language: numbers only, so
    written by hand (Babel's pattern formatting cost a tenth of the summary page's
    rendering, issue 13's profile)."""
    if value is None:
        return ""
    at = value.astimezone(ZoneInfo(get_settings().timezone))
    return f"{at.day:02d}/{at.month:02d}/{at.year:04d} {at.hour:02d}:{at.minute:02d}"


def french_date_text(value: date | datetime | None) -> str:
    """As typed in French forms (the dossier's date fields), without time zone conversion."""
    return value.strftime("%d/%m/%Y") if value else ""
