"""One application's summary ("Récapitulatif de votre candidature"), for the
candidate it belongs to only."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from app.application_pages.page_data.application_list import who
from app.application_pages.page_data.labels import (
    answer_label,
    decision_details,
    decision_label,
    dossier_status_label,
    piece_status_label,
    processing_type_label,
    size_label,
    timeline_label,
)
from app.applications import lifecycle_rules as rules
from app.applications import piece_read_model, read_model
from app.applications.lifecycle_base import Refusal
from app.applications.queries import ApplicationView, DecisionView, PieceView
from app.applications.summary_read_model import summary_part_rows
from app.catalog.contacts import Contact, contact_from
from app.core.codes.applications import REVIEWED_PIECE, ActorKind, PieceStatus
from app.core.i18n import current_language
from app.documents.letters import letter_kind
from app.sql import json_value, one_connection
from app.tables.letters import LetterKind


@dataclass(frozen=True)
class FileView:
    id: int
    original_name: str
    size_label: str


@dataclass(frozen=True)
class PieceVersion:
    """An earlier row of a piece (replaced, removed or declared "Non concerné")."""

    id: int
    changed_at: datetime
    status_label: str
    comment: str
    file: FileView | None
    reviewed: bool = False
    """Staff validated or refused it: the application was processed (guide §05.3)."""


@dataclass(frozen=True)
class PieceRow:
    piece_id: int
    label: str
    conditional: bool
    status: PieceStatus
    status_label: str
    comment: str
    file: FileView | None
    history: list[PieceVersion]
    refusal: Refusal | None
    """Why the piece cannot change now (None: it can)."""
    can_upload: bool
    can_remove: bool
    can_declare_not_concerned: bool


@dataclass(frozen=True)
class DatedEntry:
    """A line of the summary's timeline or of its Bloc-notes."""

    at: datetime
    text: str


@dataclass
class Summary:
    application: ApplicationView
    who: str
    status_label: str
    processing_label: str
    decision: DecisionView | None
    decision_label: str
    decision_details: str
    answer_label: str
    contact: Contact
    pieces: list[PieceRow]
    notes: list[DatedEntry]
    timeline: list[DatedEntry]
    editable: bool
    can_transmit: bool
    can_cancel: bool
    can_answer: bool
    letter: LetterKind | None = None
    """The letter the candidate may download now (None: no button)."""
    answer_deadline_passed: bool = False
    """A validated favourable decision left unanswered past its confirmation deadline:
    the page says so instead of showing no button at all."""

    @property
    def programme_label(self) -> str:
        return self.application.programme_label

    @property
    def processing_validated(self) -> bool:
        return self.application.processing_type_validated

    @property
    def opi_code(self) -> str:
        return self.application.opi_code or ""

    @property
    def return_deadline(self) -> date:
        return self.application.return_deadline

    @property
    def confirmation_deadline(self) -> date | None:
        return self.application.confirmation_deadline

    @property
    def academic_year(self) -> str:
        return self.application.academic_year

    @property
    def cancelled_at(self) -> datetime | None:
        return self.application.cancelled_at

    def piece(self, piece_id: int) -> PieceRow | None:
        return next((p for p in self.pieces if p.piece_id == piece_id), None)


def _file(file_id: int | None, name: str | None, size: int | None) -> FileView | None:
    return FileView(file_id, name or "", size_label(size)) if file_id else None


def earlier_versions(rows: list[Mapping]) -> dict[int, list[PieceVersion]]:
    """Required piece id → its replaced rows, newest first (``rows``: the ``earlier``
    rows of ``summary_read_model``, oldest first)."""
    history: dict[int, list[PieceVersion]] = {}
    for row in reversed(rows):
        if row["file_id"] is None and row["status"] == PieceStatus.WAITING:
            continue  # the empty state a piece starts from tells nothing
        history.setdefault(row["piece_id"], []).append(
            PieceVersion(
                id=row["submitted_id"],
                changed_at=row["changed_at"],
                status_label=piece_status_label(row["status"]),
                comment=row["comment"] or "",
                file=_file(row["file_id"], row["file_name"], row["file_size"]),
                reviewed=row["changed_by"] == ActorKind.STAFF and row["status"] in REVIEWED_PIECE,
            )
        )
    return history


