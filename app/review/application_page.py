"""What the desk's application page shows (``/staff/candidatures/<id>``): the summary,
the candidate's whole dossier, the pieces with their history, the decisions, the notes
and the audit trail, and which actions the member may take now.

Read only: the page's handlers have scoped the application before calling
:func:`application_page`. The candidate's own queries are reused (``queries``,
``app.dossier.queries``, the dossier's display values), so both sides read one truth.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.application_pages.page_data.application_dossier import Dossier, dossier_of
from app.application_pages.page_data.application_list import who
from app.application_pages.page_data.labels import (
    decision_label,
    dossier_status_label,
    processing_type_label,
)
from app.applications import queries
from app.applications.queries import ApplicationView, DecisionView
from app.applications.staff_decisions import DECIDED_STATUSES
from app.applications.staff_dossier import STATUS_FROM
from app.core.codes.applications import (
    ActorKind,
    Answer,
    DossierStatus,
    ProcessingType,
)
from app.core.dates import short_date
from app.core.i18n import current_language
from app.core.i18n import gettext as _
from app.review.application_pieces import StaffPiece, staff_piece
from app.review.application_trail import (
    NoteLine,
    TrailLine,
    events_of,
    staff_names,
    state_token,
    trail_lines,
    verdict_label,
)
from app.review.identity import StaffMember
from app.review.scope import may_decide, may_process
from app.tables.applications import Decision, Note
from app.tables.catalog import DecisionType, RefusalReason


@dataclass
class ApplicationPage:
    application: ApplicationView
    who: str
    status_label: str
    processing_label: str
    decision: DecisionView | None
    decision_label: str
    decisions: list[tuple[DecisionView, str, str]]
    """Each decision, newest first, with who entered and who validated it."""
    answer_label: str
    pieces: list[StaffPiece]
    dossier: Dossier
    notes: list[NoteLine]
    trail: list[TrailLine]
    decision_types: list[dict]
    refusal_reasons: list[dict]
    token: int
    may_process: bool
    may_decide: bool
    can_set_incomplete: bool = False
    can_set_complete: bool = False
    can_validate_processing: bool = False
    can_enter_decision: bool = False
    can_validate_decision: bool = False
    can_override_confirmation: bool = False

    @property
    def live(self) -> bool:
        return self.application.live

    def piece(self, piece_id: int) -> StaffPiece | None:
        return next((p for p in self.pieces if p.piece_id == piece_id), None)


def staff_answer_label(application: ApplicationView) -> str:
    if application.answer is Answer.CONFIRMED:
        return _("Confirmée le %(date)s", date=short_date(application.answered_at))
    if application.answer is Answer.WITHDRAWN:
        return _("Désistement le %(date)s", date=short_date(application.answered_at))
    return _("Pas de réponse")


def staff_decision_label(decision: DecisionView | None) -> str:
    """The current decision as staff see it, validated or only entered."""
    if decision is None:
        return _("Aucune décision")
    label = decision_label(decision)
    if decision.validated:
        return _(
            "%(label)s (validée le %(date)s)", label=label, date=short_date(decision.validated_at)
        )
    return _("%(label)s (saisie, non validée : le candidat ne la voit pas)", label=label)


async def choices() -> tuple[list[dict], list[dict]]:
    """The active decision types and refusal reasons, for the decision form."""
    english = current_language.get() == "en"
    types = (
        await DecisionType.select(
            DecisionType.id,
            DecisionType.code,
            DecisionType.label_fr,
            DecisionType.label_en,
            DecisionType.verdict,
        )
        .where(DecisionType.active.eq(True))
        .order_by(DecisionType.label_fr)
    )
    reasons = (
        await RefusalReason.select(RefusalReason.id, RefusalReason.label_fr, RefusalReason.label_en)
        .where(RefusalReason.active.eq(True))
        .order_by(RefusalReason.label_fr)
    )
    for row in (*types, *reasons):
        row["label"] = row["label_en"] if english and row["label_en"] else row["label_fr"]
    for row in types:
        row["verdict_label"] = verdict_label(row["verdict"])
    return types, reasons


async def application_page(
    member: StaffMember, scoped: dict, application: ApplicationView
) -> ApplicationPage:
    """Everything the page shows for an application already scoped to ``member``."""
    pieces = [
        await staff_piece(application, p) for p in await queries.current_pieces(application.id)
    ]
    notes = await (
        Note.select(Note.author_kind, Note.author_id, Note.message, Note.created_at)
        .where(Note.application == application.id)
        .order_by(Note.created_at)
        .order_by(Note.id)
    )
    events = await events_of(application.id)
    decisions = list(application.decisions)
    staff_ids = {e["actor_id"] for e in events if e["actor_kind"] == ActorKind.STAFF.value} | {
        n["author_id"] for n in notes if n["author_kind"] == ActorKind.STAFF.value
    }
    entered_by = {}
    if decisions:
        rows = await Decision.select(Decision.id, Decision.entered_by, Decision.validated_by).where(
            Decision.application == application.id
        )
        entered_by = {r["id"]: (r["entered_by"], r["validated_by"]) for r in rows}
        staff_ids |= {i for pair in entered_by.values() for i in pair if i is not None}
    names = await staff_names(staff_ids)
    candidate = _("%(name)s (candidat·e)", name=f"{application.first_name} {application.last_name}")
    process = may_process(member, scoped)
    decide = may_decide(member, scoped)
    live = application.live
    decision = application.decision
    types, reasons = await choices()

    def name(user_id: int | None) -> str:
        return names.get(user_id, "") if user_id is not None else ""

    return ApplicationPage(
        application=application,
        who=who(application.first_name, application.last_name, application.login),
        status_label=dossier_status_label(application.status),
        processing_label=processing_type_label(application.processing_type),
        decision=decision,
        decision_label=staff_decision_label(decision),
        decisions=[
            (
                d,
                name(entered_by.get(d.id, (None, None))[0]),
                name(entered_by.get(d.id, (None, None))[1]),
            )
            for d in reversed(decisions)
        ],
        answer_label=staff_answer_label(application),
        pieces=pieces,
        dossier=await dossier_of(application),
        notes=[
            NoteLine(
                at=n["created_at"],
                by=names.get(n["author_id"], _("Gestionnaire"))
                if n["author_kind"] == ActorKind.STAFF.value
                else candidate,
                staff=n["author_kind"] == ActorKind.STAFF.value,
                message=n["message"],
            )
            for n in notes
        ],
        trail=trail_lines(events, names, candidate),
        decision_types=types,
        refusal_reasons=reasons,
        token=await state_token(application.id),
        may_process=process,
        may_decide=decide,
        can_set_incomplete=process
        and live
        and application.status in STATUS_FROM[DossierStatus.INCOMPLETE],
        can_set_complete=process
        and live
        and application.status in STATUS_FROM[DossierStatus.COMPLETE],
        can_validate_processing=process
        and live
        and not application.processing_type_validated
        and application.processing_type is not ProcessingType.PENDING,
        can_enter_decision=decide
        and live
        and application.answer is None
        and application.status in DECIDED_STATUSES,
        can_validate_decision=decide
        and live
        and application.answer is None
        and decision is not None
        and not decision.validated,
        can_override_confirmation=process and live and application.answer is None,
    )
