"""The summary page's rows besides the application's own, in one statement: the pieces
the application asks for (as ``piece_read_model`` reads them), the rows they replaced,
the timeline the candidate may see and the candidate's own notes.

One round trip instead of three: on PostgreSQL each costs the web process about as
much CPU as decoding the rows (issue 13). The parts share one set of columns, NULL
where a part has nothing to say; each row's ``part`` names its part:

- ``piece``: :data:`piece_read_model.PIECE_COLUMNS` (and ``changed_by``);
- ``earlier``: a replaced row, in the same columns (``piece_id``, ``submitted_id``,
  ``status``, ``comment``, ``file_id``, ``changed_at``, ``changed_by``, ``file_name``,
  ``file_size``), oldest first;
- ``timeline``: ``kind`` "event" (``id``, ``changed_at`` = when, ``actor_kind``,
  ``action``, ``data``) or "note" (``id``, ``changed_at``, ``message``), oldest first.

SQLite takes a column's declared type, hence its converter, from the first SELECT:
that is the pieces', whose ``changed_at`` is a real TIMESTAMPTZ column, so the
timeline's dates share it. PostgreSQL resolves a column's type pair by pair from the
left: the first SELECT casts the NULLs of columns only later parts fill.
Nothing here writes.
"""

from __future__ import annotations

from collections.abc import Mapping

from app.applications.piece_read_model import PIECE_COLUMNS, PIECES_OF_APPLICATION
from app.core.codes.applications import ActorKind
from app.sql import ReadStatement

_ROWS = ReadStatement(f"""
SELECT 'piece' AS part, {PIECE_COLUMNS}, sp.changed_by AS changed_by,
  NULL AS kind, CAST(NULL AS INTEGER) AS id, NULL AS actor_kind, NULL AS action,
  CAST(NULL AS JSON) AS data, NULL AS message
{PIECES_OF_APPLICATION}
UNION ALL
SELECT 'earlier', sp.piece, NULL, NULL, NULL, NULL, NULL, NULL, NULL, sp.id, sp.status,
  sp.comment, sp.file, sp.changed_at, f.original_name, f.size_bytes, NULL, sp.changed_by,
  NULL, NULL, NULL, NULL, NULL, NULL
FROM submitted_piece sp LEFT JOIN stored_file f ON f.id = sp.file
WHERE sp.application = {{}} AND sp.superseded_at IS NOT NULL
UNION ALL
SELECT 'timeline', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  created_at, NULL, NULL, NULL, NULL, 'event', id, actor_kind, action, data, NULL
FROM audit_event WHERE application_id = {{}} AND visible_to_candidate = {{}}
UNION ALL
SELECT 'timeline', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  created_at, NULL, NULL, NULL, NULL, 'note', id, NULL, NULL, NULL, message
FROM note WHERE application = {{}} AND author_kind = {{}}
ORDER BY part, position, piece_id, submitted_id, changed_at, id
""")


async def summary_part_rows(application_id: int) -> list[Mapping]:
    """The rows of the pieces, replaced rows and timeline of the application (which
    the caller has checked is the candidate's), as the driver answers them (read by
    column name): one query."""
    return await _ROWS.records(
        application_id,
        application_id,
        application_id,
        True,
        application_id,
        ActorKind.CANDIDATE.value,
    )
