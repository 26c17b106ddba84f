"""Exports of the filtered queue: CSV for French Excel, XLSX with real dates.

Both read ``queue_rows`` (the queue's own scoped statement, a chunk at a time), so an
export holds exactly the rows the queue shows for the same filter, with the columns
the staff member picked. Memory stays bounded whatever the size of the queue:

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
from collections.abc import AsyncIterator, Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime
from tempfile import SpooledTemporaryFile
from typing import Literal
from zoneinfo import ZoneInfo

import structlog
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from app.applications.codes import Answer, DossierStatus, ProcessingType
from app.applications.page_data.labels import dossier_status_label, processing_type_label
from app.applications.tables import Application
from app.review.queue_filter import QueueFilter
from app.review.queue_query import QueueRow
from app.review.report_labels import answer_label, yes_no
from app.settings import get_settings
from app.web.i18n import N_, current_language
from app.web.i18n import gettext as _

log = structlog.get_logger(__name__)

EXPORT_PATH = "/staff/candidatures/export"
BATCH = 500  # rows read, formatted and sent together (and at most one e-mail query each)
XLSX_SPOOL_BYTES = 8 * 1024 * 1024
STREAM_PIECE = 64 * 1024
CSV_MEDIA_TYPE = "text/csv"  # Litestar adds "; charset=utf-8"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "dd/mm/yyyy"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Kind = Literal["text", "date", "number"]


@dataclass(frozen=True)
class Column:
    key: str  # the value of ``colonnes=`` in the URL
    header: str  # French msgid, translated when the export starts
    kind: Kind
    width: int  # XLSX column width, in characters


def _columns() -> tuple[Column, ...]:
    # N_ marks the headers for extraction; they are translated per export.
    return (
        Column("dossier", N_("N° de dossier"), "text", 14),
        Column("nom", N_("Nom"), "text", 22),
        Column("prenom", N_("Prénom"), "text", 18),
        Column("nom_naissance", N_("Nom de naissance"), "text", 22),
        Column("naissance", N_("Date de naissance"), "date", 12),
        Column("nationalite", N_("Nationalité"), "text", 18),
        Column("ine", N_("INE"), "text", 13),
        Column("email", N_("Adresse électronique"), "text", 30),
        Column("bac", N_("Année du bac"), "number", 8),
        Column("centre", N_("Centre"), "text", 30),
        Column("formation", N_("Formation"), "text", 36),
        Column("traitement", N_("Type de traitement"), "text", 16),
        Column("traitement_valide", N_("Type de traitement validé"), "text", 10),
        Column("transmission", N_("Date de transmission"), "date", 12),
        Column("statut", N_("Statut du dossier"), "text", 14),
        Column("pieces", N_("Pièces à vérifier"), "number", 8),
        Column("decision", N_("Décision"), "text", 24),
        Column("decision_validee", N_("Décision validée"), "text", 10),
        Column("reponse", N_("Réponse du candidat"), "text", 14),
    )


COLUMNS = _columns()
BY_KEY = {column.key: column for column in COLUMNS}
# The queue's own columns (its name column is split in two for mail merges).
DEFAULT_COLUMNS = (
    "dossier",
    "nom",
    "prenom",
    "naissance",
    "nationalite",
    "bac",
    "formation",
    "transmission",
    "statut",
    "pieces",
    "decision",
)


def chosen_columns(values: Iterable[str]) -> list[str]:
    """The known column keys among ``values``, once each, in the fixed order."""
    asked = set(values)
    return [column.key for column in COLUMNS if column.key in asked]


def export_url(queue: QueueFilter) -> str:
    """The export page for the queue's current filter (the page number is dropped)."""
    return queue.url(EXPORT_PATH, page=1)


def file_url(queue: QueueFilter, extension: str, columns: Iterable[str] = ()) -> str:
    """A direct download of the filtered queue; without columns, the remembered ones."""
    url = queue.url(f"{EXPORT_PATH}.{extension}", page=1)
    extra = "&".join(f"colonnes={key}" for key in chosen_columns(columns))
    if not extra:
        return url
    return f"{url}{'&' if '?' in url else '?'}{extra}"


# -- the columns each staff member last exported, in Redis ---------------------------

PREFERENCE_SECONDS = 400 * 24 * 3600  # a campaign and then some: unused keys go away
REDIS_DOWN = (RedisConnectionError, RedisTimeoutError, OSError)


