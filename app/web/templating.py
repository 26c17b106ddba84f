"""The Jinja environment shared by pages (and by mail rendering for layouts)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime
from jinja2 import Environment, FileSystemLoader, select_autoescape

from app.accounts.auth import current_account_id
from app.settings import PROJECT_ROOT, get_settings
from app.web.i18n import current_language, gettext, ngettext

TEMPLATE_DIR = PROJECT_ROOT / "templates"
STATIC_DIR = PROJECT_ROOT / "static"


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
        value = value.astimezone(ZoneInfo(get_settings().timezone)).date()
    return value.strftime("%d/%m/%Y")


def long_date(value: date | None) -> str:
    return "" if value is None else format_date(value, format="long", locale=_locale())


def date_time(value: datetime | None) -> str:
    if value is None:
        return ""
    zone = ZoneInfo(get_settings().timezone)
    return format_datetime(value.astimezone(zone), "dd/MM/yyyy HH:mm", locale=_locale())


def static_version(path: str) -> str:
    """Cache-busting query from the file's modification time."""
    file = STATIC_DIR / path
    stamp = int(file.stat().st_mtime) if file.exists() else 0
    return f"/static/{path}?v={stamp}"


def make_environment(template_dir: Path = TEMPLATE_DIR) -> Environment:
    env = Environment(
        loader=FileSystemLoader(template_dir),
        autoescape=select_autoescape(["html", "xml"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_callables(gettext=gettext, ngettext=ngettext, newstyle=True)
    env.filters.update(short_date=short_date, long_date=long_date, date_time=date_time)
    # Only what pages need: never the settings object, which holds the secret key and
    # the SMTP password.
    env.globals.update(
        static=static_version,
        current_language=current_language.get,
        max_upload_bytes=get_settings().max_upload_bytes,
        signed_in=lambda request: current_account_id(request) is not None,
    )
    return env
