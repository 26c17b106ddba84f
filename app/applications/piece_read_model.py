"""An application's pieces as the candidate's pages and the lifecycle read them, as
plain SQL compiled once per engine (``app.sql``): the pieces it asks for, each with its
current row and file (``summary_read_model`` adds the rows they replaced)."""

from __future__ import annotations

from collections.abc import Mapping

from app.applications.views import PieceView
from app.core.codes.applications import PieceStatus
from app.sql import ReadStatement, boolean

# Until the application is transmitted, it asks the programme's pieces, less those
# restricted to another processing type; once transmitted, the pieces of its own
# current rows (see ``queries.current_pieces``).
PIECE_COLUMNS = """rp.id AS piece_id, rp.code AS code, rp.label_fr AS label_fr,
  rp.label_en AS label_en, rp.position AS position, rp.common AS common,
  rp.unique_per_application AS unique_per_application, rp.conditional AS conditional,
  sp.id AS submitted_id, sp.status AS status, sp.comment AS comment, sp.file AS file_id,
  sp.changed_at AS changed_at, f.original_name AS file_name, f.size_bytes AS file_size,
  f.content_type AS content_type"""

PIECES_OF_APPLICATION = """
FROM application a
JOIN required_piece rp ON (
  (a.transmitted_at IS NULL
   AND rp.id IN (SELECT pp.piece FROM programme_piece pp WHERE pp.programme = a.programme)
   AND (rp.processing_type IS NULL OR rp.processing_type = a.processing_type))
  OR (a.transmitted_at IS NOT NULL
   AND rp.id IN (SELECT s.piece FROM submitted_piece s
                 WHERE s.application = a.id AND s.superseded_at IS NULL)))
LEFT JOIN submitted_piece sp
  ON sp.application = a.id AND sp.piece = rp.id AND sp.superseded_at IS NULL
LEFT JOIN stored_file f ON f.id = sp.file
WHERE a.id = {}"""
"""The pieces application ``{}`` asks for, each with its current row (``sp``) and file."""

_PIECES = ReadStatement(
    f"SELECT {PIECE_COLUMNS} {PIECES_OF_APPLICATION} ORDER BY rp.position, rp.id"
)


def piece_view(row: Mapping) -> PieceView:
    base = {
        "piece_id": row["piece_id"],
        "code": row["code"],
        "label_fr": row["label_fr"],
        "label_en": row["label_en"] or "",
        "position": row["position"],
        "common": boolean(row["common"]),
        "unique_per_application": boolean(row["unique_per_application"]),
        "conditional": boolean(row["conditional"]),
    }
    if row["submitted_id"] is None:
        return PieceView(**base, status=PieceStatus.WAITING)
    return PieceView(
        **base,
        status=PieceStatus(row["status"]),
        comment=row["comment"] or "",
        submitted_id=row["submitted_id"],
        file_id=row["file_id"],
        file_name=row["file_name"] or "",
        file_size=row["file_size"],
        content_type=row["content_type"] or "",
        changed_at=row["changed_at"],
    )


async def piece_views(application_id: int) -> list[PieceView]:
    return [piece_view(row) for row in await _PIECES.rows(application_id)]
