"""Every state change of an application (DESIGN.md §4, docs/applications.md).

Routes, the back office and jobs call these functions and nothing else writes status
columns. Each one, in one ``app.db.write_transaction()``: checks its rule, writes with
a compare-and-set update whose affected rows it checks, records the audit event,
writes the outbox mails; it returns a :class:`Change` whose ``mail_ids`` the caller
enqueues after commit, or raises :class:`LifecycleRefused` having written nothing.

This module holds transmit, and re-exports the rest: apply (``lifecycle_apply``),
cancel (``lifecycle_cancel``), pieces (``lifecycle_pieces``), answers and their jobs
(``lifecycle_answer``), staff actions (``staff``), the waiting list (``waiting_list``).
The rules as predicates for the pages: ``lifecycle_rules``. Concurrency: see
``lifecycle_base``.
"""

from __future__ import annotations

import datetime

from app.applications.lifecycle_answer import (
    answer,
    auto_withdraw_expired,
    remind_unanswered_decisions,
)
from app.applications.lifecycle_apply import apply
from app.applications.lifecycle_base import (
    AuditAction,
    Change,
    LifecycleRefused,
    Refusal,
    audit,
    load_for_change,
    refuse,
)
from app.applications.lifecycle_cancel import cancel
from app.applications.lifecycle_mail import day, mail_candidate, mail_commission
from app.applications.lifecycle_pieces import declare_not_concerned, remove_piece, submit_piece
from app.applications.lifecycle_rules import transmit_refusal
from app.applications.piece_counter import move_pieces_to_review, to_review
from app.applications.queries import application_view, current_pieces
from app.applications.staff_decisions import enter_decision, validate_decision
from app.applications.staff_dossier import (
    set_dossier_status,
    set_piece_status,
    validate_processing_type,
)
from app.applications.waiting_list import promote_from_waiting_list
from app.clock import now
from app.core.actor import Actor
from app.core.codes.applications import TRANSMITTABLE_DOSSIER, DossierStatus
from app.core.codes.mail import MailCode
from app.db import on_postgres, write_transaction
from app.tables.applications import Application, SubmittedPiece


async def transmit(*, application_id: int, actor: Actor) -> Change:
    """The candidate transmits the dossier; after that they can change nothing.

    Check: the application is the actor's, live, AT or IN, the return date not passed,
    no asked piece AT or RE. Write: compare-and-set ``status -> RE WHERE status IN
    (AT, IN)``, with ``received_at = transmitted_at = now``: of concurrent calls one
    updates the row and the others find it RE. Audit: ``application_transmitted``
    (visible). Mails: APPLICATION_TRANSMITTED to the candidate, COMMISSION_TRANSMISSION
    to the commission (when it has an address and wants the alert).
    """
    async with write_transaction():
        application = await load_for_change(application_id, actor, lock=False)
        pieces = await current_pieces(application_id)
        refusal = transmit_refusal(application, pieces)
        if refusal:
            raise refuse(refusal)
        moment = now()
        won = (
            await Application.update(
                {
                    Application.status: DossierStatus.RECEIVED.value,
                    Application.received_at: moment,
                    Application.transmitted_at: moment,
                    Application.status_changed_at: moment,
                }
            )
            .where(
                (Application.id == application_id)
                & Application.status.is_in([s.value for s in TRANSMITTABLE_DOSSIER])
                & Application.cancelled_at.is_null()
            )
            .returning(Application.id)
        )
        if not won:
            raise refuse(Refusal.ALREADY_TRANSMITTED)
        await _keep_asked_pieces(application_id, [piece.piece_id for piece in pieces], moment)
        if on_postgres():
            # The update holds the row lock that piece changes take first: the pieces
            # read now are final. (SQLite: nothing ran in between.)
            refusal = transmit_refusal(application, await current_pieces(application_id))
            if refusal:
                raise refuse(refusal)
        await audit(
            actor, AuditAction.APPLICATION_TRANSMITTED, application_id=application_id, visible=True
        )
        view = await application_view(application_id)
        transmitted_on = day(view.transmitted_at)
        mail_ids = [
            await mail_candidate(
                view, MailCode.APPLICATION_TRANSMITTED, transmitted_on=transmitted_on
            )
        ]
        mail_ids += await mail_commission(
            view,
            MailCode.COMMISSION_TRANSMISSION,
            wanted=view.alert_on_transmission,
            transmitted_on=transmitted_on,
        )
    return Change(application_id=application_id, mail_ids=mail_ids)


async def _keep_asked_pieces(
    application_id: int, asked: list[int], moment: datetime.datetime
) -> None:
    """From its transmission on, an application's pieces are its current rows
    (``queries.current_pieces``): the rows of pieces its programme stopped asking for
    before that are superseded (kept as history), so that the list stays what the
    candidate transmitted whatever the programme's configuration becomes."""
    stale = (SubmittedPiece.application == application_id) & SubmittedPiece.superseded_at.is_null()
    if asked:  # piccolo refuses an empty NOT IN
        stale &= SubmittedPiece.piece.not_in(asked)
    superseded = (
        await SubmittedPiece.update({SubmittedPiece.superseded_at: moment})
        .where(stale)
        .returning(SubmittedPiece.status)
    )
    await move_pieces_to_review(application_id, -to_review(r["status"] for r in superseded))


__all__ = [
    "Actor",
    "AuditAction",
    "Change",
    "LifecycleRefused",
    "Refusal",
    "answer",
    "apply",
    "auto_withdraw_expired",
    "cancel",
    "declare_not_concerned",
    "enter_decision",
    "promote_from_waiting_list",
    "remind_unanswered_decisions",
    "remove_piece",
    "set_dossier_status",
    "set_piece_status",
    "submit_piece",
    "transmit",
    "validate_decision",
    "validate_processing_type",
]
