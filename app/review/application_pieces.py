"""The pieces on the desk's application page: each one's current state, its history
(every version given or judged, newest first), and whether the member may judge it now."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.application_pages.page_data.labels import piece_status_label, size_label
from app.applications import queries
from app.applications.queries import ApplicationView, PieceView
from app.core.codes.applications import PieceStatus
from app.core.i18n import current_language
from app.review.application_trail import actor_kind_label

JUDGEABLE = frozenset(
    {
        PieceStatus.TRANSMITTED,
        PieceStatus.NOT_CONCERNED,
        PieceStatus.VALIDATED,
        PieceStatus.REFUSED,
    }
)
VIEWABLE_TYPES = {"application/pdf": "pdf", "image/jpeg": "image"}


@dataclass(frozen=True)
class PieceVersion:
    id: int
    at: datetime
    status_label: str
    comment: str
    by: str
    file_name: str
    has_file: bool
    current: bool


@dataclass(frozen=True)
class StaffPiece:
    piece_id: int
    label: str
    conditional: bool
    status: PieceStatus
    status_label: str
    comment: str
    file_name: str
    size_label: str
    viewer: str
    """"pdf", "image" or "" (no file, or a type the browser cannot show inline)."""
    history: list[PieceVersion]
    can_judge: bool

    @property
    def has_file(self) -> bool:
        return bool(self.file_name)


async def staff_piece(application: ApplicationView, piece: PieceView) -> StaffPiece:
    rows = await queries.piece_history(application.id, piece.piece_id)
    history = [
        PieceVersion(
            id=row["id"],
            at=row["changed_at"],
            status_label=piece_status_label(row["status"]),
            comment=row["comment"] or "",
            by=actor_kind_label(row["changed_by"]),
            file_name=row["file_name"] or "",
            has_file=row["file"] is not None,
            current=row["superseded_at"] is None,
        )
        for row in reversed(rows)
        if row["file"] is not None or row["status"] != PieceStatus.WAITING
    ]
    return StaffPiece(
        piece_id=piece.piece_id,
        label=piece.label(current_language.get()),
        conditional=piece.conditional,
        status=piece.status,
        status_label=piece_status_label(piece.status),
        comment=piece.comment,
        file_name=piece.file_name if piece.file_id else "",
        size_label=size_label(piece.file_size) if piece.file_id else "",
        viewer=VIEWABLE_TYPES.get(piece.content_type, "") if piece.file_id else "",
        history=history,
        can_judge=application.live and piece.status in JUDGEABLE,
    )
