"""Reading applications for the candidate's pages and for the lifecycle functions.

The pages run these on every view, so each answer costs one or two queries: an
application with its programme, commission, centre and account in one joined select,
the decisions of all the applications read in a second one, the pieces in two.
Nothing here writes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from datetime import date, datetime

from app.applications import deadlines
from app.core.codes.applications import Answer, DossierStatus, PieceStatus, ProcessingType, Verdict
from app.tables.applications import Application, Decision, SubmittedPiece
from app.tables.catalog import ProgrammePiece, RequiredPiece
from app.tables.ops import AuditEvent


@dataclass(frozen=True)
class DecisionView:
    """One entry of the decision history, with its type and refusal reason."""

    id: int
    application_id: int
    decision_type_id: int
    code: str
    label_fr: str
    label_en: str
    verdict: Verdict
    show_comment: bool
    comment: str
    refusal_reason_fr: str
    refusal_reason_en: str
    rank: int | None
    entered_at: datetime
    validated: bool
    validated_at: datetime | None

    def label(self, language: str) -> str:
        return self.label_en if language == "en" and self.label_en else self.label_fr

    def refusal_reason(self, language: str) -> str:
        if language == "en" and self.refusal_reason_en:
            return self.refusal_reason_en
        return self.refusal_reason_fr

    @property
    def shown_comment(self) -> str:
        """The comment the candidate may read ("" when the type hides it)."""
        return self.comment if self.show_comment else ""


@dataclass(frozen=True)
class ApplicationView:
    """An application with everything its pages, rules and mails need."""

    id: int
    candidate_id: int
    account_id: int
    email: str
    language: str
    first_name: str
    last_name: str
    login: str
    programme_id: int
    programme_code: str
    programme_label: str
    programme_active: bool
    waiting_list: bool
    return_date: date
    confirmation_date: date | None
    confirmation_delay_days: int | None
    commission_id: int
    commission_label: str
    commission_email: str
    commission_address: str
    alert_on_transmission: bool
    alert_on_cancellation: bool
    alert_on_withdrawal: bool
    centre_id: int
    centre_label: str
    campaign_label: str
    academic_year: str
    status: DossierStatus
    processing_type: ProcessingType
    processing_type_validated: bool
    created_at: datetime
    status_changed_at: datetime
    received_at: datetime | None
    transmitted_at: datetime | None
    completed_at: datetime | None
    incomplete_at: datetime | None
    cancelled_at: datetime | None
    return_date_override: date | None
    confirmation_date_override: date | None
    answer: Answer | None
    answered_at: datetime | None
    opi_code: str | None
    answer_reminder_sent_at: datetime | None
    campaign_archived_at: datetime | None = None
    """Set once the campaign is archived: the application is read-only for everyone."""
    decision: DecisionView | None = None
    """The latest decision, validated or not: staff's truth. Candidates see
    :attr:`visible_decision`."""
    decisions: tuple[DecisionView, ...] = field(default=())
    """The whole history, oldest first."""
    answered_by: str | None = None
    """Who answered (``ActorKind``): "system" for an automatic withdrawal."""

    @property
    def visible_decision(self) -> DecisionView | None:
        """What the candidate sees: the latest decision once it is validated; while a
        newer one is only entered, "En attente" (None)."""
        return self.decision if self.decision and self.decision.validated else None

    @property
    def live(self) -> bool:
        return self.cancelled_at is None

    @property
    def return_deadline(self) -> date:
        return deadlines.return_deadline(
            override=self.return_date_override, programme_return_date=self.return_date
        )

    @property
    def confirmation_deadline(self) -> date | None:
        """Only meaningful with a validated favourable decision (None otherwise)."""
        decision = self.visible_decision
        if decision is None or decision.verdict is not Verdict.FAVOURABLE:
            return None
        return deadlines.confirmation_deadline(
            override=self.confirmation_date_override,
            validated_at=decision.validated_at,
            delay_days=self.confirmation_delay_days,
            programme_date=self.confirmation_date,
        )


@dataclass(frozen=True)
class PieceView:
    """A piece the application asks for, with what the candidate gave for it.

    ``submitted_id`` is None when no row exists yet (a piece added to the programme
    after the application was made): it counts as "En attente".
    """

    piece_id: int
    code: str
    label_fr: str
    label_en: str
    position: int
    common: bool
    unique_per_application: bool
    conditional: bool
    status: PieceStatus
    comment: str = ""
    submitted_id: int | None = None
    file_id: int | None = None
    file_name: str = ""
    file_size: int | None = None
    content_type: str = ""
    changed_at: datetime | None = None

    def label(self, language: str) -> str:
        return self.label_en if language == "en" and self.label_en else self.label_fr

    @property
    def shared(self) -> bool:
        """One file serves all the candidate's applications asking for this piece."""
        return self.common and not self.unique_per_application


