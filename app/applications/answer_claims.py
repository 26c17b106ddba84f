"""What the set-based answer jobs share: claim a chunk of unanswered applications with
one compare-and-set statement, then record and mail the ones that changed.

``answer_reminders`` and ``auto_withdraw`` each keep their own rule, values and mails;
the claim is the same: ``UPDATE application SET … WHERE id IN (chunk) AND answer IS NULL
AND cancelled_at IS NULL [AND still] RETURNING id`` (a candidate's answer or a
cancellation committed meanwhile leaves the row out), one audit event per row that
changed, their mails in the outbox, all inside the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from piccolo.columns.combination import CombinableMixin

from app.applications.lifecycle_base import AuditAction
from app.applications.queries import ApplicationView
from app.audit import EventOf, record_events
from app.core.codes.applications import ActorKind
from app.mail.outbox_batch import MailToQueue, queue_mails
from app.tables.applications import Application


async def claim_unanswered(
    chunk: list[ApplicationView],
    values: dict,
    *,
    still: CombinableMixin | None = None,
    action: AuditAction,
    event: Callable[[ApplicationView], EventOf],
    mails: Callable[[ApplicationView], Iterable[MailToQueue]],
) -> tuple[list[ApplicationView], list[int]]:
    """(the views whose row this statement changed, their mail ids); ``still`` is the
    job's own extra condition."""
    where = (
        Application.id.is_in([view.id for view in chunk])
        & Application.answer.is_null()
        & Application.cancelled_at.is_null()
    )
    won = await (
        Application.update(values)
        .where(where if still is None else where & still)
        .returning(Application.id)
    )
    changed = {row["id"] for row in won}
    views = [view for view in chunk if view.id in changed]
    await record_events(
        actor_kind=ActorKind.SYSTEM,
        action=action.value,
        entity="application",
        events=(event(view) for view in views),
    )
    mail_ids = await queue_mails(mail for view in views for mail in mails(view))
    return views, mail_ids
