"""Translations: French is the source language (msgids are French); English comes
from ``app/translations/en/LC_MESSAGES/messages.po`` (Babel catalog, loaded as is).

The current language lives in a context variable set per request by
:class:`LanguageMiddleware`, so templates, services and mails share one ``gettext``.
"""

from __future__ import annotations

from contextvars import ContextVar
from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LANGUAGES = ("fr", "en")
LANGUAGE_COOKIE = "ecesure_lang"
CATALOG_DIR = Path(__file__).resolve().parent.parent / "translations"

current_language: ContextVar[str] = ContextVar("current_language", default="fr")


@cache
def translations_for(language: str) -> NullTranslations:
    po_path = CATALOG_DIR / language / "LC_MESSAGES" / "messages.po"
    if language == "fr" or not po_path.exists():
        return NullTranslations()
    with po_path.open("rb") as po_file:
        catalog = read_po(po_file, locale=language)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer)


def gettext(message: str, **variables: object) -> str:
    text = translations_for(current_language.get()).gettext(message)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, n: int, **variables: object) -> str:
    text = translations_for(current_language.get()).ngettext(singular, plural, n)
    return text % {"num": n, **variables}


def negotiate(cookie_value: str | None, accept_language: str | None, default: str) -> str:
    """The user's choice (cookie) wins; otherwise the browser's first known language."""
    if cookie_value in LANGUAGES:
        return cookie_value
    for part in (accept_language or "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return default


def N_(message: str) -> str:
    """Mark a string for extraction where it is defined; ``gettext`` it where shown."""
    return message