_ACCOUNT = Application.candidate.account
_PROGRAMME = Application.programme
_COMMISSION = Application.programme.commission
_CENTRE = Application.programme.commission.centre

_VIEW_COLUMNS = (
    Application.all_columns(),
    _ACCOUNT.as_alias("account_id"),
    _ACCOUNT.email.as_alias("email"),
    _ACCOUNT.language.as_alias("language"),
    _ACCOUNT.first_name.as_alias("first_name"),
    _ACCOUNT.last_name.as_alias("last_name"),
    _ACCOUNT.login.as_alias("login"),
    _PROGRAMME.code.as_alias("programme_code"),
    _PROGRAMME.label.as_alias("programme_label"),
    _PROGRAMME.active.as_alias("programme_active"),
    _PROGRAMME.waiting_list.as_alias("waiting_list"),
    _PROGRAMME.return_date.as_alias("return_date"),
    _PROGRAMME.confirmation_date.as_alias("confirmation_date"),
    _PROGRAMME.confirmation_delay_days.as_alias("confirmation_delay_days"),
    _PROGRAMME.commission.as_alias("commission_id"),
    _COMMISSION.label.as_alias("commission_label"),
    _COMMISSION.email.as_alias("commission_email"),
    _COMMISSION.address_lines.as_alias("commission_address_lines"),
    _COMMISSION.postal_code.as_alias("commission_postal_code"),
    _COMMISSION.city.as_alias("commission_city"),
    _COMMISSION.alert_on_transmission.as_alias("alert_on_transmission"),
    _COMMISSION.alert_on_cancellation.as_alias("alert_on_cancellation"),
    _COMMISSION.alert_on_withdrawal.as_alias("alert_on_withdrawal"),
    _COMMISSION.centre.as_alias("centre_id"),
    _CENTRE.label.as_alias("centre_label"),
    _CENTRE.campaign.label_fr.as_alias("campaign_label"),
    _CENTRE.campaign.academic_year.as_alias("academic_year"),
    _CENTRE.campaign.archived_at.as_alias("campaign_archived_at"),
)


def _decision(row: dict) -> DecisionView:
    return DecisionView(
        id=row["id"],
        application_id=row["application"],
        decision_type_id=row["decision_type"],
        code=row["type_code"],
        label_fr=row["type_label_fr"],
        label_en=row["type_label_en"] or "",
        verdict=Verdict(row["verdict"]),
        show_comment=bool(row["show_comment"]),
        comment=row["comment"] or "",
        refusal_reason_fr=row["reason_fr"] or "",
        refusal_reason_en=row["reason_en"] or "",
        rank=row["rank"],
        entered_at=row["entered_at"],
        validated=bool(row["validated"]),
        validated_at=row["validated_at"],
    )


