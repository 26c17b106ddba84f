"""The daily automatic withdrawal of favourable decisions left unanswered past their
confirmation deadline, a chunk of applications per transaction.

Same rule, audit events and mails as a candidate's withdrawal recorded by the system
(``lifecycle_answer.answer``), but written for a whole chunk at once: the rows are
locked (PostgreSQL) and read again, the ones still past their deadline are updated by
one compare-and-set statement, their audit events and mails go in multi-row INSERTs.
Only the waiting-list promotions stay one by one: each takes the programme's next
ranked candidate, in order, under the programme's lock.
"""

from __future__ import annotations

from collections import Counter

from redis.asyncio import Redis

from app.applications.answer_claims import claim_unanswered
from app.applications.answer_reminders import CHUNK, awaiting_answer, awaiting_answer_ids
from app.applications.lifecycle_base import AuditAction, Refusal, lock_rows
from app.applications.lifecycle_mail import (
    COMMISSION_LANGUAGE,
    application_context,
    candidate_mail,
    commission_addresses,
    day,
)
from app.applications.lifecycle_rules import answer_refusal
from app.applications.queries import ApplicationView
from app.applications.reminders import batched
from app.applications.waiting_list import promote_places
from app.audit import EventOf
from app.clock import now, today
from app.core.actor import Actor
from app.core.codes.applications import ActorKind, Answer
from app.core.codes.mail import MailCode
from app.db import write_transaction
from app.mail.outbox_batch import MailToQueue, enqueue_many
from app.tables.applications import Application


def _mails(view: ApplicationView) -> list[MailToQueue]:
    """APPLICATION_AUTO_WITHDRAWN to the candidate; COMMISSION_WITHDRAWAL to each of the
    commission's addresses when it wants the alert (as ``mail_commission``)."""
    deadline = day(view.confirmation_deadline)
    mails = [candidate_mail(view, MailCode.APPLICATION_AUTO_WITHDRAWN, deadline=deadline)]
    if view.alert_on_withdrawal:
        context = {**application_context(view), "deadline": deadline, "automatic": True}
        mails += [
            MailToQueue(
                to=address,
                code=MailCode.COMMISSION_WITHDRAWAL,
                language=COMMISSION_LANGUAGE,
                application_id=view.id,
                context=context,
            )
            for address in commission_addresses(view.commission_email)
        ]
    return mails


async def _withdraw(ids: list[int]) -> tuple[int, list[int]]:
    """One chunk in one transaction: (how many were withdrawn, the mail ids)."""
    system = Actor.system()
    async with write_transaction():
        await lock_rows(Application, ids)
        expired = [
            view
            for view in await awaiting_answer(ids)
            if answer_refusal(view) is Refusal.DEADLINE_PASSED
        ]
        if not expired:
            return 0, []
        views, mail_ids = await claim_unanswered(
            expired,
            {
                Application.answer: Answer.WITHDRAWN.value,
                Application.answered_at: now(),
                Application.answered_by: ActorKind.SYSTEM.value,
            },
            action=AuditAction.APPLICATION_AUTO_WITHDRAWN,
            event=lambda view: EventOf(
                entity_id=view.id,
                application_id=view.id,
                visible=True,
                data={"answer": Answer.WITHDRAWN.value},
            ),
            mails=_mails,
        )
        # Each withdrawal frees a place: as many promotions, programme by programme.
        freed = Counter(view.programme_id for view in views)
        for programme_id, places in sorted(freed.items()):
            for promoted in await promote_places(programme_id, places, actor=system):
                mail_ids += promoted.mail_ids
    return len(views), mail_ids


async def auto_withdraw_expired(*, redis: Redis | None = None) -> int:
    """Job: every unanswered favourable decision past its deadline becomes a withdrawal
    by the system; returns how many.

    Per chunk of applications past their deadline, in one transaction: lock, read again
    (one may have been answered meanwhile), compare-and-set ``answer = DS, answered_by =
    system WHERE answer IS NULL``; audit ``application_auto_withdrawn`` (visible);
    APPLICATION_AUTO_WITHDRAWN to the candidate, COMMISSION_WITHDRAWAL (when wanted); the
    waiting-list promotion of each freed place. With ``redis``, the chunk's mails are
    enqueued right after its commit (else the mail recovery job picks them up).
    """
    day_today = today()
    past = []
    for ids in batched(await awaiting_answer_ids(), CHUNK):
        past += [
            view.id
            for view in await awaiting_answer(ids)
            if view.confirmation_deadline is not None and day_today > view.confirmation_deadline
        ]
    withdrawn = 0
    for ids in batched(past, CHUNK):
        count, mail_ids = await _withdraw(ids)
        withdrawn += count
        if redis is not None:
            await enqueue_many(redis, mail_ids)
    return withdrawn
