"""The export files: CSV streamed batch by batch, XLSX through a spooled file.

Memory stays bounded whatever the size of the queue:

- CSV is streamed: a batch of rows is encoded and sent before the next is read;
- XLSX: openpyxl's write-only worksheet writes each row to a temporary file as it
  comes (strings inline, no shared-strings table in memory); the zipped workbook is
  saved into a ``SpooledTemporaryFile`` (memory up to 8 MB, disk beyond) and streamed
  from there 64 KB at a time. openpyxl is synchronous: every call on the workbook runs
  on one worker thread of its own, so a large export never stalls the event loop.

Text cells that a spreadsheet would read as a formula (= + - @, tab, CR first) are
neutralised: in CSV they get a leading apostrophe; in XLSX they are written as typed
text with Excel's "quote prefix" style, so the value stays exact and is never run.
"""

from __future__ import annotations

import asyncio
import csv
import io
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from tempfile import SpooledTemporaryFile

import structlog
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from app.review.exports import Formatter, Value
from app.review.queue_query import QueueRow
from app.tables.applications import Application

log = structlog.get_logger(__name__)

BATCH = 500  # rows read, formatted and sent together (and at most one e-mail query each)
XLSX_SPOOL_BYTES = 8 * 1024 * 1024
CSV_MEDIA_TYPE = "text/csv"  # Litestar adds "; charset=utf-8"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "dd/mm/yyyy"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralised(text: str) -> str:
    """CSV: a leading apostrophe keeps a spreadsheet from reading text as a formula."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


async def _batches(
    rows: AsyncIterator[QueueRow], formatter: Formatter
) -> AsyncIterator[list[list[Value]]]:
    """The rows' cells, BATCH rows at a time; e-mails (not in the queue statement) come
    from one query per batch, never one per row."""
    batch: list[QueueRow] = []

    async def cells() -> list[list[Value]]:
        emails = await _emails([row.id for row in batch]) if formatter.needs_email else {}
        return [formatter.values(row, emails) for row in batch]

    async for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            yield await cells()
            batch = []
    if batch:
        yield await cells()


async def _emails(application_ids: list[int]) -> dict[int, str]:
    found = await Application.select(
        Application.id, Application.candidate.account.email.as_alias("email")
    ).where(Application.id.is_in(application_ids))
    return {row["id"]: row["email"] for row in found}


# -- CSV ----------------------------------------------------------------------------

BOM = "\ufeff"


def _csv_cell(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, int):
        return str(value)
    return neutralised(value)


async def csv_stream(rows: AsyncIterator[QueueRow], formatter: Formatter) -> AsyncIterator[bytes]:
    """UTF-8 with a BOM and ';' between fields: what French Excel opens as columns."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([neutralised(header) for header in formatter.headers])
    yield (BOM + buffer.getvalue()).encode("utf-8")
    async for batch in _batches(rows, formatter):
        buffer.seek(0)
        buffer.truncate()
        writer.writerows([_csv_cell(value) for value in values] for values in batch)
        yield buffer.getvalue().encode("utf-8")


# -- XLSX ---------------------------------------------------------------------------


class _Sheet:
    """The write-only workbook, touched only from its own thread."""

    def __init__(self, formatter: Formatter) -> None:
        self.workbook = Workbook(write_only=True)
        self.sheet = self.workbook.create_sheet(title=formatter.sheet_title)
        self.kinds = [column.kind for column in formatter.columns]
        for index, column in enumerate(formatter.columns, start=1):
            self.sheet.column_dimensions[get_column_letter(index)].width = column.width
        self.sheet.freeze_panes = "A2"
        self.bold = Font(bold=True)
        self.sheet.append([self._header(text) for text in formatter.headers])

    def _header(self, text: str) -> Cell:
        cell = self._text(ILLEGAL_CHARACTERS_RE.sub("", text))
        cell.font = self.bold
        return cell

    def _text(self, text: str) -> Cell:
        cell = WriteOnlyCell(self.sheet, value=text)
        cell.data_type = "s"  # never a formula, whatever it starts with
        if text.startswith(FORMULA_STARTS):
            cell.quotePrefix = True  # Excel keeps it text when the cell is edited
        return cell

    def _date(self, value: date) -> Cell:
        cell = WriteOnlyCell(self.sheet, value=value)
        cell.number_format = DATE_FORMAT
        return cell

    def _cell(self, value: Value):
        if value is None or isinstance(value, int):
            return value
        if isinstance(value, date):
            return self._date(value)
        # Control characters are not allowed in XLSX; a cell holds 32,767 at most.
        text = ILLEGAL_CHARACTERS_RE.sub("", value)[:32767]
        if text.startswith(FORMULA_STARTS) or text in ERROR_CODES:
            return self._text(text)  # openpyxl would store a formula or an error
        return text  # a plain string: openpyxl writes it as inline text

    def append(self, batch: list[list[Value]]) -> None:
        for values in batch:
            self.sheet.append([self._cell(value) for value in values])

    def discard(self) -> None:
        """After a failure: openpyxl would leave its temporary file until exit."""
        writer = getattr(self.sheet, "_writer", None)
        if writer is not None:
            try:
                writer.close()
                writer.cleanup()
            except Exception as exc:  # cleanup only: the first error is the one raised
                log.warning("xlsx_export_cleanup_failed", error=str(exc))

    def save(self) -> SpooledTemporaryFile:
        # Returned open: the response streams it, then spool_pieces closes it.
        spool = SpooledTemporaryFile(max_size=XLSX_SPOOL_BYTES)  # noqa: SIM115
        try:
            self.workbook.save(spool)
        except BaseException:
            spool.close()
            raise
        spool.seek(0)
        return spool


async def xlsx_file(rows: AsyncIterator[QueueRow], formatter: Formatter) -> SpooledTemporaryFile:
    """The whole workbook, in a spooled temporary file positioned at its start."""
    loop = asyncio.get_running_loop()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="xlsx-export") as thread:
        sheet = await loop.run_in_executor(thread, _Sheet, formatter)
        try:
            async for batch in _batches(rows, formatter):
                await loop.run_in_executor(thread, sheet.append, batch)
        except BaseException:
            await asyncio.shield(loop.run_in_executor(thread, sheet.discard))
            raise
        return await loop.run_in_executor(thread, sheet.save)


def file_name(day: date, extension: str) -> str:
    return f"candidatures-{day.isoformat()}.{extension}"
