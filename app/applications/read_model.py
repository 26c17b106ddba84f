"""The application reads of the candidate's pages and of the lifecycle, as plain SQL.

Each statement is written once for SQLite and PostgreSQL and compiled once per engine
(``app.sql``): no SQL is rebuilt per request. An application with its account,
programme, commission, centre and campaign is one joined select; its decisions a
second one, whatever the number of applications (the candidate's pages join the
current decision instead: one select). Its pieces are read by ``piece_read_model``,
"Mes candidatures" by ``list_read_model``.
Nothing here writes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from functools import lru_cache

from app.applications.views import ApplicationView, DecisionView
from app.core.codes.applications import (
    ActorKind,
    Answer,
    DossierStatus,
    ProcessingType,
    Verdict,
)
from app.sql import ReadStatement, boolean, json_value

_FROM_APPLICATION = """
FROM application a
LEFT JOIN candidate c ON c.id = a.candidate
LEFT JOIN candidate_account acc ON acc.id = c.account
LEFT JOIN programme p ON p.id = a.programme
LEFT JOIN commission co ON co.id = p.commission
LEFT JOIN centre ce ON ce.id = co.centre
LEFT JOIN campaign ca ON ca.id = ce.campaign
"""

_APPLICATION_COLUMNS = """
SELECT a.id, a.candidate, a.programme, a.status, a.processing_type,
  a.processing_type_validated, a.created_at, a.status_changed_at, a.received_at,
  a.transmitted_at, a.completed_at, a.incomplete_at, a.cancelled_at,
  a.return_date_override, a.confirmation_date_override, a.answer, a.answered_at,
  a.answered_by, a.opi_code, a.answer_reminder_sent_at,
  acc.id AS account_id, acc.email AS email, acc.language AS language,
  acc.first_name AS first_name, acc.last_name AS last_name, acc.login AS login,
  p.code AS programme_code, p.label AS programme_label, p.active AS programme_active,
  p.waiting_list AS waiting_list, p.return_date AS return_date,
  p.confirmation_date AS confirmation_date,
  p.confirmation_delay_days AS confirmation_delay_days, p.commission AS commission_id,
  co.label AS commission_label, co.email AS commission_email,
  co.address_lines AS commission_address_lines, co.postal_code AS commission_postal_code,
  co.city AS commission_city, co.phone AS commission_phone,
  co.alert_on_transmission AS alert_on_transmission,
  co.alert_on_cancellation AS alert_on_cancellation,
  co.alert_on_withdrawal AS alert_on_withdrawal, co.centre AS centre_id,
  ce.label AS centre_label, ce.address_lines AS centre_address_lines,
  ce.postal_code AS centre_postal_code, ce.city AS centre_city,
  ce.contact_email AS centre_email, ce.contact_phone AS centre_phone,
  ca.label_fr AS campaign_label, ca.academic_year AS academic_year,
  ca.archived_at AS campaign_archived_at"""

_APPLICATIONS = _APPLICATION_COLUMNS + _FROM_APPLICATION

_DECISION_COLUMNS = """d.id, d.application, d.decision_type, d.comment, d.rank, d.entered_at,
  d.validated, d.validated_at, t.code AS type_code, t.label_fr AS type_label_fr,
  t.label_en AS type_label_en, t.verdict AS verdict, t.show_comment AS show_comment,
  r.label_fr AS reason_fr, r.label_en AS reason_en"""

_DECISION_TYPE = """
LEFT JOIN decision_type t ON t.id = d.decision_type
LEFT JOIN refusal_reason r ON r.id = d.refusal_reason
"""

_DECISIONS = f"SELECT {_DECISION_COLUMNS}\nFROM decision d{_DECISION_TYPE}"


def _prefixed(columns: str) -> dict[str, tuple[str, str]]:
    """Each column's name (its alias, else its own) → (its expression, ``cd__`` + name)."""
    prefixed = {}
    for column in columns.split(","):
        expression, _, alias = column.strip().partition(" AS ")
        name = alias or expression.split(".")[-1]
        prefixed[name] = (expression, f"cd__{name}")
    return prefixed


