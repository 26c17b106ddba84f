"""The audit trail of an application as staff read it: who did what, when, and
before → after; the people's names; the state token the action forms carry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from piccolo.apps.user.tables import BaseUser
from piccolo.query.functions.aggregate import Max

from app.application_pages.page_data.labels import (
    dossier_status_label,
    piece_status_label,
    timeline_label,
    verdict_label,
)
from app.applications.lifecycle_base import AuditAction
from app.applications.notes import NOTE_ADDED
from app.applications.staff_dates import CONFIRMATION_DATE_OVERRIDDEN, RETURN_DATE_OVERRIDDEN
from app.core.codes.applications import ActorKind, DossierStatus, PieceStatus
from app.core.dates import short_date
from app.core.i18n import gettext as _
from app.tables.backoffice import StaffProfile
from app.tables.ops import AuditEvent


def actor_kind_label(kind: str) -> str:
    return {
        ActorKind.CANDIDATE.value: _("Candidat·e"),
        ActorKind.STAFF.value: _("Gestionnaire"),
        ActorKind.SYSTEM.value: _("Système"),
    }.get(kind, kind)


async def staff_names(user_ids: set[int]) -> dict[int, str]:
    """Piccolo user id → the name staff know each other by (display name, else login)."""
    ids = sorted(i for i in user_ids if i is not None)
    if not ids:
        return {}
    names = {
        row["id"]: row["username"]
        for row in await BaseUser.select(BaseUser.id, BaseUser.username).where(
            BaseUser.id.is_in(ids)
        )
    }
    for row in await StaffProfile.select(StaffProfile.user, StaffProfile.display_name).where(
        StaffProfile.user.is_in(ids)
    ):
        if row["display_name"]:
            names[row["user"]] = row["display_name"]
    return names


@dataclass(frozen=True)
class NoteLine:
    at: datetime
    by: str
    staff: bool
    message: str


@dataclass(frozen=True)
class TrailLine:
    at: datetime
    who: str
    what: str
    change: str
    """ "before → after", "" when the event has no before/after."""


def _date_text(value: str | None) -> str:
    return short_date(date.fromisoformat(value)) if value else _("aucune")


STATUS_AFTER = {
    AuditAction.APPLICATION_CREATED.value: DossierStatus.WAITING,
    AuditAction.APPLICATION_TRANSMITTED.value: DossierStatus.RECEIVED,
    AuditAction.STATUS_INCOMPLETE.value: DossierStatus.INCOMPLETE,
    AuditAction.STATUS_COMPLETE.value: DossierStatus.COMPLETE,
}
PIECE_AFTER = {
    AuditAction.PIECE_SUBMITTED.value: PieceStatus.TRANSMITTED,
    AuditAction.PIECE_REMOVED.value: PieceStatus.WAITING,
    AuditAction.PIECE_NOT_CONCERNED.value: PieceStatus.NOT_CONCERNED,
    AuditAction.PIECE_VALIDATED.value: PieceStatus.VALIDATED,
    AuditAction.PIECE_REFUSED.value: PieceStatus.REFUSED,
}


def _what(event: dict) -> str:
    action, data = event["action"], event["data"] or {}
    if action == AuditAction.DECISION_ENTERED.value:
        return _("Décision saisie (non visible du candidat)")
    if action == RETURN_DATE_OVERRIDDEN:
        return _("Date limite de retour du candidat modifiée")
    if action == CONFIRMATION_DATE_OVERRIDDEN:
        return _("Date limite de confirmation du candidat modifiée")
    if action == NOTE_ADDED:
        return _("Note ajoutée au bloc-notes")
    if action == AuditAction.ANSWER_REMINDER_SENT.value:
        return _("Rappel de confirmation envoyé")
    if action == AuditAction.RETURN_REMINDER_SENT.value:
        return _("Rappel de la date de retour envoyé")
    text = timeline_label(event)
    if action == AuditAction.PIECE_REFUSED.value and data.get("comment"):
        text += " — " + _("commentaire : %(comment)s", comment=data["comment"])
    return text


def trail_lines(events: list[dict], names: dict[int, str], candidate: str) -> list[TrailLine]:
    """Each event with who did it and, when the trail tells it, before → after (the
    statuses are followed along the trail: an event records where it led)."""
    status: DossierStatus | None = None
    pieces: dict[int, PieceStatus] = {}
    lines = []
    for event in events:
        action, data = event["action"], event["data"] or {}
        change = ""
        if action in STATUS_AFTER:
            after = STATUS_AFTER[action]
            if status is not None:
                change = f"{dossier_status_label(status)} → {dossier_status_label(after)}"
            status = after
        elif action in PIECE_AFTER and data.get("piece_id") is not None:
            after = PIECE_AFTER[action]
            before = pieces.get(data["piece_id"], PieceStatus.WAITING)
            change = f"{piece_status_label(before)} → {piece_status_label(after)}"
            pieces[data["piece_id"]] = after
        elif action == AuditAction.PROCESSING_TYPE_VALIDATED.value:
            change = _("Non validé → validé")
        elif action == AuditAction.DECISION_ENTERED.value:
            change = f"→ {data.get('code', '')} ({verdict_label(data.get('verdict', ''))})"
        elif action == AuditAction.DECISION_VALIDATED.value:
            change = _("Saisie → validée")
        elif "before" in data or "after" in data:
            change = f"{_date_text(data.get('before'))} → {_date_text(data.get('after'))}"
        kind = event["actor_kind"]
        if kind == ActorKind.STAFF.value:
            actor = names.get(event["actor_id"], _("Gestionnaire n° %(id)s", id=event["actor_id"]))
        elif kind == ActorKind.CANDIDATE.value:
            actor = candidate
        else:
            actor = _("Système")
        lines.append(TrailLine(event["created_at"], actor, _what(event), change))
    return lines


async def events_of(application_id: int) -> list[dict]:
    return (
        await AuditEvent.select(
            AuditEvent.id,
            AuditEvent.created_at,
            AuditEvent.actor_kind,
            AuditEvent.actor_id,
            AuditEvent.action,
            AuditEvent.data,
        )
        .where(AuditEvent.application_id == application_id)
        .order_by(AuditEvent.created_at)
        .order_by(AuditEvent.id)
        .output(load_json=True)
    )


async def state_token(application_id: int) -> int:
    """The application's latest audit event id: every change writes one, so a form
    posted with an older token was filled in on a state that has changed since."""
    row = (
        await AuditEvent.select(Max(AuditEvent.id).as_alias("last"))
        .where(AuditEvent.application_id == application_id)
        .first()
    )
    return (row or {}).get("last") or 0
