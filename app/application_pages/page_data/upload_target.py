"""The piece an upload is for, read before the file is stored (guide §05.4).

Two queries, the application and its current pieces, where the whole summary takes
five (earlier versions, timeline and notes too): on deadline day every candidate
sends several pieces, and the summary is read anyway by the page the upload leads to.
The page is read whole only when the upload is refused and shown again with why.
"""

from __future__ import annotations

from app.application_pages.page_data.summary import PieceRow, piece_row
from app.applications import queries


async def piece_for_upload(account_id: int, application_id: int, piece_id: int) -> PieceRow | None:
    """The piece as the summary shows it (without its earlier versions), or None when
    the application is not this account's or does not ask for the piece (404)."""
    application = await queries.application_for(account_id, application_id)
    if application is None:
        return None
    for piece in await queries.current_pieces(application_id):
        if piece.piece_id == piece_id:
            return piece_row(application, piece, [])
    return None
