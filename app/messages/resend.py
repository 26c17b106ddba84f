"""Staff send an outbox mail again (the candidate lost it, or its tries ran out).

The row itself goes back to ``queued``, tries reset: its Message-ID is derived from the
row (``app.mail.sender.message_id``), so the mail sent again is recognisably the
same message, and the outbox keeps one row per mail. A row still on its way (queued,
sending) is left alone, and so is one that has nothing to send (its template failed to
render: fix the template, the change that caused the mail writes a new one).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from redis.asyncio import Redis

from app.applications.lifecycle_base import require_staff
from app.audit import record_event
from app.core.actor import Actor
from app.core.codes.mail import MailStatus
from app.db import write_transaction
from app.mail.outbox import REDIS_DOWN, SEND_MAIL_JOB, as_arq, log, mail_job_id
from app.refused import Refused
from app.tables.mail import OutboxMail

MAIL_RESENT = "mail_resent"
RESENDABLE = (MailStatus.SENT.value, MailStatus.FAILED.value)


class ResendRefusal(StrEnum):
    NOT_FOUND = "not_found"
    ON_ITS_WAY = "on_its_way"  # queued or sending: the worker has it
    NOTHING_TO_SEND = "nothing_to_send"  # its template failed to render


class ResendRefused(Refused[ResendRefusal]):
    """The mail cannot be sent again; ``status`` is the one it was found in."""

    def __init__(self, reason: ResendRefusal, status: str = "") -> None:
        super().__init__(reason)
        self.status = status


# What a resend reads of the row: to check it (status, a body) and for :func:`requeue`.
RESEND_COLUMNS = (
    OutboxMail.status,
    OutboxMail.to_address,
    OutboxMail.subject,
    OutboxMail.template_code,
    OutboxMail.application,
    OutboxMail.html,
    OutboxMail.text,
    OutboxMail.created_at,
)


@dataclass(frozen=True)
class Resent:
    mail_id: int
    to_address: str
    subject: str
    before: str
    event_id: int
    created_at: datetime  # with the id, names the row for good (sender.row_key)


async def resend_mail(*, mail_id: int, actor: Actor) -> Resent:
    """Put a sent or failed mail back in the queue.

    Check: staff actor, the row exists, it is sent or failed, it has a body. Write:
    compare-and-set ``status -> queued, attempts 0, no error WHERE status is the one
    read``. Audit: ``mail_resent`` (before status, address, template). The caller then
    calls :func:`enqueue_resent` after commit.
    """
    require_staff(actor)
    async with write_transaction():
        row = await OutboxMail.select(*RESEND_COLUMNS).where(OutboxMail.id == mail_id).first()
        if row is None:
            raise ResendRefused(ResendRefusal.NOT_FOUND)
        before = row["status"]
        if before not in RESENDABLE:
            raise ResendRefused(ResendRefusal.ON_ITS_WAY, before)
        if not (row["html"] or row["text"]):
            raise ResendRefused(ResendRefusal.NOTHING_TO_SEND, before)
        resent = await requeue(row, mail_id=mail_id, actor=actor, address=row["to_address"])
    if resent is None:  # the worker moved it meanwhile
        raise ResendRefused(ResendRefusal.ON_ITS_WAY, before)
    return resent


async def requeue(row: dict, *, mail_id: int, actor: Actor, address: str) -> Resent | None:
    """Inside the caller's transaction, once its checks passed: the row back to
    ``queued`` for ``address`` (compare-and-set on the status read in ``row``), and the
    ``mail_resent`` event. None when the worker moved the row meanwhile."""
    before = row["status"]
    won = (
        await OutboxMail.update(
            {
                OutboxMail.status: MailStatus.QUEUED.value,
                OutboxMail.attempts: 0,
                OutboxMail.last_error: "",
                OutboxMail.sending_since: None,
                OutboxMail.sent_at: None,
                OutboxMail.to_address: address,
            }
        )
        .where((OutboxMail.id == mail_id) & (OutboxMail.status == before))
        .returning(OutboxMail.id)
    )
    if not won:
        return None
    data = {"before": before, "after": MailStatus.QUEUED.value, "to": address}
    if address != row["to_address"]:
        data["previous_to"] = row["to_address"]
    event_id = await record_event(
        actor_kind=actor.kind,
        actor_id=actor.id,
        action=MAIL_RESENT,
        entity="outbox_mail",
        entity_id=mail_id,
        application_id=row["application"],
        data={**data, "template": row["template_code"]},
    )
    return Resent(mail_id, address, row["subject"], before, event_id, row["created_at"])


def resend_job_id(resent: Resent) -> str:
    """A job id of its own: the first sending's job (``mail:<row key>``) may still be
    kept by arq as a result, and arq would then take the new one for a duplicate. The
    row key, not the bare id: audit event ids start again too when the database does."""
    return f"{mail_job_id(resent.mail_id, resent.created_at)}:resend:{resent.event_id}"


async def enqueue_resent(redis_pool: Redis, resent: Resent) -> bool:
    """After commit: the ``send_mail`` job for the row. Redis being down leaves the row
    ``queued``: the worker's recovery job enqueues it later."""
    try:
        job = await as_arq(redis_pool).enqueue_job(
            SEND_MAIL_JOB, resent.mail_id, _job_id=resend_job_id(resent)
        )
    except REDIS_DOWN as exc:
        log.warning("mail_enqueue_failed", error=str(exc))
        return False
    return job is not None
