"""One PDF of an application's dossier: a front part (summary, dossier, table of
contents) rendered by WeasyPrint, then every uploaded piece, page numbers on every page.

The front part's table of contents gives the page each piece starts on, which depends
on how many pages the front part itself takes: it is rendered once with a guess, then
again while its page count changes (twice in practice). Pieces are read from storage
one after the other: PDFs are copied page by page (pypdf), JPEGs become one page each
(Pillow, turned upright from their EXIF orientation, scaled to fit an A4 page). Page
numbers are stamped last, from a strip of small pages WeasyPrint renders for the whole
document, each merged at the bottom centre of its page, whatever the page's size.

Everything here is synchronous CPU work: callers run :func:`build_dossier_pdf` in a
thread. No HTTP, no database: the caller gives the HTML and the files.
"""

from __future__ import annotations

import logging
import threading
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import BinaryIO

from PIL import Image, ImageOps
from pypdf import PdfReader, PdfWriter, Transformation

from app.documents.checks import JPEG, PDF

A4_INCHES = (8.27, 11.69)
STRIP_WIDTH_PT = 595  # the page-number strip: A4 wide, centred on wider or narrower pages
STRIP_HEIGHT_PT = 28
MAX_FRONT_RENDERS = 4

# WeasyPrint reports each step, and fontTools every glyph it subsets, at INFO: pages of
# log lines per document, and time spent formatting them.
for _noisy in ("weasyprint", "weasyprint.progress", "fontTools"):
    logging.getLogger(_noisy).setLevel(logging.WARNING)


@dataclass(frozen=True)
class PieceFile:
    """An uploaded piece to append: its label and where its file lies (None: no file)."""

    label: str
    path: Path | None
    content_type: str


@dataclass(frozen=True)
class TocLine:
    """One line of the table of contents."""

    label: str
    first_page: int | None
    """The piece's first page in the whole PDF; None when it adds no page."""
    page_count: int
    unreadable: bool = False
    """A file was given but could not be read back (missing on disk, damaged)."""


FrontHtml = Callable[[list[TocLine], int], str]
"""The front part's HTML, given the table of contents and the front part's page count."""


def jpeg_page(path: Path) -> PdfReader:
    """A JPEG as a one-page PDF, fitted to A4 at its aspect ratio."""
    with Image.open(path, formats=["JPEG"]) as image:
        upright = ImageOps.exif_transpose(image).convert("RGB")
    resolution = max(upright.width / A4_INCHES[0], upright.height / A4_INCHES[1], 1.0)
    buffer = BytesIO()
    upright.save(buffer, "PDF", resolution=resolution)
    upright.close()
    buffer.seek(0)
    return PdfReader(buffer)


def piece_reader(piece: PieceFile) -> PdfReader | None:
    """The piece's pages, or None when its file cannot be read back."""
    if piece.path is None:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if piece.content_type == PDF:
                reader = PdfReader(piece.path, strict=False)
                if reader.is_encrypted:
                    reader.decrypt("")  # uploads were checked to open with ""
                len(reader.pages)  # parses the page tree now, not while merging
                return reader
            if piece.content_type == JPEG:
                return jpeg_page(piece.path)
    except Exception:  # a file gone or damaged since its upload: listed, not merged
        return None
    return None


def _table_of_contents(
    pieces: list[PieceFile], readers: list[PdfReader | None], front_pages: int
) -> list[TocLine]:
    lines, next_page = [], front_pages + 1
    for piece, reader in zip(pieces, readers, strict=True):
        count = len(reader.pages) if reader is not None else 0
        lines.append(
            TocLine(
                label=piece.label,
                first_page=next_page if count else None,
                page_count=count,
                unreadable=piece.path is not None and reader is None,
            )
        )
        next_page += count
    return lines


# One render at a time per process: WeasyPrint's use of Pango and fontconfig is not
# documented as thread-safe, and on two cores concurrent renders only queue for the CPU.
_RENDERING = threading.Lock()
_FONTS = None


