"""Sending a file made in a spooled temporary file, a piece at a time."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from tempfile import SpooledTemporaryFile

PIECE_BYTES = 64 * 1024


async def spool_pieces(spool: SpooledTemporaryFile) -> AsyncIterator[bytes]:
    """The file from its current position, then closed (also when the client leaves)."""
    try:
        while piece := spool.read(PIECE_BYTES):
            yield piece
    finally:
        spool.close()


def spool_size(spool: SpooledTemporaryFile) -> int:
    """Its size; the position is put back at the start."""
    spool.seek(0, io.SEEK_END)
    size = spool.tell()
    spool.seek(0)
    return size
