"""A programme's dossiers as one ZIP, from the review desk (issue 12, item 4).

One folder per candidate (``<dossier number> - <NAME> <First name>``) holding the
summary PDF (``recapitulatif.pdf``: the application, the dossier, the list of pieces)
and the current file of each piece (``01 - <piece>.pdf``...). Applications are the
programme's live ones (cancelled ones are left out, as in the queue) within the
member's scope (:func:`app.review.scope.application_scope`); a programme outside the
scope answers 404 like any other id.

The archive is streamed (:mod:`app.documents.zip_stream`): one application is read and
its summary rendered only when the previous one has been sent, so memory does not grow
with the number of candidates. Every export is recorded in the audit trail (who, which
programme, how many applications) before its first byte leaves.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path

import structlog

from app import clock
from app.application_pages.page_data.dossier_document import dossier_document, summary_pdf
from app.applications import queries
from app.audit import record_event
from app.core.codes.applications import ActorKind
from app.core.i18n import current_language
from app.db import write_transaction
from app.documents.checks import JPEG
from app.documents.zip_stream import ZipMember, safe_name_part, zip_stream
from app.review.identity import StaffMember
from app.review.scope import application_scope, programme_scope
from app.tables.applications import Application
from app.tables.catalog import Programme

log = structlog.get_logger(__name__)

EXPORT_ACTION = "programme_dossiers_exported"
SUMMARY_NAME = "recapitulatif.pdf"


@dataclass(frozen=True)
class ProgrammeExport:
    programme_id: int
    code: str
    label: str
    application_ids: list[int]

    def file_name(self, day: date) -> str:
        return f"dossiers-{safe_name_part(self.code, 'formation')}-{day.isoformat()}.zip"


async def programme_export(member: StaffMember, programme_id: int) -> ProgrammeExport | None:
    """The programme and its applications the member may see; None outside the scope."""
    programme = (
        await Programme.select(Programme.id, Programme.code, Programme.label)
        .where((Programme.id == programme_id) & programme_scope(member))
        .first()
    )
    if programme is None:
        return None
    rows = (
        await Application.select(Application.id)
        .where(
            (Application.programme == programme_id)
            & Application.cancelled_at.is_null()
            & application_scope(member)
        )
        .order_by(Application.id)
    )
    return ProgrammeExport(
        programme["id"], programme["code"], programme["label"], [row["id"] for row in rows]
    )


async def record_export(member: StaffMember, export: ProgrammeExport) -> None:
    async with write_transaction():
        await record_event(
            actor_kind=ActorKind.STAFF,
            actor_id=member.user_id,
            action=EXPORT_ACTION,
            entity="programme",
            entity_id=export.programme_id,
            data={"applications": len(export.application_ids), "format": "zip"},
        )
    log.info(
        "programme_dossiers_exported",
        user_id=member.user_id,
        programme_id=export.programme_id,
        applications=len(export.application_ids),
    )


def folder_name(application: queries.ApplicationView) -> str:
    who = f"{application.last_name.upper()} {application.first_name}"
    return safe_name_part(f"{application.login} - {who}", application.login)


def _open_path(path: Path):
    return path.open("rb")


async def _members(export: ProgrammeExport, language: str) -> AsyncIterator[ZipMember]:
    current_language.set(language)  # the stream outlives the request's context
    for application_id in export.application_ids:
        application = await queries.application_view(application_id)
        if application is None:  # deleted while the archive was being made
            continue
        document = await dossier_document(application)
        folder = folder_name(application)
        summary = await summary_pdf(document)
        yield ZipMember(f"{folder}/{SUMMARY_NAME}", lambda s=summary: s, document.made_at)
        for number, piece in enumerate(document.pieces, start=1):
            if piece.file.path is None or not piece.file.path.exists():
                continue
            extension = "jpg" if piece.file.content_type == JPEG else "pdf"
            name = f"{number:02d} - {safe_name_part(piece.label, 'piece')}.{extension}"
            yield ZipMember(
                f"{folder}/{name}", partial(_open_path, piece.file.path), document.made_at
            )


def dossiers_zip(export: ProgrammeExport) -> AsyncIterator[bytes]:
    """The archive's bytes, a chunk at a time, in the current language."""
    return zip_stream(_members(export, current_language.get()))


def export_day() -> date:
    return clock.today()
