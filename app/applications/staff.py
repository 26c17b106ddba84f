"""Staff actions on an application: pieces, dossier status, processing type, decisions.

The back office and the review desk (``/staff/``) call these, having scoped the staff
member to the application's centre; a candidate actor is refused as NOT_FOUND.
"""

from __future__ import annotations

from app.applications.lifecycle_base import (
    AuditAction,
    Change,
    Refusal,
    audit,
    load_for_change,
    refuse,
    require_staff,
)
from app.applications.lifecycle_mail import mail_candidate, mail_decision
from app.applications.lifecycle_pieces import asked_piece, piece_data, replace_piece
from app.applications.queries import application_view, current_pieces
from app.clock import now
from app.core.actor import Actor
from app.core.codes.applications import DossierStatus, PieceStatus, ProcessingType, Verdict
from app.core.codes.mail import MailCode
from app.db import write_transaction
from app.tables.applications import Application, Decision
from app.tables.catalog import DecisionType, RefusalReason

JUDGED_PIECE = frozenset({PieceStatus.VALIDATED, PieceStatus.REFUSED})
COMMENT_MAX = 500  # SubmittedPiece.comment
DECISION_COMMENT_MAX = 1000  # eCandidat's limit

# Which dossier statuses staff may set, and from which.
STATUS_FROM = {
    DossierStatus.INCOMPLETE: frozenset({DossierStatus.RECEIVED, DossierStatus.COMPLETE}),
    DossierStatus.COMPLETE: frozenset({DossierStatus.RECEIVED, DossierStatus.INCOMPLETE}),
}
STATUS_EVENTS = {
    DossierStatus.INCOMPLETE: (AuditAction.STATUS_INCOMPLETE, MailCode.STATUS_INCOMPLETE),
    DossierStatus.COMPLETE: (AuditAction.STATUS_COMPLETE, MailCode.STATUS_COMPLETE),
}
DECIDED_STATUSES = frozenset(
    {DossierStatus.RECEIVED, DossierStatus.INCOMPLETE, DossierStatus.COMPLETE}
)


def _code(enum, value):
    """The enum member for staff input, or INVALID."""
    try:
        return enum(value)
    except ValueError:
        raise refuse(Refusal.INVALID) from None


async def set_piece_status(
    *, application_id: int, piece_id: int, status: PieceStatus, comment: str = "", actor: Actor
) -> Change:
    """Staff validate (VA) or refuse (RE) what the candidate gave for a piece.

    Check: staff actor, status VA or RE, application live, the piece asked and given
    (TR, NC, or already judged), comment at most 500 characters. Write: the row
    superseded, a new one with the same file, the status and the comment. Audit:
    ``piece_validated`` or ``piece_refused`` (visible, with the comment). Mail (RE):
    PIECE_REFUSED with the piece and the comment.
    """
    require_staff(actor)
    status = _code(PieceStatus, status)
    comment = comment.strip()
    if status not in JUDGED_PIECE or len(comment) > COMMENT_MAX:
        raise refuse(Refusal.INVALID)
    async with write_transaction():
        application = await load_for_change(application_id, actor)
        piece = await asked_piece(application_id, piece_id)
        if not application.live or piece.status is PieceStatus.WAITING:
            raise refuse(Refusal.INVALID)
        if piece.status is status and piece.comment == comment:
            return Change(application_id=application_id)
        row_id = await replace_piece(
            application_id,
            piece,
            status=status,
            actor=actor,
            file_id=piece.file_id,
            comment=comment,
        )
        refused = status is PieceStatus.REFUSED
        await audit(
            actor,
            AuditAction.PIECE_REFUSED if refused else AuditAction.PIECE_VALIDATED,
            application_id=application_id,
            entity="piece",
            entity_id=row_id,
            visible=refused,
            **piece_data(piece, status, comment=comment),
        )
        mail_ids = []
        if refused:
            mail_ids.append(
                await mail_candidate(
                    application,
                    MailCode.PIECE_REFUSED,
                    piece=piece.label(application.language),
                    comment=comment,
                )
            )
    return Change(application_id=application_id, mail_ids=mail_ids)


