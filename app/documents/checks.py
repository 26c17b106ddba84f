"""What an uploaded piece must be: a PDF or a JPEG that a real parser opens whole, with
nothing in it that runs.

First bytes only (``%PDF-``, ``FF D8 FF``) let through five bytes of ``%PDF-``, a JPEG
header alone, a JPEG carrying an HTML page and a PDF with JavaScript. So:

- **PDF** (pypdf): the file ends with ``%%EOF`` within its last 1024 bytes (where the
  PDF standard puts it; a cut file has none), parses, has at least one page, and every
  page resolves. Encrypted files are refused unless the empty password opens them (a
  staff member must be able to read the piece). Refused as *active* when any object
  reachable from the trailer holds JavaScript (``/JS``, ``/JavaScript``: name tree,
  ``/OpenAction``, ``/AA`` actions), a ``/Launch`` action, embedded files, rich media
  or an XFA form (which carries scripts).
- **JPEG** (Pillow): opens as format JPEG and decodes to the last byte of its scan
  (``load()``; a truncated file raises). It is decoded at 1/8 scale (JPEG "draft"
  mode), so memory stays near the file's size whatever its pixel count; images over
  Pillow's decompression-bomb limit are refused.
- **Polyglots**: a JPEG that also reads as HTML/SVG/script is refused when markup
  (``<html``, ``<script``, ``<svg``, ``<!doctype``, ``<iframe``, ``<?php``, ``javascript:``)
  appears anywhere in it, in a comment, a metadata segment or after the end-of-image
  marker. Data after the marker is otherwise allowed: phones append their own there
  (motion photos, maker trailers). Pieces are also served with ``nosniff`` and a
  ``default-src 'none'`` policy, so a polyglot that slipped by would still not run.

Parsing is CPU work on untrusted input: callers run :func:`inspect_upload` (bytes) or
:func:`inspect_stream` (a seekable file, e.g. the upload spooled to disk) in a thread.
The checks read the file from its stream, a piece at a time where they can, so a piece
received on disk is not copied into memory whole.
"""

from __future__ import annotations

import io
import warnings
from enum import StrEnum
from io import BytesIO
from typing import BinaryIO

from PIL import Image
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

from app.refused import Refused

PDF = "application/pdf"
JPEG = "image/jpeg"
PDF_MAGIC = b"%PDF-"
JPEG_MAGIC = b"\xff\xd8\xff"
EOF_WINDOW = 1024

# Names whose presence makes a PDF active (keys or values, e.g. /S /Launch).
ACTIVE_NAMES = frozenset(
    {
        "/JS",
        "/JavaScript",
        "/Launch",
        "/EmbeddedFile",
        "/EmbeddedFiles",
        "/RichMedia",
        "/XFA",
    }
)
MAX_PDF_OBJECTS = 200_000  # a 2 MB file holds far fewer; a bound on the walk anyway
# Lower-case, found in the lower-cased file: ``bytes.lower`` and ``in`` run in C, some
# five times faster than one case-insensitive regular expression over a 200 KB photo.
MARKUP = (b"<html", b"<script", b"<svg", b"<!doctype", b"<iframe", b"<?php", b"javascript:")
# The markup scan reads pieces this long, each overlapping the last by more than the
# longest pattern, so a word cut between two pieces is still found whole in one.
SCAN_BYTES = 256 * 1024
SCAN_OVERLAP = 32


class UploadError(StrEnum):
    TOO_LARGE = "too_large"
    WRONG_TYPE = "wrong_type"
    EMPTY = "empty"
    DAMAGED = "damaged"
    """Looks like a PDF or a JPEG but does not open whole (cut, corrupt, encrypted)."""
    ACTIVE_CONTENT = "active_content"
    """A PDF with JavaScript, launch actions or embedded files; a JPEG carrying markup."""


class UploadRefused(Refused[UploadError]):
    """The upload was refused; nothing was written."""


def sniff_content_type(data: bytes) -> str | None:
    """``application/pdf`` or ``image/jpeg`` from the first bytes, else None: the first
    step only, :func:`inspect_upload` then opens the file."""
    if data.startswith(PDF_MAGIC):
        return PDF
    if data.startswith(JPEG_MAGIC):
        return JPEG
    return None