# The applications with their current decision only (``application.current_decision``,
# kept with each decision written): the candidate's pages in one statement. The
# decision's columns come after the application's, prefixed.
_CURRENT_DECISION_COLUMNS = _prefixed(_DECISION_COLUMNS)
CURRENT_DECISION_SELECT = ", ".join(
    f"{column} AS {alias}" for column, alias in _CURRENT_DECISION_COLUMNS.values()
)
"""The current decision's columns (``current_decision_of``), on :data:`CURRENT_DECISION_JOIN`."""
CURRENT_DECISION_JOIN = "LEFT JOIN decision d ON d.id = a.current_decision" + _DECISION_TYPE
_WITH_CURRENT_DECISION = (
    _APPLICATION_COLUMNS
    + ",\n  "
    + CURRENT_DECISION_SELECT
    + _FROM_APPLICATION
    + CURRENT_DECISION_JOIN
)

# Which applications a read is about, on the aliases a (application) and c (candidate).
BY_ID = "a.id = {}"
BY_ID_AND_ACCOUNT = "a.id = {} AND c.account = {}"
LIVE_OF_ACCOUNT = "c.account = {} AND a.cancelled_at IS NULL"


@lru_cache(maxsize=64)
def _statements(where: str) -> tuple[ReadStatement, ReadStatement]:
    """The applications and their decisions, selected by the same condition."""
    applications = ReadStatement(f"{_APPLICATIONS} WHERE {where} ORDER BY a.id")
    decisions = ReadStatement(
        f"{_DECISIONS} WHERE d.application IN (SELECT a.id FROM application a"
        f" LEFT JOIN candidate c ON c.id = a.candidate WHERE {where}) ORDER BY d.id"
    )
    return applications, decisions


@lru_cache(maxsize=16)
def _with_current_decision(where: str) -> ReadStatement:
    return ReadStatement(f"{_WITH_CURRENT_DECISION} WHERE {where} ORDER BY a.id")


def ids_in(count: int) -> str:
    """``a.id IN ({}, {}, …)``: one statement per list length, each compiled once."""
    return "a.id IN (" + ", ".join(["{}"] * count) + ")"


def decision_view(row: dict) -> DecisionView:
    return DecisionView(
        id=row["id"],
        application_id=row["application"],
        decision_type_id=row["decision_type"],
        code=row["type_code"],
        label_fr=row["type_label_fr"],
        label_en=row["type_label_en"] or "",
        verdict=Verdict(row["verdict"]),
        show_comment=boolean(row["show_comment"]),
        comment=row["comment"] or "",
        refusal_reason_fr=row["reason_fr"] or "",
        refusal_reason_en=row["reason_en"] or "",
        rank=row["rank"],
        entered_at=row["entered_at"],
        validated=boolean(row["validated"]),
        validated_at=row["validated_at"],
    )


def _address(row: dict) -> str:
    place = " ".join(p for p in (row["commission_postal_code"], row["commission_city"]) if p)
    lines = [line.strip() for line in (row["commission_address_lines"] or "").splitlines()]
    return " ".join(part for part in [*lines, place] if part)


_BOOLEANS = (
    "programme_active",
    "waiting_list",
    "alert_on_transmission",
    "alert_on_cancellation",
    "alert_on_withdrawal",
    "processing_type_validated",
)
_TEXTS = (
    "commission_address_lines",
    "commission_postal_code",
    "commission_city",
    "commission_phone",
    "centre_address_lines",
    "centre_postal_code",
    "centre_city",
    "centre_email",
)
_VIEW_FIELDS = tuple(f.name for f in fields(ApplicationView))


