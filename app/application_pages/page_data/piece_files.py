"""The stored file of a piece: the current one or an earlier version, for its
candidate (their own applications only) or for staff (once the desk checked scope)."""

from __future__ import annotations

from app.tables.applications import SubmittedPiece


def _piece_file_where(application_id: int, piece_id: int, version: int | None):
    where = (
        (SubmittedPiece.application == application_id)
        & (SubmittedPiece.piece == piece_id)
        & SubmittedPiece.file.is_not_null()
    )
    if version is None:
        return where & SubmittedPiece.superseded_at.is_null()
    return where & (SubmittedPiece.id == version)


async def _first_file(where) -> dict | None:
    return (
        await SubmittedPiece.select(
            SubmittedPiece.file.as_alias("file_id"),
            SubmittedPiece.file.original_name.as_alias("original_name"),
            SubmittedPiece.file.content_type.as_alias("content_type"),
        )
        .where(where)
        .first()
    )


async def piece_file(
    account_id: int, application_id: int, piece_id: int, version: int | None
) -> dict | None:
    """The stored file of a piece of this account's application: the current one, or
    an earlier version (a SubmittedPiece id of the same piece). None otherwise (→ 404)."""
    owned = SubmittedPiece.application.candidate.account == account_id
    return await _first_file(_piece_file_where(application_id, piece_id, version) & owned)


async def scoped_piece_file(application_id: int, piece_id: int, version: int | None) -> dict | None:
    """The same for staff, once the review desk has checked the application is in their
    scope."""
    return await _first_file(_piece_file_where(application_id, piece_id, version))
