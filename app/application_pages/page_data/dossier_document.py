"""What the dossier PDF shows ("Télécharger mon dossier", and each folder of the desk's
ZIP), read for one application, and its rendering.

The data comes from the same queries as the summary page and the desk's dossier view;
the PDF itself is put together by :mod:`app.documents.dossier_pdf` (no web code). The
front part is the ``templates/pdf/dossier.html`` template, in the current language.
Files are written to a spooled temporary file (memory up to 4 MB, disk beyond), so a
large dossier never sits whole in memory while it is sent.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from functools import cache, partial
from tempfile import SpooledTemporaryFile

from jinja2 import Environment

from app import clock
from app.application_pages.page_data.application_dossier import Dossier, dossier_of
from app.application_pages.page_data.application_list import who
from app.application_pages.page_data.labels import (
    answer_label,
    decision_details,
    decision_label,
    dossier_status_label,
    piece_status_label,
    processing_type_label,
)
from app.application_pages.page_data.summary import application_contact_of
from app.applications import queries
from app.applications.queries import ApplicationView
from app.catalog.contacts import Contact
from app.core.i18n import current_language
from app.core.i18n import gettext as _
from app.documents.dossier_pdf import PieceFile, TocLine, build_dossier_pdf, render_pdf
from app.documents.storage import storage_path
from app.tables.documents import StoredFile
from app.web.templating import make_environment

SPOOL_BYTES = 4 * 1024 * 1024
PDF_MEDIA_TYPE = "application/pdf"


@dataclass(frozen=True)
class PieceEntry:
    label: str
    status_label: str
    comment: str
    file_name: str
    file: PieceFile


@dataclass(frozen=True)
class DossierDocument:
    application: ApplicationView
    who: str
    status_label: str
    processing_label: str
    decision_label: str
    decision_details: str
    answer_label: str
    contact: Contact
    dossier: Dossier
    pieces: list[PieceEntry]
    made_at: datetime


async def _storage_keys(file_ids: list[int]) -> dict[int, str]:
    if not file_ids:
        return {}
    rows = await StoredFile.select(StoredFile.id, StoredFile.storage_key).where(
        StoredFile.id.is_in(file_ids)
    )
    return {row["id"]: row["storage_key"] for row in rows}


async def _pieces(application_id: int) -> list[PieceEntry]:
    language = current_language.get()
    pieces = await queries.current_pieces(application_id)
    keys = await _storage_keys([p.file_id for p in pieces if p.file_id])
    entries = []
    for piece in pieces:
        key = keys.get(piece.file_id) if piece.file_id else None
        label = piece.label(language)
        entries.append(
            PieceEntry(
                label=label,
                status_label=piece_status_label(piece.status),
                comment=piece.comment,
                file_name=piece.file_name if key else "",
                file=PieceFile(label, storage_path(key) if key else None, piece.content_type),
            )
        )
    return entries


async def dossier_document(application: ApplicationView) -> DossierDocument:
    """Everything the PDF shows of this application (the caller checked who may see it)."""
    decision = application.visible_decision
    return DossierDocument(
        application=application,
        who=who(application.first_name, application.last_name, application.login),
        status_label=dossier_status_label(application.status),
        processing_label=processing_type_label(application.processing_type),
        decision_label=decision_label(decision),
        decision_details=decision_details(decision),
        answer_label=answer_label(application),
        contact=application_contact_of(application),
        dossier=await dossier_of(application),
        pieces=await _pieces(application.id),
        made_at=clock.now(),
    )


@cache
def _environment() -> Environment:
    return make_environment()


def _front_html(document: DossierDocument, toc: list[TocLine] | None, front_pages: int) -> str:
    template = _environment().get_template("pdf/dossier.html")
    return template.render(d=document, toc=toc, front_pages=front_pages)


def _page_label(number: int, total: int) -> str:
    return _("Page %(number)d / %(total)d", number=number, total=total)


def _spool() -> SpooledTemporaryFile:
    # Returned open: the response streams it, then closes it.
    return SpooledTemporaryFile(max_size=SPOOL_BYTES)


def _write_dossier(document: DossierDocument) -> SpooledTemporaryFile:
    spool = _spool()
    try:
        build_dossier_pdf(
            front_html=partial(_front_html, document),
            pieces=[entry.file for entry in document.pieces],
            page_label=_page_label,
            out=spool,
        )
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    return spool


def _write_summary(document: DossierDocument) -> SpooledTemporaryFile:
    spool = _spool()
    try:
        spool.write(render_pdf(_front_html(document, None, 0)))
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    return spool


async def dossier_pdf(document: DossierDocument) -> SpooledTemporaryFile:
    """The whole dossier (summary, table of contents, every piece, page numbers), open
    at its start. Rendered in a thread (the current language goes with it)."""
    return await asyncio.to_thread(_write_dossier, document)


async def summary_pdf(document: DossierDocument) -> SpooledTemporaryFile:
    """The front part only (summary, dossier, list of pieces), one render: the desk's
    ZIP puts the pieces' own files beside it."""
    return await asyncio.to_thread(_write_summary, document)


def dossier_file_name(application: ApplicationView) -> str:
    return f"dossier-{application.login}-{application.id}.pdf"
