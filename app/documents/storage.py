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
import os
import secrets
import unicodedata
from pathlib import Path

from app.documents.checks import UploadError, UploadRefused, inspect_upload, sniff_content_type
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
    "stored_file",
]

NAME_MAX = 255  # StoredFile.original_name


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


def _write_atomically(path: Path, data: bytes) -> None:
    """Write to a temporary file in the same folder, flush it to disk, then rename:
    a reader (or a crash) never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        with open(temporary, "xb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


async def store_upload(*, owner_account_id: int | None, filename: str, data: bytes) -> int:
    """Check an upload and store it; return the new StoredFile's id.

    Check: not empty, at most ``settings.max_upload_bytes``, a whole PDF or JPEG with
    nothing active in it (else :class:`UploadRefused`; parsed in a thread, so the
    event loop keeps serving). Write: the file under a random name (atomically), then
    its StoredFile row; if the row cannot be written the file is removed.
    """
    if not data:
        raise UploadRefused(UploadError.EMPTY)
    if len(data) > get_settings().max_upload_bytes:
        raise UploadRefused(UploadError.TOO_LARGE)
    content_type = await asyncio.to_thread(inspect_upload, data)
    row = await _write(
        data, owner=owner_account_id, filename=filename, content_type=content_type, kind="candidate"
    )
    return row.id


async def _write(
    data: bytes, *, owner: int | None, filename: str, content_type: str, kind: str
) -> StoredFile:
    """The checked bytes under a random name (atomically), then their row; if the row
    cannot be written the file is removed."""
    key = secrets.token_hex(16)
    path = storage_path(key)
    await asyncio.to_thread(_write_atomically, path, data)
    try:
        row = StoredFile(
            owner=owner,
            storage_key=key,
            original_name=clean_name(filename),
            content_type=content_type,
            size_bytes=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
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
    if not data:
        raise UploadRefused(UploadError.EMPTY)
    if len(data) > get_settings().max_upload_bytes:
        raise UploadRefused(UploadError.TOO_LARGE)
    if await asyncio.to_thread(inspect_upload, data) != "image/jpeg":
        raise UploadRefused(UploadError.WRONG_TYPE)
    row = await _write(data, owner=None, filename=filename, content_type="image/jpeg", kind="staff")
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
