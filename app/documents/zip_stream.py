"""A ZIP archive streamed as it is written, with the standard library's ``zipfile``.

``zipfile`` writes to any object with ``write()``; given one that cannot seek, it
puts each member's sizes and CRC after its data (a "data descriptor"), so nothing is
written twice and nothing needs going back. Here that object keeps what was written
until the stream takes it: the archive leaves a chunk at a time, never whole, and
each member is read from its source a chunk at a time too. Memory stays at about one
chunk plus zlib's window, whatever the number or size of the members.

Reading and compressing are blocking: each chunk is done in a worker thread, so the
event loop keeps serving while a large archive is made. No HTTP, no database.
"""

from __future__ import annotations

import asyncio
import unicodedata
import zipfile
from collections.abc import AsyncIterable, AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO

CHUNK_BYTES = 256 * 1024
NAME_PART_MAX = 80
MEDIA_TYPE = "application/zip"


@dataclass(frozen=True)
class ZipMember:
    """A file to add: its path in the archive and how to open its content (the
    stream closes what ``open`` returns)."""

    name: str
    open: Callable[[], BinaryIO]
    modified: datetime


class _Pending:
    """What ``zipfile`` wrote since the stream last took it (write-only, unseekable)."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []

    def write(self, data) -> int:
        self.chunks.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self.chunks)
        self.chunks.clear()
        return data


def safe_name_part(text: str, fallback: str = "fichier") -> str:
    """A folder or file name from free text: no path separators, no control
    characters, no leading dots, at most NAME_PART_MAX characters."""
    text = unicodedata.normalize("NFC", text)
    cleaned = "".join(
        "_" if c in '/\\:*?"<>|' else c for c in text if unicodedata.category(c)[0] != "C"
    )
    cleaned = " ".join(cleaned.split()).lstrip(". ")[:NAME_PART_MAX].rstrip(". ")
    return cleaned or fallback


def _copy_chunk(archive_file, source: BinaryIO) -> bool:
    """Copy one chunk; False once the source is exhausted."""
    data = source.read(CHUNK_BYTES)
    if not data:
        return False
    archive_file.write(data)
    return True


async def zip_stream(members: AsyncIterable[ZipMember]) -> AsyncIterator[bytes]:
    """The archive of ``members``, in order, as chunks of bytes."""
    pending = _Pending()
    archive = zipfile.ZipFile(pending, mode="w", compression=zipfile.ZIP_DEFLATED)
    async for member in members:
        info = zipfile.ZipInfo(member.name, date_time=member.modified.timetuple()[:6])
        info.compress_type = zipfile.ZIP_DEFLATED
        source = await asyncio.to_thread(member.open)
        try:
            archive_file = archive.open(info, mode="w")
            try:
                while await asyncio.to_thread(_copy_chunk, archive_file, source):
                    if data := pending.take():
                        yield data
            finally:
                await asyncio.to_thread(archive_file.close)
        finally:
            source.close()
        if data := pending.take():
            yield data
    archive.close()
    yield pending.take()
