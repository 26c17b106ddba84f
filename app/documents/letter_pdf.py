"""Letters as PDF: HTML from ``templates/pdf/`` (Jinja, in the letter's language),
laid out by WeasyPrint.

Each letter follows its candidate's language, not the request's: a commission member
printing a programme's letters gets each in the language its candidate chose. So the
environment here carries its own translations, one per language, from the same
catalog as the pages. Images (QR code, signature) are inlined as data URIs and the
fetcher refuses every other URL: a letter never reaches the network or the disk.
"""

from __future__ import annotations

import asyncio
import base64
from datetime import date
from functools import cache
from io import BytesIO

import segno
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from jinja2 import Environment, FileSystemLoader, select_autoescape

from app.documents.checks import sniff_content_type
from app.documents.letter_codes import printed
from app.documents.letters import Letter
from app.settings import PROJECT_ROOT

TEMPLATE_DIR = PROJECT_ROOT / "templates"
CATALOG_DIR = PROJECT_ROOT / "app" / "translations"


@cache
def _translations(language: str) -> NullTranslations:
    po_path = CATALOG_DIR / language / "LC_MESSAGES" / "messages.po"
    if language == "fr" or not po_path.exists():
        return NullTranslations()  # French is the source language
    with po_path.open("rb") as po_file:
        catalog = read_po(po_file, locale=language)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer)


def _short_date(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


@cache
def _environment(language: str) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    translations = _translations(language)

    def gettext(message: str, **variables: object) -> str:
        text = translations.gettext(message)
        return text % variables if variables else text

    env.install_gettext_callables(gettext=gettext, ngettext=translations.ngettext, newstyle=True)
    env.filters.update(short_date=_short_date, printed_code=printed)
    return env


def qr_data_uri(url: str) -> str:
    return segno.make(url, error="m").png_data_uri(scale=4, border=2)


def _image_uri(data: bytes | None) -> str:
    """A signature as a data URI; a file that is not a JPEG is left out, not guessed."""
    if not data or sniff_content_type(data) != "image/jpeg":
        return ""
    return "data:image/jpeg;base64," + base64.b64encode(data).decode("ascii")


def letter_html(letters: list[Letter]) -> str:
    """One HTML document, one letter per page (or more when a letter is long)."""
    parts = []
    for letter in letters:
        env = _environment(letter.language)
        parts.append(
            env.get_template("pdf/_letter.html").render(
                letter=letter,
                qr=qr_data_uri(letter.verification_url),
                signature=_image_uri(letter.signatory.image),
            )
        )
    language = letters[0].language if letters else "fr"
    return (
        _environment(language)
        .get_template("pdf/letters.html")
        .render(language=language, body="".join(parts))
    )


def _pdf(html: str) -> bytes:
    # Heavy import (Pango), only when a letter is asked for.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols=["data"], fail_on_errors=True)
    # Tagged: a screen reader follows the headings and reading order (RGAA).
    return HTML(string=html, url_fetcher=fetcher).write_pdf(pdf_tags=True)


async def letters_pdf(letters: list[Letter]) -> bytes:
    """The letters as one PDF, laid out in a thread (WeasyPrint is CPU-bound)."""
    return await asyncio.to_thread(_pdf, letter_html(letters))
