"""Uploaded pieces on disk, under ``settings.storage_dir``, outside the web root.

A file is stored under a random name, ``<2 hex>/<32 hex>``, never under the name the
browser sent: that name is kept as ``StoredFile.original_name`` for display only.
What a file is comes from its content, opened by a real parser (see
:mod:`app.documents.checks`), never from its name or the browser's content type. A
refused upload leaves nothing behind: no file, no temporary file, no row.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import os
import secrets
import threading
import unicodedata
from pathlib import Path
from typing import BinaryIO

from app.documents.checks import (
    UploadError,
    UploadRefused,
    inspect_stream,
    sniff_content_type,
)
from app.settings import get_settings
from app.tables.documents import StoredFile

__all__ = [
    "UploadError",
    "UploadRefused",
    "clean_name",
    "delete_stored",
    "open_stored",
    "open_stored_key",
    "sniff_content_type",
    "storage_path",
    "store_signature",
    "store_upload",
    "store_upload_file",
    "stored_file",
]

NAME_MAX = 255  # StoredFile.original_name
COPY_BYTES = 64 * 1024
# Parsing is CPU work (one core each) that holds a parsed file in memory: more at once
# than the machine has cores makes nothing faster and multiplies the memory.
_PARSERS = threading.BoundedSemaphore(max(2, os.cpu_count() or 2))


def clean_name(filename: str) -> str:
    """The name to show: its last path part, without control characters, at most
    NAME_MAX characters (the extension kept)."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip()
    if len(name) > NAME_MAX:
        stem, dot, suffix = name.rpartition(".")
        suffix = f"{dot}{suffix}" if dot and len(suffix) <= 10 else ""
        name = (stem if suffix else name)[: NAME_MAX - len(suffix)] + suffix
    return name or "piece"


def storage_path(stored_file: StoredFile | dict | str) -> Path:
    """Where a stored file lives: a row (object or dict) or its ``storage_key``."""
    if isinstance(stored_file, StoredFile):
        key = stored_file.storage_key
    elif isinstance(stored_file, dict):
        key = stored_file["storage_key"]
    else:
        key = stored_file
    if len(key) != 32 or any(c not in "0123456789abcdef" for c in key):
        raise ValueError(f"not a storage key: {key!r}")
    return get_settings().storage_dir / key[:2] / key


def _receive(source: BinaryIO, path: Path, *, only: str | None) -> tuple[int, str, str]:
    """Copy the upload to a temporary file beside ``path`` a piece at a time, hashing it,
    check it there (``only``: the one content type accepted), flush it to disk, then
    rename it: a reader (or a crash) never sees half a file, and a refused file leaves
    nothing. Returns (size, SHA-256, content type)."""
    size = source.seek(0, io.SEEK_END)
    if size == 0:
        raise UploadRefused(UploadError.EMPTY)
    if size > get_settings().max_upload_bytes:
        raise UploadRefused(UploadError.TOO_LARGE)
    source.seek(0)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    digest = hashlib.sha256()
    try:
        with open(temporary, "xb+") as handle:
            while piece := source.read(COPY_BYTES):
                digest.update(piece)
                handle.write(piece)
            handle.flush()
            with _PARSERS:
                content_type = inspect_stream(handle)
            if only is not None and content_type != only:
                raise UploadRefused(UploadError.WRONG_TYPE)
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return size, digest.hexdigest(), content_type


async def store_upload(*, owner_account_id: int | None, filename: str, data: bytes) -> int:
    """:func:`store_upload_file` for bytes in memory (demo data, tests)."""
    return await store_upload_file(
        owner_account_id=owner_account_id, filename=filename, source=io.BytesIO(data)
    )


async def store_upload_file(
    *, owner_account_id: int | None, filename: str, source: BinaryIO
) -> int:
    """Check an upload and store it; return the new StoredFile's id.

    ``source``: a seekable binary file, e.g. the upload Litestar spooled to disk; it is
    copied a piece at a time, never read into memory whole. Check: not empty, at most
    ``settings.max_upload_bytes``, a whole PDF or JPEG with nothing active in it (else
    :class:`UploadRefused`; parsed in a thread, so the event loop keeps serving). Write:
    the file under a random name (atomically), then its StoredFile row; if the row
    cannot be written the file is removed.
    """
    row = await _store(source, owner=owner_account_id, filename=filename, kind="candidate")
    return row.id


async def _store(
    source: BinaryIO, *, owner: int | None, filename: str, kind: str, only: str | None = None
) -> StoredFile:
    key = secrets.token_hex(16)
    path = storage_path(key)
    size, sha256, content_type = await asyncio.to_thread(_receive, source, path, only=only)
    try:
        row = StoredFile(
            owner=owner,
            storage_key=key,
            original_name=clean_name(filename),
            content_type=content_type,
            size_bytes=size,
            sha256=sha256,
            kind=kind,
        )
        await row.save()
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return row


async def store_signature(*, filename: str, data: bytes) -> str:
    """A commission's signature image, uploaded by staff in the admin: checked like a
    piece, and a JPEG only (it is printed on letters). Returns its storage key, which
    the commission's ``signature_image`` column holds."""
    row = await _store(
        io.BytesIO(data), owner=None, filename=filename, kind="staff", only="image/jpeg"
    )
    return row.storage_key


async def stored_file(file_id: int, *, owner_account_id: int | None = None) -> dict | None:
    """The StoredFile row, or None (also when it is not ``owner_account_id``'s)."""
    query = StoredFile.select().where(StoredFile.id == file_id)
    if owner_account_id is not None:
        query = query.where(StoredFile.owner == owner_account_id)
    return await query.first()


async def open_stored(file_id: int, *, owner_account_id: int | None = None) -> bytes | None:
    """The file's bytes, or None when there is no such file (or not that owner's)."""
    row = await stored_file(file_id, owner_account_id=owner_account_id)
    if row is None:
        return None
    try:
        return await asyncio.to_thread(storage_path(row).read_bytes)
    except FileNotFoundError:
        return None


async def open_stored_key(storage_key: str) -> bytes | None:
    """The bytes of the file stored under this key (a commission's signature), or None
    when the key is malformed or the file is gone."""
    try:
        path = storage_path(storage_key)
    except ValueError:
        return None
    try:
        return await asyncio.to_thread(path.read_bytes)
    except FileNotFoundError:
        return None


async def delete_stored(file_id: int) -> bool:
    """Remove a stored file: its row (pieces pointing at it keep their history without
    the file), then the file on disk. Returns whether a row existed."""
    deleted = (
        await StoredFile.delete().where(StoredFile.id == file_id).returning(StoredFile.storage_key)
    )
    for row in deleted:
        storage_path(row).unlink(missing_ok=True)
    return bool(deleted)