async def decisions_of(application_ids: Iterable[int]) -> dict[int, list[DecisionView]]:
    """The decision history of each application, oldest first (latest = current)."""
    ids = sorted(set(application_ids))
    history: dict[int, list[DecisionView]] = {i: [] for i in ids}
    if not ids:
        return history
    rows = (
        await Decision.select(
            Decision.all_columns(),
            Decision.decision_type.code.as_alias("type_code"),
            Decision.decision_type.label_fr.as_alias("type_label_fr"),
            Decision.decision_type.label_en.as_alias("type_label_en"),
            Decision.decision_type.verdict.as_alias("verdict"),
            Decision.decision_type.show_comment.as_alias("show_comment"),
            Decision.refusal_reason.label_fr.as_alias("reason_fr"),
            Decision.refusal_reason.label_en.as_alias("reason_en"),
        )
        .where(Decision.application.is_in(ids))
        .order_by(Decision.id)
    )
    for row in rows:
        history[row["application"]].append(_decision(row))
    return history


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
_VIEW_FIELDS = frozenset(f.name for f in fields(ApplicationView))


def _view(row: dict, history: list[DecisionView]) -> ApplicationView:
    """The select's aliases are the view's field names; codes become enums."""
    values = {name: value for name, value in row.items() if name in _VIEW_FIELDS}
    values.update(
        {name: bool(row[name]) for name in _BOOLEANS},
        candidate_id=row["candidate"],
        programme_id=row["programme"],
        commission_email=row["commission_email"] or "",
        commission_address=_address(row),
        status=DossierStatus(row["status"]),
        processing_type=ProcessingType(row["processing_type"]),
        answer=Answer(row["answer"]) if row["answer"] else None,
        decision=history[-1] if history else None,
        decisions=tuple(history),
    )
    return ApplicationView(**values)


async def _views(where) -> list[ApplicationView]:
    rows = await Application.select(*_VIEW_COLUMNS).where(where).order_by(Application.id)
    history = await decisions_of(row["id"] for row in rows)
    return [_view(row, history[row["id"]]) for row in rows]


async def application_view(application_id: int) -> ApplicationView | None:
    """Any application, whoever owns it (staff, jobs and the lifecycle functions)."""
    views = await _views(Application.id == application_id)
    return views[0] if views else None


async def application_views(application_ids: Iterable[int]) -> list[ApplicationView]:
    ids = sorted(set(application_ids))
    return await _views(Application.id.is_in(ids)) if ids else []


async def applications_of(account_id: int) -> list[ApplicationView]:
    """ "Mes candidatures": the candidate's live applications, oldest first.

    Cancelled ones are left out, as in eCandidat: a cancellation is final.
    """
    return await _views(
        (Application.candidate.account == account_id) & Application.cancelled_at.is_null()
    )


async def application_for(account_id: int, application_id: int) -> ApplicationView | None:
    """The application if it is this candidate's (cancelled included), else None (→ 404)."""
    views = await _views(
        (Application.id == application_id) & (Application.candidate.account == account_id)
    )
    return views[0] if views else None


async def current_decision(
    application_id: int, *, validated_only: bool = True
) -> DecisionView | None:
    """The current (latest) decision. With ``validated_only`` (the candidate's view), an
    entered but not yet validated decision reads as None ("En attente")."""
    history = (await decisions_of([application_id]))[application_id]
    latest = history[-1] if history else None
    if latest is None or (validated_only and not latest.validated):
        return None
    return latest


async def _asked_pieces(application_id: int) -> list[dict]:
    of_application = Application.id == application_id
    transmitted = await Application.exists().where(
        of_application & Application.transmitted_at.is_not_null()
    )
    if transmitted:
        return (
            await RequiredPiece.select(RequiredPiece.all_columns(exclude=[RequiredPiece.campaign]))
            .where(
                RequiredPiece.id.is_in(
                    SubmittedPiece.select(SubmittedPiece.piece).where(
                        (SubmittedPiece.application == application_id)
                        & SubmittedPiece.superseded_at.is_null()
                    )
                )
            )
            .order_by(RequiredPiece.position)
            .order_by(RequiredPiece.id)
        )
    processing = Application.select(Application.processing_type).where(of_application)
    return (
        await ProgrammePiece.select(
            ProgrammePiece.piece.all_columns(exclude=[ProgrammePiece.piece.campaign]),
        )
        .where(
            ProgrammePiece.programme.is_in(
                Application.select(Application.programme).where(of_application)
            )
            & (
                ProgrammePiece.piece.processing_type.is_null()
                | ProgrammePiece.piece.processing_type.is_in(processing)
            )
        )
        .order_by(ProgrammePiece.piece.position)
        .order_by(ProgrammePiece.piece.id)
    )