async def set_dossier_status(*, application_id: int, status: DossierStatus, actor: Actor) -> Change:
    """Staff mark a received dossier incomplete (IN) or complete (CO).

    Check: staff actor, IN from RE or CO, CO from RE or IN, application live. Write:
    compare-and-set ``status WHERE status IN (from)`` with ``incomplete_at`` or
    ``completed_at``. IN re-opens the candidate's editing until the return date (move
    ``return_date_override`` if it has passed) and lets them transmit again. Audit:
    ``status_incomplete`` / ``status_complete`` (visible). Mail: STATUS_INCOMPLETE (with
    the pieces still to give) / STATUS_COMPLETE.
    """
    require_staff(actor)
    status = _code(DossierStatus, status)
    if status not in STATUS_FROM:
        raise refuse(Refusal.INVALID)
    allowed_from = STATUS_FROM[status]
    async with write_transaction():
        application = await load_for_change(application_id, actor)
        if not application.live or application.status not in allowed_from:
            raise refuse(Refusal.INVALID)
        moment = now()
        stamp = (
            Application.incomplete_at
            if status is DossierStatus.INCOMPLETE
            else Application.completed_at
        )
        won = (
            await Application.update(
                {
                    Application.status: status.value,
                    Application.status_changed_at: moment,
                    stamp: moment,
                }
            )
            .where(
                (Application.id == application_id)
                & Application.status.is_in([s.value for s in allowed_from])
                & Application.cancelled_at.is_null()
            )
            .returning(Application.id)
        )
        if not won:
            raise refuse(Refusal.INVALID)
        action, code = STATUS_EVENTS[status]
        await audit(actor, action, application_id=application_id, visible=True)
        to_give = [
            piece.label(application.language)
            for piece in await current_pieces(application_id)
            if piece.status in {PieceStatus.WAITING, PieceStatus.REFUSED}
        ]
        mail_id = await mail_candidate(
            await application_view(application_id), code, pieces=", ".join(to_give)
        )
    return Change(application_id=application_id, mail_ids=[mail_id])


async def validate_processing_type(*, application_id: int, actor: Actor) -> Change:
    """Staff validate the processing type ("T.E. validé"), for Accès direct.

    Check: staff actor, application live, type AC or AD and not yet validated. Write:
    compare-and-set ``processing_type_validated WHERE it is false``. Audit:
    ``processing_type_validated``. Mail: none (no template for it).
    """
    require_staff(actor)
    async with write_transaction():
        application = await load_for_change(application_id, actor)
        if (
            not application.live
            or application.processing_type_validated
            or application.processing_type is ProcessingType.PENDING
        ):
            raise refuse(Refusal.INVALID)
        won = (
            await Application.update({Application.processing_type_validated: True})
            .where(
                (Application.id == application_id)
                & Application.processing_type_validated.eq(False)
                & Application.cancelled_at.is_null()
            )
            .returning(Application.id)
        )
        if not won:
            raise refuse(Refusal.INVALID)
        await audit(
            actor,
            AuditAction.PROCESSING_TYPE_VALIDATED,
            application_id=application_id,
            processing_type=application.processing_type.value,
        )
    return Change(application_id=application_id)


async def _check_decision_input(
    verdict: Verdict, *, refusal_reason_id: int | None, rank: int | None, comment: str
) -> None:
    if len(comment) > DECISION_COMMENT_MAX:
        raise refuse(Refusal.INVALID)
    # A rank places an LC on the waiting list; it means nothing for another verdict.
    if verdict is Verdict.COMPLEMENTARY_LIST:
        if not isinstance(rank, int) or rank < 1:
            raise refuse(Refusal.INVALID)
    elif rank is not None:
        raise refuse(Refusal.INVALID)
    if refusal_reason_id is not None:
        reason = await RefusalReason.exists().where(
            (RefusalReason.id == refusal_reason_id) & RefusalReason.active.eq(True)
        )
        if verdict is not Verdict.UNFAVOURABLE or not reason:
            raise refuse(Refusal.INVALID)


