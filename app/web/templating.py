"""The Jinja environment shared by pages (and by mail rendering for layouts)."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from app.core.dates import date_time, long_date, short_date
from app.core.i18n import current_language, gettext, ngettext
from app.settings import PROJECT_ROOT, get_settings

TEMPLATE_DIR = PROJECT_ROOT / "templates"
STATIC_DIR = PROJECT_ROOT / "static"


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
    # Only what pages need (app.asgi adds the features' globals, such as signed_in):
    # never the settings object, which holds the secret key and
    # the SMTP password.
    env.globals.update(
        static=static_version,
        current_language=current_language.get,
        max_upload_bytes=get_settings().max_upload_bytes,
    )
    return env
