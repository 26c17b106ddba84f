"""The candidate's answer to a favourable decision, and the two jobs around it:
the reminder before the deadline and the automatic withdrawal after it."""

from __future__ import annotations

import structlog

from app.applications.answer_reminders import remind_unanswered_decisions
from app.applications.auto_withdraw import auto_withdraw_expired
from app.applications.lifecycle_base import (
    AuditAction,
    Change,
    Refusal,
    audit,
    load_for_change,
    refuse,
)
from app.applications.lifecycle_mail import day, mail_candidate, mail_commission
from app.applications.lifecycle_rules import answer_refusal
from app.applications.queries import ApplicationView
from app.applications.waiting_list import promote_from_waiting_list
from app.clock import now
from app.core.actor import Actor
from app.core.codes.applications import ActorKind, Answer
from app.core.codes.mail import MailCode
from app.db import write_transaction
from app.tables.applications import Application

log = structlog.get_logger(__name__)


async def _record_answer(application: ApplicationView, *, confirm: bool, actor: Actor) -> list[int]:
    """Write the answer (compare-and-set on ``answer IS NULL``), audit, mail; a
    withdrawal frees a place: the waiting list moves up. Returns the mail ids. (The
    automatic withdrawal, for many applications at once: ``auto_withdraw``.)"""
    value = Answer.CONFIRMED if confirm else Answer.WITHDRAWN
    won = (
        await Application.update(
            {
                Application.answer: value.value,
                Application.answered_at: now(),
                Application.answered_by: actor.kind.value,
            }
        )
        .where(
            (Application.id == application.id)
            & Application.answer.is_null()
            & Application.cancelled_at.is_null()
        )
        .returning(Application.id)
    )
    if not won:
        raise refuse(Refusal.NO_ANSWER_EXPECTED)
    if confirm:
        action, code = AuditAction.APPLICATION_CONFIRMED, MailCode.APPLICATION_CONFIRMED
    else:
        action, code = AuditAction.APPLICATION_WITHDRAWN, MailCode.APPLICATION_WITHDRAWN
    deadline = day(application.confirmation_deadline)
    await audit(actor, action, application_id=application.id, visible=True, answer=value.value)
    mail_ids = [await mail_candidate(application, code, deadline=deadline)]
    if confirm:
        return mail_ids
    mail_ids += await mail_commission(
        application,
        MailCode.COMMISSION_WITHDRAWAL,
        wanted=application.alert_on_withdrawal,
        deadline=deadline,
        automatic=False,
    )
    promoted = await promote_from_waiting_list(application.programme_id, actor=Actor.system())
    if promoted is not None:
        mail_ids += promoted.mail_ids
    return mail_ids


async def answer(*, application_id: int, confirm: bool, actor: Actor) -> Change:
    """The candidate confirms (``confirm=True``) or withdraws; either is final.

    Check: the application is the actor's, live, its current decision a validated FA,
    not answered yet, and — for a candidate — the confirmation deadline not passed
    (staff may record an answer given late by other means). Write: compare-and-set
    ``answer = CF|DS WHERE answer IS NULL``. Audit: ``application_confirmed`` or
    ``application_withdrawn`` (visible). Mails: APPLICATION_CONFIRMED, or
    APPLICATION_WITHDRAWN + COMMISSION_WITHDRAWAL (when wanted) and, on a programme
    managing a waiting list, the promotion of the first ranked LC
    (``promote_from_waiting_list``: its decision mail and commission alert).
    """
    async with write_transaction():
        application = await load_for_change(application_id, actor)
        refusal = answer_refusal(application, enforce_deadline=actor.kind is ActorKind.CANDIDATE)
        if refusal:
            raise refuse(refusal)
        mail_ids = await _record_answer(application, confirm=confirm, actor=actor)
    return Change(application_id=application_id, mail_ids=mail_ids)


__all__ = ["answer", "auto_withdraw_expired", "remind_unanswered_decisions"]