def application_view(
    row: dict, history: list[DecisionView], *, history_read: bool = True
) -> ApplicationView:
    """The select's aliases are the view's field names; codes become enums. Without
    ``history_read``, ``history`` holds the current decision only and ``decisions``
    is None."""
    values = dict(row)
    values.update({name: boolean(row[name]) for name in _BOOLEANS})
    values.update({name: row[name] or "" for name in _TEXTS})
    values.update(
        candidate_id=row["candidate"],
        programme_id=row["programme"],
        commission_email=row["commission_email"] or "",
        commission_address=_address(row),
        centre_phone=row["centre_phone"] or "",
        status=DossierStatus(row["status"]),
        processing_type=ProcessingType(row["processing_type"]),
        answer=Answer(row["answer"]) if row["answer"] else None,
        decision=history[-1] if history else None,
        decisions=tuple(history) if history_read else None,
    )
    # Not through __init__: with 57 fields, matching keyword arguments to parameters and
    # the frozen dataclass's object.__setattr__ per field were three quarters of the
    # 28 us a view cost (issue 13); the view has no __post_init__ and no slots. A
    # field the select lacks raises KeyError here.
    view = object.__new__(ApplicationView)
    view.__dict__.update({name: values[name] for name in _VIEW_FIELDS})
    return view


async def views_where(where: str, *args: object) -> list[ApplicationView]:
    """The applications matching ``where`` (one of the conditions above), oldest first,
    each with its decision history: two queries."""
    applications, decisions = _statements(where)
    rows = await applications.rows(*args)
    if not rows:
        return []
    history: dict[int, list[DecisionView]] = {row["id"]: [] for row in rows}
    for row in await decisions.rows(*args):
        history[row["application"]].append(decision_view(row))
    return [application_view(row, history[row["id"]]) for row in rows]


def current_decision_of(row: dict) -> DecisionView | None:
    """The current decision of a row selected with :data:`CURRENT_DECISION_SELECT`."""
    if row["cd__id"] is None:
        return None
    return decision_view(
        {name: row[alias] for name, (_, alias) in _CURRENT_DECISION_COLUMNS.items()}
    )


async def records_with_current_decision(where: str, *args: object) -> list[Mapping]:
    """The applications matching ``where``, oldest first, each joined to its current
    decision, as the driver answers them (:func:`view_with_current_decision` reads
    one): one query."""
    return await _with_current_decision(where).records(*args)


def view_with_current_decision(row: Mapping) -> ApplicationView:
    """A row of :func:`records_with_current_decision` (``decisions`` is None: not read)."""
    decision = current_decision_of(row)
    return application_view(row, [decision] if decision else [], history_read=False)


async def views_with_current_decision(where: str, *args: object) -> list[ApplicationView]:
    """The applications matching ``where``, oldest first, each with its current decision
    only: one query, for the candidate's pages."""
    rows = await records_with_current_decision(where, *args)
    return [view_with_current_decision(row) for row in rows]


async def decision_rows(application_ids: list[int]) -> list[DecisionView]:
    """The decisions of these applications, oldest first."""
    statement = _decisions_of(len(application_ids))
    return [decision_view(row) for row in await statement.rows(*application_ids)]


@lru_cache(maxsize=64)
def _decisions_of(count: int) -> ReadStatement:
    where = "d.application IN (" + ", ".join(["{}"] * count) + ")"
    return ReadStatement(f"{_DECISIONS} WHERE {where} ORDER BY d.id")


# The summary's timeline and the candidate's Bloc-notes in one round trip.
_TIMELINE_AND_NOTES = ReadStatement("""
SELECT 'event' AS kind, id, created_at, actor_kind, action, data, NULL AS message
FROM audit_event WHERE application_id = {} AND visible_to_candidate = {}
UNION ALL
SELECT 'note', id, created_at, NULL, NULL, NULL, message
FROM note WHERE application = {} AND author_kind = {}
ORDER BY created_at, id
""")


def _event(row: dict) -> dict:
    row["data"] = json_value(row["data"])
    return row


async def timeline_and_note_rows(application_id: int) -> tuple[list[dict], list[dict]]:
    """What the candidate may see of the application's audit trail (``action``,
    ``created_at``, ``actor_kind``, ``data`` decoded) and the candidate's own notes
    (``id``, ``created_at``, ``message``), each oldest first: one query."""
    rows = await _TIMELINE_AND_NOTES.rows(
        application_id, True, application_id, ActorKind.CANDIDATE.value
    )
    events = [_event(row) for row in rows if row["kind"] == "event"]
    return events, [row for row in rows if row["kind"] == "note"]
