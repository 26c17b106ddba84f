"""Exports of the filtered queue: which columns, remembered per staff member, and how
each cell reads (the files themselves are written by ``app.review.export_files``).

Both formats read ``queue_rows`` (the queue's own scoped statement, a chunk at a time),
so an export holds exactly the rows the queue shows for the same filter, with the
columns the staff member picked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Literal
from zoneinfo import ZoneInfo

import structlog
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from app.application_pages.page_data.labels import dossier_status_label, processing_type_label
from app.core.codes.applications import Answer, DossierStatus, ProcessingType
from app.core.i18n import N_, current_language
from app.core.i18n import gettext as _
from app.review.queue_filter import QueueFilter
from app.review.queue_query import QueueRow
from app.review.report_labels import answer_label, yes_no
from app.settings import get_settings

log = structlog.get_logger(__name__)

EXPORT_PATH = "/staff/candidatures/export"

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
