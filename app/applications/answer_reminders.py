"""Which favourable decisions await an answer, and the daily answer reminder, set-based.

The applications awaiting an answer are found by one statement (the current decision,
i.e. the latest, validated and favourable; no answer; not cancelled; campaign not
archived), then read a chunk at a time and checked with the same rules as the pages
(``answer_refusal``, ``reminder_due``). Each chunk of due reminders is written in one
transaction: one compare-and-set UPDATE for the chunk, its audit events and its mails
in multi-row INSERTs; its mails are enqueued after that commit. A transaction per chunk,
not per application, and not one for the whole job: SQLite's write lock is held for one
chunk at a time, so the pages keep answering while the job runs.
"""

from __future__ import annotations

from collections.abc import Iterable

from redis.asyncio import Redis

from app.applications.answer_claims import claim_unanswered
from app.applications.deadlines import reminder_due
from app.applications.lifecycle_base import AuditAction
from app.applications.lifecycle_mail import candidate_mail, day
from app.applications.lifecycle_rules import answer_refusal
from app.applications.queries import ApplicationView, application_views
from app.applications.reminders import batched
from app.audit import EventOf
from app.clock import now, today
from app.core.codes.applications import Verdict
from app.core.codes.mail import MailCode
from app.db import write_transaction
from app.mail.outbox_batch import enqueue_many
from app.tables.applications import Application

CHUNK = 500  # applications per read and per transaction

AWAITING_ANSWER = f"""
SELECT a.id FROM application a
JOIN decision d ON d.id = a.current_decision
JOIN decision_type dt ON dt.id = d.decision_type
JOIN programme p ON p.id = a.programme
JOIN commission cm ON cm.id = p.commission
JOIN centre ce ON ce.id = cm.centre
JOIN campaign ca ON ca.id = ce.campaign
WHERE d.validated = {{}} AND dt.verdict = '{Verdict.FAVOURABLE.value}'
  AND a.answer IS NULL AND a.cancelled_at IS NULL AND ca.archived_at IS NULL
  {{extra}}
ORDER BY a.id
"""


async def awaiting_answer_ids(*, unreminded: bool = False) -> list[int]:
    """Live, unanswered applications of a live campaign whose current decision is a
    validated FA (with ``unreminded``: not reminded yet), in id order."""
    extra = "AND a.answer_reminder_sent_at IS NULL" if unreminded else ""
    rows = await Application.raw(AWAITING_ANSWER.replace("{extra}", extra), True)
    return [row["id"] for row in rows]


async def awaiting_answer(ids: Iterable[int]) -> list[ApplicationView]:
    """The views of ``ids`` that still await an answer by the pages' own rule."""
    return [
        view
        for view in await application_views(ids)
        if view.campaign_archived_at is None
        and answer_refusal(view, enforce_deadline=False) is None
    ]


async def _remind(due: list[ApplicationView]) -> tuple[int, list[int]]:
    """One chunk, in one transaction: (how many were reminded, their mail ids)."""
    async with write_transaction():
        views, mail_ids = await claim_unanswered(
            due,
            {Application.answer_reminder_sent_at: now()},
            still=Application.answer_reminder_sent_at.is_null(),
            action=AuditAction.ANSWER_REMINDER_SENT,
            event=lambda view: EventOf(entity_id=view.id, application_id=view.id),
            mails=lambda view: [
                candidate_mail(
                    view, MailCode.ANSWER_REMINDER, deadline=day(view.confirmation_deadline)
                )
            ],
        )
    return len(views), mail_ids


async def remind_unanswered_decisions(*, redis: Redis | None = None) -> int:
    """Job: ANSWER_REMINDER, once, to each candidate whose favourable decision is still
    unanswered from ANSWER_REMINDER_DAYS before the deadline; returns how many.

    Per chunk of due applications, in one transaction: compare-and-set
    ``answer_reminder_sent_at = now WHERE it IS NULL AND answer IS NULL`` (the rows that
    changed meanwhile are left out), one ``answer_reminder_sent`` audit event and one
    mail each; the mails are enqueued after that commit when ``redis`` is given.
    """
    reminded = 0
    day_today = today()
    for ids in batched(await awaiting_answer_ids(unreminded=True), CHUNK):
        due = [
            view
            for view in await awaiting_answer(ids)
            if not view.answer_reminder_sent_at
            and reminder_due(today=day_today, deadline=view.confirmation_deadline)
        ]
        if not due:
            continue
        count, mail_ids = await _remind(due)
        reminded += count
        if redis is not None:
            await enqueue_many(redis, mail_ids)
    return reminded
