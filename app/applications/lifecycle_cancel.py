"""Cancelling an application (guide §05.3): allowed as long as staff have not
processed it — waiting (AT) or transmitted (RE), no piece reviewed, no dossier status
set, no decision entered. Final, mailed to the candidate and to the commission.

Concurrency: the compare-and-set update carries the whole rule in its ``WHERE``
(status, no decision, no reviewed piece, no status stamp), so a staff action that
committed first makes it update nothing; on PostgreSQL both also take the
application's row lock first (``load_for_change``), so a staff action that comes
second reads the application cancelled and is refused.
"""

from __future__ import annotations

from piccolo.columns.combination import WhereRaw

from app.applications.lifecycle_base import (
    AuditAction,
    Change,
    Refusal,
    audit,
    load_for_change,
    refuse,
)
from app.applications.lifecycle_mail import mail_candidate, mail_commission
from app.applications.lifecycle_rules import cancel_refusal
from app.applications.queries import application_view
from app.clock import now
from app.core.actor import Actor
from app.core.codes.applications import CANCELLABLE_DOSSIER, REVIEWED_PIECE, ActorKind
from app.core.codes.mail import MailCode
from app.db import write_transaction
from app.tables.applications import Application, Decision, SubmittedPiece

_REVIEWED = [status.value for status in REVIEWED_PIECE]


async def pieces_reviewed_by_staff(application_id: int) -> bool:
    """Whether staff ever validated or refused one of its pieces (superseded rows
    included: a refused piece the candidate replaced was still reviewed)."""
    return await SubmittedPiece.exists().where(
        (SubmittedPiece.application == application_id)
        & (SubmittedPiece.changed_by == ActorKind.STAFF.value)
        & SubmittedPiece.status.is_in(_REVIEWED)
    )


def _not_processed() -> WhereRaw:
    """The rule of ``processed_by_staff`` as SQL, for the compare-and-set update."""
    decisions = Decision._meta.tablename
    pieces = SubmittedPiece._meta.tablename
    applications = Application._meta.tablename
    return WhereRaw(
        f"NOT EXISTS (SELECT 1 FROM {decisions} d WHERE d.application = {applications}.id) "
        f"AND NOT EXISTS (SELECT 1 FROM {pieces} p WHERE p.application = {applications}.id "
        "AND p.changed_by = {} AND p.status IN ({}, {}))",
        ActorKind.STAFF.value,
        *_REVIEWED,
    )


async def cancel(*, application_id: int, actor: Actor) -> Change:
    """The candidate cancels an application (final).

    Check: the application is the actor's, live, AT or RE, not processed by staff
    (``lifecycle_rules.cancel_refusal``). Write: compare-and-set ``cancelled_at = now
    WHERE status IN (AT, RE) AND cancelled_at IS NULL AND incomplete_at IS NULL AND
    completed_at IS NULL AND no decision AND no reviewed piece``. Audit:
    ``application_cancelled`` (visible, with the status it was cancelled from).
    Mails: APPLICATION_CANCELLED to the candidate, COMMISSION_CANCELLATION to the
    commission's address (when it has one and wants the alert).
    """
    async with write_transaction():
        application = await load_for_change(application_id, actor)
        reviewed = await pieces_reviewed_by_staff(application_id)
        refusal = cancel_refusal(application, pieces_reviewed=reviewed)
        if refusal:
            raise refuse(refusal)
        won = (
            await Application.update({Application.cancelled_at: now()})
            .where(
                (Application.id == application_id)
                & Application.status.is_in([s.value for s in CANCELLABLE_DOSSIER])
                & Application.cancelled_at.is_null()
                & Application.incomplete_at.is_null()
                & Application.completed_at.is_null()
                & _not_processed()
            )
            .returning(Application.id)
        )
        if not won:
            raise refuse(Refusal.NOT_CANCELLABLE)
        await audit(
            actor,
            AuditAction.APPLICATION_CANCELLED,
            application_id=application_id,
            visible=True,
            status=application.status.value,
        )
        view = await application_view(application_id)
        mail_ids = [await mail_candidate(view, MailCode.APPLICATION_CANCELLED)]
        mail_ids += await mail_commission(
            view, MailCode.COMMISSION_CANCELLATION, wanted=view.alert_on_cancellation
        )
    return Change(application_id=application_id, mail_ids=mail_ids)
