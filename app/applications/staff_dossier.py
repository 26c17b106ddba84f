"""Staff actions on an application's dossier: pieces, dossier status, processing type.

The back office and the review desk (``/staff/``) call these, having scoped the staff
member to the application's centre; a candidate actor is refused as NOT_FOUND.
Decisions are in :mod:`app.applications.staff_decisions`.
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
from app.applications.lifecycle_mail import mail_candidate
from app.applications.lifecycle_pieces import asked_piece, piece_data, replace_piece
from app.applications.queries import application_view, current_pieces
from app.clock import now
from app.core.actor import Actor
from app.core.codes.applications import DossierStatus, PieceStatus, ProcessingType
from app.core.codes.mail import MailCode
from app.db import write_transaction
from app.tables.applications import Application

JUDGED_PIECE = frozenset({PieceStatus.VALIDATED, PieceStatus.REFUSED})
COMMENT_MAX = 500  # SubmittedPiece.comment

# Which dossier statuses staff may set, and from which.
STATUS_FROM = {
    DossierStatus.INCOMPLETE: frozenset({DossierStatus.RECEIVED, DossierStatus.COMPLETE}),
    DossierStatus.COMPLETE: frozenset({DossierStatus.RECEIVED, DossierStatus.INCOMPLETE}),
}
STATUS_EVENTS = {
    DossierStatus.INCOMPLETE: (AuditAction.STATUS_INCOMPLETE, MailCode.STATUS_INCOMPLETE),
    DossierStatus.COMPLETE: (AuditAction.STATUS_COMPLETE, MailCode.STATUS_COMPLETE),
}


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