async def current_pieces(application_id: int) -> list[PieceView]:
    """The pieces the application asks for, in the programme's order, each with its
    current (not superseded) row.

    Until the application is transmitted, asked = the programme's pieces, less those
    restricted to another processing type: it follows the programme's configuration.
    Once transmitted, asked = the pieces of its own current rows: adding or removing a
    programme's piece afterwards changes nothing for it (``transmit`` supersedes the
    rows of pieces the programme no longer asked).
    """
    asked = await _asked_pieces(application_id)
    given = await SubmittedPiece.select(
        SubmittedPiece.all_columns(),
        SubmittedPiece.file.original_name.as_alias("file_name"),
        SubmittedPiece.file.size_bytes.as_alias("file_size"),
        SubmittedPiece.file.content_type.as_alias("content_type"),
    ).where((SubmittedPiece.application == application_id) & SubmittedPiece.superseded_at.is_null())
    by_piece = {row["piece"]: row for row in given}
    pieces = []
    for raw in asked:
        piece = {key.removeprefix("piece."): value for key, value in raw.items()}
        row = by_piece.get(piece["id"])
        base = {
            "piece_id": piece["id"],
            "code": piece["code"],
            "label_fr": piece["label_fr"],
            "label_en": piece["label_en"] or "",
            "position": piece["position"],
            "common": bool(piece["common"]),
            "unique_per_application": bool(piece["unique_per_application"]),
            "conditional": bool(piece["conditional"]),
        }
        if row is None:
            pieces.append(PieceView(**base, status=PieceStatus.WAITING))
            continue
        pieces.append(
            PieceView(
                **base,
                status=PieceStatus(row["status"]),
                comment=row["comment"] or "",
                submitted_id=row["id"],
                file_id=row["file"],
                file_name=row["file_name"] or "",
                file_size=row["file_size"],
                content_type=row["content_type"] or "",
                changed_at=row["changed_at"],
            )
        )
    return pieces


async def piece_history(application_id: int, piece_id: int) -> list[dict]:
    """Every row given for one piece of one application, oldest first (superseded ones
    included): the history staff read."""
    return (
        await SubmittedPiece.select(
            SubmittedPiece.all_columns(),
            SubmittedPiece.file.original_name.as_alias("file_name"),
        )
        .where((SubmittedPiece.application == application_id) & (SubmittedPiece.piece == piece_id))
        .order_by(SubmittedPiece.id)
    )


async def timeline(application_id: int) -> list[dict]:
    """What the candidate may see of the audit trail, oldest first.

    Each row: ``action`` (an ``AuditAction`` value), ``created_at``, ``actor_kind`` and
    ``data`` (for pieces: ``piece_id``, ``piece_label_fr``/``_en``, ``status``,
    ``comment``; for decisions: ``verdict``, ``label_fr``/``_en``).
    """
    return (
        await AuditEvent.select(
            AuditEvent.id,
            AuditEvent.created_at,
            AuditEvent.actor_kind,
            AuditEvent.action,
            AuditEvent.data,
        )
        .where(
            (AuditEvent.application_id == application_id) & AuditEvent.visible_to_candidate.eq(True)
        )
        .order_by(AuditEvent.created_at)
        .order_by(AuditEvent.id)
        .output(load_json=True)
    )


def return_deadline(application: ApplicationView) -> date:
    """Last day to edit pieces and transmit (override, else the programme's)."""
    return application.return_deadline


def confirmation_deadline(application: ApplicationView) -> date | None:
    """Last day to confirm or withdraw; None without a validated FA, or without limit."""
    return application.confirmation_deadline


__all__ = [
    "ApplicationView",
    "DecisionView",
    "PieceView",
    "application_for",
    "application_view",
    "application_views",
    "applications_of",
    "confirmation_deadline",
    "current_decision",
    "current_pieces",
    "decisions_of",
    "piece_history",
    "return_deadline",
    "timeline",
]