def _font_configuration():
    """One font configuration for every render. Without it WeasyPrint makes a new one per
    document, whose Pango font map is never freed: measured here, +0.2 MB of resident
    memory per render (a 200-dossier ZIP grew the server by 73 MB) and 4 times slower.

    WeasyPrint is imported here, on first use: loading it and Pango takes seconds that
    every process start (web, workers, tests) would otherwise pay."""
    global _FONTS
    if _FONTS is None:
        from weasyprint.text.fonts import FontConfiguration

        _FONTS = FontConfiguration()
    return _FONTS


def render_pdf(html: str, base_url: str | None = None) -> bytes:
    """An HTML document as PDF bytes (WeasyPrint). ``base_url`` resolves relative links;
    without it nothing outside the HTML is loaded."""
    from weasyprint import HTML

    with _RENDERING:
        fonts = _font_configuration()
        document = HTML(string=html, base_url=base_url, url_fetcher=_fetch_nothing)
        return document.write_pdf(font_config=fonts)


def _fetch_nothing(url: str, *args, **kwargs):
    """The HTML holds candidates' text: even escaped, nothing it names is ever loaded
    (no file://, no network)."""
    raise ValueError(f"not loaded: {url[:80]}")


def _render(html: str, base_url: str | None) -> PdfReader:
    return PdfReader(BytesIO(render_pdf(html, base_url)))


def _front(
    front_html: FrontHtml,
    pieces: list[PieceFile],
    readers: list[PdfReader | None],
    base_url: str | None,
) -> tuple[PdfReader, list[TocLine]]:
    """Render until the page count the table of contents assumed is the one rendered."""
    guess = 1
    for _ in range(MAX_FRONT_RENDERS):
        toc = _table_of_contents(pieces, readers, guess)
        front = _render(front_html(toc, guess), base_url)
        if len(front.pages) == guess:
            return front, toc
        guess = len(front.pages)
    return front, toc  # would need a pathological front part; numbers may be off by one


def _number_strip(total: int, page_label: Callable[[int, int], str]) -> PdfReader:
    labels = "".join(
        f'<div class="n">{_escape(page_label(number, total))}</div>'
        for number in range(1, total + 1)
    )
    html = (
        "<style>"
        f"@page {{ size: {STRIP_WIDTH_PT}pt {STRIP_HEIGHT_PT}pt; margin: 0 }}"
        "body { margin: 0; font: 9pt sans-serif; color: #333 }"
        ".n { height: 28pt; line-height: 20pt; text-align: center; break-after: page }"
        "</style>"
        f"{labels}"
    )
    return _render(html, None)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _stamp(writer: PdfWriter, page_label: Callable[[int, int], str]) -> None:
    strip = _number_strip(len(writer.pages), page_label)
    for page, number in zip(writer.pages, strip.pages, strict=True):
        if page.get("/Rotate"):
            page.transfer_rotation_to_content()  # so "bottom" is the reader's bottom
        box = page.mediabox
        x = float(box.left) + (float(box.width) - STRIP_WIDTH_PT) / 2
        page.merge_transformed_page(number, Transformation().translate(x, float(box.bottom)))


def build_dossier_pdf(
    *,
    front_html: FrontHtml,
    pieces: list[PieceFile],
    page_label: Callable[[int, int], str],
    out: BinaryIO,
    base_url: str | None = None,
) -> list[TocLine]:
    """Write the whole dossier to ``out``; return its table of contents.

    ``page_label(number, total)`` is the text stamped on each page ("Page 3 / 12").
    A piece whose file cannot be read is listed (``unreadable``) and adds no page.
    """
    readers = [piece_reader(piece) for piece in pieces]
    while True:
        front, toc = _front(front_html, pieces, readers, base_url)
        writer = PdfWriter()
        writer.append(front)
        failed = _append_pieces(writer, readers)
        if failed is None:
            break
        readers[failed] = None  # listed as unreadable; the contents renumbered without it
    _stamp(writer, page_label)
    writer.write(out)
    return toc


def _append_pieces(writer: PdfWriter, readers: list[PdfReader | None]) -> int | None:
    """Append every readable piece; the index of one that fails to copy, else None
    (a page tree that parsed can still hold objects pypdf cannot copy)."""
    for index, reader in enumerate(readers):
        if reader is None:
            continue
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                writer.append(reader, import_outline=False)
        except Exception:
            return index
    return None
