"""The application reads of the candidate's pages and of the lifecycle, as plain SQL.

Each statement is written once for SQLite and PostgreSQL and compiled once per engine
(``app.sql``): no SQL is rebuilt per request. An application with its account,
programme, commission, centre and campaign is one joined select; its decisions a
second one, whatever the number of applications; its pieces with their current rows
and files one more. Nothing here writes.
"""

from __future__ import annotations

from dataclasses import fields
from functools import lru_cache

from app.applications.views import ApplicationView, DecisionView, PieceView
from app.core.codes.applications import (
    ActorKind,
    Answer,
    DossierStatus,
    PieceStatus,
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

_APPLICATIONS = (
    """
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
  ca.archived_at AS campaign_archived_at
"""
    + _FROM_APPLICATION
)

_DECISIONS = """
SELECT d.id, d.application, d.decision_type, d.comment, d.rank, d.entered_at,
  d.validated, d.validated_at, t.code AS type_code, t.label_fr AS type_label_fr,
  t.label_en AS type_label_en, t.verdict AS verdict, t.show_comment AS show_comment,
  r.label_fr AS reason_fr, r.label_en AS reason_en
FROM decision d
LEFT JOIN decision_type t ON t.id = d.decision_type
LEFT JOIN refusal_reason r ON r.id = d.refusal_reason
"""

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


def application_view(row: dict, history: list[DecisionView]) -> ApplicationView:
    """The select's aliases are the view's field names; codes become enums."""
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
        decisions=tuple(history),
    )
    # Positional: CPython matches keyword arguments to parameters one by one, and with
    # 57 fields that matching took half the time of building the view (issue 13).
    return ApplicationView(*[values[name] for name in _VIEW_FIELDS])


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


async def decision_rows(application_ids: list[int]) -> list[DecisionView]:
    """The decisions of these applications, oldest first."""
    statement = _decisions_of(len(application_ids))
    return [decision_view(row) for row in await statement.rows(*application_ids)]


@lru_cache(maxsize=64)
def _decisions_of(count: int) -> ReadStatement:
    where = "d.application IN (" + ", ".join(["{}"] * count) + ")"
    return ReadStatement(f"{_DECISIONS} WHERE {where} ORDER BY d.id")


# Until the application is transmitted, it asks the programme's pieces, less those
# restricted to another processing type; once transmitted, the pieces of its own
# current rows (see ``queries.current_pieces``).
_PIECES = ReadStatement("""
SELECT rp.id AS piece_id, rp.code AS code, rp.label_fr AS label_fr,
  rp.label_en AS label_en, rp.position AS position, rp.common AS common,
  rp.unique_per_application AS unique_per_application, rp.conditional AS conditional,
  sp.id AS submitted_id, sp.status AS status, sp.comment AS comment, sp.file AS file_id,
  sp.changed_at AS changed_at, f.original_name AS file_name, f.size_bytes AS file_size,
  f.content_type AS content_type
FROM application a
JOIN required_piece rp ON (
  (a.transmitted_at IS NULL
   AND rp.id IN (SELECT pp.piece FROM programme_piece pp WHERE pp.programme = a.programme)
   AND (rp.processing_type IS NULL OR rp.processing_type = a.processing_type))
  OR (a.transmitted_at IS NOT NULL
   AND rp.id IN (SELECT s.piece FROM submitted_piece s
                 WHERE s.application = a.id AND s.superseded_at IS NULL)))
LEFT JOIN submitted_piece sp
  ON sp.application = a.id AND sp.piece = rp.id AND sp.superseded_at IS NULL
LEFT JOIN stored_file f ON f.id = sp.file
WHERE a.id = {}
ORDER BY rp.position, rp.id
""")


def _piece(row: dict) -> PieceView:
    base = {
        "piece_id": row["piece_id"],
        "code": row["code"],
        "label_fr": row["label_fr"],
        "label_en": row["label_en"] or "",
        "position": row["position"],
        "common": boolean(row["common"]),
        "unique_per_application": boolean(row["unique_per_application"]),
        "conditional": boolean(row["conditional"]),
    }
    if row["submitted_id"] is None:
        return PieceView(**base, status=PieceStatus.WAITING)
    return PieceView(
        **base,
        status=PieceStatus(row["status"]),
        comment=row["comment"] or "",
        submitted_id=row["submitted_id"],
        file_id=row["file_id"],
        file_name=row["file_name"] or "",
        file_size=row["file_size"],
        content_type=row["content_type"] or "",
        changed_at=row["changed_at"],
    )


async def piece_views(application_id: int) -> list[PieceView]:
    return [_piece(row) for row in await _PIECES.rows(application_id)]


_EARLIER_ROWS = ReadStatement("""
SELECT sp.id, sp.piece, sp.file, sp.status, sp.comment, sp.changed_at, sp.changed_by,
  f.original_name AS file_name, f.size_bytes AS file_size
FROM submitted_piece sp LEFT JOIN stored_file f ON f.id = sp.file
WHERE sp.application = {} AND sp.superseded_at IS NOT NULL
ORDER BY sp.id DESC
""")


async def earlier_piece_rows(application_id: int) -> list[dict]:
    """The superseded rows of every piece of the application, newest first."""
    return await _EARLIER_ROWS.rows(application_id)


_TIMELINE = ReadStatement("""
SELECT id, created_at, actor_kind, action, data FROM audit_event
WHERE application_id = {} AND visible_to_candidate = {}
ORDER BY created_at, id
""")


async def timeline_rows(application_id: int) -> list[dict]:
    rows = await _TIMELINE.rows(application_id, True)
    for row in rows:
        row["data"] = json_value(row["data"])
    return rows


_CANDIDATE_NOTES = ReadStatement("""
SELECT id, message, created_at FROM note
WHERE application = {} AND author_kind = {}
ORDER BY created_at, id
""")


async def candidate_note_rows(application_id: int) -> list[dict]:
    return await _CANDIDATE_NOTES.rows(application_id, ActorKind.CANDIDATE.value)


_ACCOUNT_NAMES = ReadStatement(
    "SELECT first_name, last_name, login FROM candidate_account WHERE id = {}"
)


async def account_names(account_id: int) -> dict | None:
    rows = await _ACCOUNT_NAMES.rows(account_id)
    return rows[0] if rows else None