def inspect_upload(data: bytes) -> str:
    """The content type of an acceptable piece, else :class:`UploadRefused`."""
    return inspect_stream(BytesIO(data))


def inspect_stream(stream: BinaryIO) -> str:
    """The same for a seekable binary file, read from its start."""
    stream.seek(0)
    content_type = sniff_content_type(stream.read(len(PDF_MAGIC)))
    if content_type is None:
        raise UploadRefused(UploadError.WRONG_TYPE)
    stream.seek(0)
    if content_type == PDF:
        check_pdf(stream)
    else:
        check_jpeg(stream)
    return content_type


# --- PDF ---------------------------------------------------------------------------------


def check_pdf(stream: BinaryIO) -> None:
    size = stream.seek(0, io.SEEK_END)
    stream.seek(max(0, size - EOF_WINDOW))
    if b"%%EOF" not in stream.read(EOF_WINDOW):
        raise UploadRefused(UploadError.DAMAGED)
    stream.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(stream, strict=False)
            if reader.is_encrypted and not reader.decrypt(""):
                raise UploadRefused(UploadError.DAMAGED)
            if len(reader.pages) < 1:
                raise UploadRefused(UploadError.DAMAGED)
            for page in reader.pages:
                page.mediabox  # noqa: B018 - resolves the page and its inherited box
            active = _has_active_content(reader.trailer)
    except UploadRefused:
        raise
    except Exception as exc:  # pypdf raises many kinds on broken input
        raise UploadRefused(UploadError.DAMAGED) from exc
    if active:
        raise UploadRefused(UploadError.ACTIVE_CONTENT)


def _has_active_content(root: DictionaryObject) -> bool:
    """Walk every object reachable from the trailer (each indirect object once)."""
    seen: set[tuple[int, int]] = set()
    stack: list = [root]
    visited = 0
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            item = item.get_object()
        visited += 1
        if visited > MAX_PDF_OBJECTS:
            raise UploadRefused(UploadError.DAMAGED)
        if isinstance(item, NameObject) and str(item) in ACTIVE_NAMES:
            return True
        if isinstance(item, DictionaryObject):  # streams are dictionaries too
            if any(str(name) in ACTIVE_NAMES for name in item):
                return True
            stack.extend(item.values())
        elif isinstance(item, ArrayObject):
            stack.extend(item)
    return False


# --- JPEG --------------------------------------------------------------------------------


class _EndWatch:
    """A stream that notes when a reader asks past its end.

    Pillow decodes a JPEG until its end-of-image marker; a cut file makes it read past
    the end. Pillow raises then, unless ``ImageFile.LOAD_TRUNCATED_IMAGES`` is set,
    and WeasyPrint sets that process-wide when imported: the check cannot rely on it.
    """

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream
        self.reached_end = False

    def read(self, size: int | None = -1) -> bytes:
        chunk = self.stream.read(size)
        if not chunk and size != 0:
            self.reached_end = True
        return chunk

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return self.stream.seek(offset, whence)

    def tell(self) -> int:
        return self.stream.tell()


def _has_markup(stream: BinaryIO) -> bool:
    """Whether markup appears anywhere in the file, read a piece at a time."""
    stream.seek(0)
    tail = b""
    while chunk := stream.read(SCAN_BYTES):
        text = tail + chunk.lower()
        if any(word in text for word in MARKUP):
            return True
        tail = text[-SCAN_OVERLAP:]
    return False


def check_jpeg(stream: BinaryIO) -> None:
    if _has_markup(stream):
        raise UploadRefused(UploadError.ACTIVE_CONTENT)
    stream.seek(0)
    watched = _EndWatch(stream)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(watched, formats=["JPEG"]) as image:
                width, height = image.size
                image.draft(image.mode, (max(1, width // 8), max(1, height // 8)))
                watched.reached_end = False
                image.load()
    except Exception as exc:  # corrupt, bomb...: Pillow's own errors
        raise UploadRefused(UploadError.DAMAGED) from exc
    if watched.reached_end:
        raise UploadRefused(UploadError.DAMAGED)