def piece_row(
    application: ApplicationView, piece: PieceView, history: list[PieceVersion]
) -> PieceRow:
    refusal = rules.piece_refusal(application, piece)
    editable = refusal is None
    return PieceRow(
        piece_id=piece.piece_id,
        label=piece.label(current_language.get()),
        conditional=piece.conditional,
        status=piece.status,
        status_label=piece_status_label(piece.status),
        comment=piece.comment,
        file=_file(piece.file_id, piece.file_name, piece.file_size),
        history=history,
        refusal=refusal,
        can_upload=editable,
        can_remove=editable
        and piece.status in {PieceStatus.TRANSMITTED, PieceStatus.NOT_CONCERNED},
        can_declare_not_concerned=editable
        and piece.conditional
        and piece.status is not PieceStatus.NOT_CONCERNED,
    )


def timeline_and_notes(rows: list[Mapping]) -> tuple[list[DatedEntry], list[DatedEntry]]:
    """The timeline's lines and the candidate's own Bloc-notes entries (staff notes stay
    staff's), each oldest first (``rows``: the ``timeline`` rows of
    ``summary_read_model``)."""
    timeline, notes = [], []
    for row in rows:
        if row["kind"] == "event":
            event = {**row, "data": json_value(row["data"])}
            timeline.append(DatedEntry(row["changed_at"], timeline_label(event)))
        else:
            notes.append(DatedEntry(row["changed_at"], row["message"]))
    return timeline, notes


def _reviewed(pieces: list[PieceView], history: dict[int, list[PieceVersion]]) -> bool:
    """Staff ever validated or refused a piece (only they write VA and RE), read from
    the rows the page loads anyway; ``lifecycle_cancel`` asks the database itself."""
    return any(p.status in REVIEWED_PIECE for p in pieces) or any(
        version.reviewed for versions in history.values() for version in versions
    )


@dataclass(frozen=True)
class SummaryRows:
    """What the summary page reads, as the database answered it. The page is a function
    of these rows, the language, the day and the settings: equal rows, same page
    (``summary_page.KeptSummaries`` relies on it)."""

    application: Mapping
    """The application joined to its account, programme, contact and current decision."""
    parts: list[Mapping]
    """Its pieces, their replaced rows, its timeline and notes (``summary_read_model``)."""

    def part(self, name: str) -> list[Mapping]:
        return [row for row in self.parts if row["part"] == name]


async def summary_rows(account_id: int, application_id: int) -> SummaryRows | None:
    """The rows of the summary; None when the application is not this account's (the
    page answers 404). Two queries on one connection."""
    async with one_connection():
        found = await read_model.records_with_current_decision(
            read_model.BY_ID_AND_ACCOUNT, application_id, account_id
        )
        if not found:
            return None
        return SummaryRows(found[0], await summary_part_rows(application_id))


def summary_of(rows: SummaryRows) -> Summary:
    """Everything the summary page shows, from its rows."""
    application = read_model.view_with_current_decision(rows.application)
    pieces = [piece_read_model.piece_view(row) for row in rows.part("piece")]
    history = earlier_versions(rows.part("earlier"))
    timeline, notes = timeline_and_notes(rows.part("timeline"))
    decision = application.visible_decision
    return Summary(
        application=application,
        who=who(application.first_name, application.last_name, application.login),
        status_label=dossier_status_label(application.status),
        processing_label=processing_type_label(application.processing_type),
        decision=decision,
        decision_label=decision_label(decision),
        decision_details=decision_details(decision),
        answer_label=answer_label(application),
        contact=application_contact_of(application),
        pieces=[piece_row(application, p, history.get(p.piece_id, [])) for p in pieces],
        notes=notes,
        timeline=timeline,
        editable=rules.can_edit_pieces(application),
        can_transmit=rules.can_transmit(application, pieces),
        can_cancel=rules.can_cancel(application, pieces_reviewed=_reviewed(pieces, history)),
        can_answer=rules.can_answer(application),
        letter=letter_kind(application),
        answer_deadline_passed=rules.answer_refusal(application) is Refusal.DEADLINE_PASSED,
    )


def application_contact_of(application: ApplicationView) -> Contact:
    """The programme's contact from the application already read (no query)."""
    return contact_from(
        {
            "commission_lines": application.commission_address_lines,
            "commission_postal_code": application.commission_postal_code,
            "commission_city": application.commission_city,
            "commission_email": application.commission_email,
            "commission_phone": application.commission_phone,
            "centre_lines": application.centre_address_lines,
            "centre_postal_code": application.centre_postal_code,
            "centre_city": application.centre_city,
            "centre_email": application.centre_email,
            "centre_phone": application.centre_phone,
        }
    )