async def enter_decision(
    *,
    application_id: int,
    decision_type_id: int,
    comment: str = "",
    refusal_reason_id: int | None = None,
    rank: int | None = None,
    actor: Actor,
) -> int:
    """Staff enter a decision; the candidate does not see it until it is validated.
    Returns the decision's id.

    Check: staff actor, application live, received (RE, IN or CO), not answered; an
    active decision type; a rank (≥ 1) for an LC and only for it; a refusal reason
    (active) only for a DE; comment at most 1000 characters. Write: a new Decision,
    not validated (it becomes the current one). Audit: ``decision_entered``. Mail: none.
    """
    require_staff(actor)
    comment = comment.strip()
    async with write_transaction():
        application = await load_for_change(application_id, actor)
        if (
            not application.live
            or application.answer is not None
            or application.status not in DECIDED_STATUSES
        ):
            raise refuse(Refusal.INVALID)
        decision_type = (
            await DecisionType.select(DecisionType.verdict, DecisionType.code)
            .where((DecisionType.id == decision_type_id) & DecisionType.active.eq(True))
            .first()
        )
        if decision_type is None:
            raise refuse(Refusal.INVALID)
        verdict = Verdict(decision_type["verdict"])
        await _check_decision_input(
            verdict, refusal_reason_id=refusal_reason_id, rank=rank, comment=comment
        )
        decision = Decision(
            application=application_id,
            decision_type=decision_type_id,
            refusal_reason=refusal_reason_id,
            comment=comment,
            rank=rank,
            entered_at=now(),
            entered_by=actor.id,
            validated=False,
        )
        await decision.save()
        await audit(
            actor,
            AuditAction.DECISION_ENTERED,
            application_id=application_id,
            entity="decision",
            entity_id=decision.id,
            verdict=verdict.value,
            code=decision_type["code"],
        )
    return decision.id


async def validate_decision(*, decision_id: int, actor: Actor) -> Change:
    """Staff validate the current decision: the candidate sees it and is told.

    Check: staff actor, the decision exists and is the application's current (latest)
    one, not yet validated, the application live and not answered. Write:
    compare-and-set ``validated WHERE validated is false``; a favourable one re-arms the
    answer reminder. Audit: ``decision_validated`` (visible). Mail: DECISION_<verdict>
    (label, shown comment, refusal reason, rank, confirmation deadline).
    """
    require_staff(actor)
    async with write_transaction():
        row = await Decision.select(Decision.application).where(Decision.id == decision_id).first()
        if row is None:
            raise refuse(Refusal.NOT_FOUND)
        application = await load_for_change(row["application"], actor)
        current = application.decision
        if (
            current is None
            or current.id != decision_id
            or current.validated
            or not application.live
            or application.answer is not None
        ):
            raise refuse(Refusal.INVALID)
        won = (
            await Decision.update(
                {
                    Decision.validated: True,
                    Decision.validated_at: now(),
                    Decision.validated_by: actor.id,
                }
            )
            .where((Decision.id == decision_id) & Decision.validated.eq(False))
            .returning(Decision.id)
        )
        if not won:
            raise refuse(Refusal.INVALID)
        if current.verdict is Verdict.FAVOURABLE:
            await Application.update({Application.answer_reminder_sent_at: None}).where(
                Application.id == application.id
            )
        await audit(
            actor,
            AuditAction.DECISION_VALIDATED,
            application_id=application.id,
            entity="decision",
            entity_id=decision_id,
            visible=True,
            verdict=current.verdict.value,
            label_fr=current.label_fr,
            label_en=current.label_en,
        )
        mail_id = await mail_decision(await application_view(application.id))
    return Change(application_id=application.id, mail_ids=[mail_id])