def preference_key(user_id: int) -> str:
    return f"ecesure:staff:{user_id}:export-columns"


async def remembered_columns(redis, user_id: int) -> list[str]:
    """The columns this member last exported; the defaults when none (or Redis is down)."""
    try:
        stored = await redis.get(preference_key(user_id))
    except REDIS_DOWN as exc:
        log.warning("export_columns_unavailable", op="get", error=str(exc))
        stored = None
    chosen = chosen_columns(stored.decode().split(",")) if stored else []
    return chosen or list(DEFAULT_COLUMNS)


async def remember_columns(redis, user_id: int, keys: list[str]) -> None:
    """Best effort: with Redis down the export still runs, the choice is not kept."""
    try:
        await redis.set(preference_key(user_id), ",".join(keys), ex=PREFERENCE_SECONDS)
    except REDIS_DOWN as exc:
        log.warning("export_columns_unavailable", op="set", error=str(exc))


# -- cell values --------------------------------------------------------------------


Value = str | int | date | None


class Formatter:
    """Turns a queue row into the chosen cells. Labels are translated once, when the
    export starts, so the streamed part depends on no request context."""

    def __init__(self, keys: list[str]) -> None:
        self.columns = [BY_KEY[key] for key in keys]
        self.headers = [_(column.header) for column in self.columns]
        self.sheet_title = _("Candidatures")[:31]
        self.needs_email = "email" in keys
        english = current_language.get() == "en"
        statuses = {s.value: dossier_status_label(s) for s in DossierStatus}
        processing = {p.value: processing_type_label(p) for p in ProcessingType}
        answers = {a.value: answer_label(a.value) for a in Answer}
        yes, no = yes_no(True), yes_no(False)
        zone = ZoneInfo(get_settings().timezone)

        def nationality(row: QueueRow) -> str | None:
            return (row.nationality_en if english else None) or row.nationality_fr

        def decision(row: QueueRow) -> str | None:
            return (row.decision_label_en if english else None) or row.decision_label_fr

        def validated(flag: bool | None) -> str:
            return "" if flag is None else (yes if flag else no)

        self._values: dict[str, Callable[[QueueRow, dict[int, str]], Value]] = {
            "dossier": lambda r, _e: r.login,
            "nom": lambda r, _e: (r.usual_name or r.birth_name or "").upper(),
            "prenom": lambda r, _e: r.first_name,
            "nom_naissance": lambda r, _e: (r.birth_name or "").upper(),
            "naissance": lambda r, _e: _as_date(r.birth_date, zone),
            "nationalite": lambda r, _e: nationality(r),
            "ine": lambda r, _e: r.ine,
            "email": lambda r, emails: emails.get(r.id),
            "bac": lambda r, _e: r.bac_year,
            "centre": lambda r, _e: r.centre,
            "formation": lambda r, _e: r.programme,
            "traitement": lambda r, _e: processing.get(r.processing_type, r.processing_type),
            "traitement_valide": lambda r, _e: validated(r.processing_type_validated),
            "transmission": lambda r, _e: _as_date(r.transmitted_at, zone),
            "statut": lambda r, _e: statuses.get(r.status, r.status),
            "pieces": lambda r, _e: r.pieces_to_review,
            "decision": lambda r, _e: decision(r),
            "decision_validee": lambda r, _e: validated(r.decision_validated),
            "reponse": lambda r, _e: answers.get(r.answer or "", ""),
        }

    def values(self, row: QueueRow, emails: dict[int, str]) -> list[Value]:
        return [self._values[column.key](row, emails) for column in self.columns]


def _as_date(value, zone: ZoneInfo) -> date | None:
    """A local date: instants are stored in UTC, the staff read Paris dates."""
    if isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=UTC)
        return aware.astimezone(zone).date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:  # a driver that returns text
        try:
            return _as_date(datetime.fromisoformat(value), zone)
        except ValueError:
            return None
    return None


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
        # Returned open: the response streams it, then file_pieces closes it.
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


async def file_pieces(spool: SpooledTemporaryFile) -> AsyncIterator[bytes]:
    try:
        while piece := spool.read(STREAM_PIECE):
            yield piece
    finally:
        spool.close()


def file_size(spool: SpooledTemporaryFile) -> int:
    spool.seek(0, io.SEEK_END)
    size = spool.tell()
    spool.seek(0)
    return size


def file_name(day: date, extension: str) -> str:
    return f"candidatures-{day.isoformat()}.{extension}"
