"""An application's count of pieces to check, kept with each change of its pieces.

``Application.pieces_to_review`` is the number of its current SubmittedPiece rows (not
superseded) in TR: what the review desk shows, filters ("à vérifier") and sorts on
over 100,000 applications, where counting per row cost a second (docs/benchmarks.md).

The three functions that write SubmittedPiece rows (``lifecycle_pieces.replace_piece``,
the first rows of ``lifecycle_apply``, the supersede at transmission in ``lifecycle``)
move it by the difference they made, in their transaction: a relative UPDATE, so two
changes of one application's pieces, each won by its own compare-and-set, add up in
whichever order they commit.
"""

from __future__ import annotations

from collections.abc import Iterable

from app.core.codes.applications import PieceStatus
from app.tables.applications import Application

TO_REVIEW = PieceStatus.TRANSMITTED.value

# The count from the rows, for every application at once: the migration that added the
# column runs the same statement, the benchmark's generator after writing its rows.
RECOUNT = f"""
UPDATE application SET pieces_to_review = (
  SELECT COUNT(*) FROM submitted_piece sp
  WHERE sp.application = application.id AND sp.superseded_at IS NULL
    AND sp.status = '{TO_REVIEW}')
"""


def to_review(statuses: Iterable[str | PieceStatus | None]) -> int:
    """How many of these row statuses count as pieces to check."""
    return sum(1 for status in statuses if status == TO_REVIEW)


async def move_pieces_to_review(application_id: int, delta: int) -> None:
    """Add ``delta`` (rows put in TR less rows in TR superseded) to the application's
    count; nothing when the change left it as it was."""
    if delta == 0:
        return
    column = Application.pieces_to_review
    moved = column + delta if delta > 0 else column - (-delta)
    await Application.update({column: moved}).where(Application.id == application_id)


async def recount_pieces_to_review() -> None:
    """Every application's count from its rows (rows written set-based, by COPY)."""
    await Application.raw(RECOUNT)


__all__ = ["move_pieces_to_review", "recount_pieces_to_review", "to_review"]
