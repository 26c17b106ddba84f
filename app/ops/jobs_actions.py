"""The jobs dashboard's actions: retry a failed job, run a cron job now, resend the
failed mails. Each is audited with the staff member as actor (no web here).

The state changed is arq's (Redis), not the database's: the job is enqueued first, and
the audit event is written only when arq took it, so the trail never tells of a job
that was not queued.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from arq.cron import CronJob
from redis.asyncio import Redis

from app.applications.lifecycle_base import require_staff
from app.audit import record_event
from app.core.actor import Actor
from app.core.codes.mail import MailStatus
from app.db import write_transaction
from app.mail.outbox import as_arq
from app.messages.resend import ResendRefused, enqueue_resent, resend_mail
from app.ops.jobs_state import failed_job, summarize
from app.tables.mail import OutboxMail

JOB_RETRIED = "job_retried"
CRON_RUN_NOW = "cron_run_now"
JOB_ID_MAX = 200  # longer ids are not arq's (ours are short): refused before Redis


@dataclass(frozen=True)
class Enqueued:
    function: str
    job_id: str


class NothingToDo(Exception):
    """The job is gone (its result expired), did not fail, or arq refused the id."""


async def _audit(actor: Actor, action: str, data: dict) -> None:
    async with write_transaction():
        await record_event(
            actor_kind=actor.kind,
            actor_id=actor.id,
            action=action,
            entity="job",
            entity_id=0,
            data=data,
        )


async def retry_job(redis: Redis, *, job_id: str, actor: Actor) -> Enqueued:
    """Enqueue a failed job's function again with the same arguments, under a new id
    (arq keeps the old id's result: it would take the new job for a duplicate)."""
    require_staff(actor)
    if not job_id or len(job_id) > JOB_ID_MAX:
        raise NothingToDo
    failed = await failed_job(redis, job_id)
    if failed is None:
        raise NothingToDo
    new_id = f"retry:{uuid.uuid4().hex}"
    job = await as_arq(redis).enqueue_job(
        failed.function, *failed.args, _job_id=new_id, **failed.kwargs
    )
    if job is None:
        raise NothingToDo
    await _audit(
        actor,
        JOB_RETRIED,
        {
            "job_id": job_id,
            "new_job_id": new_id,
            "function": failed.function,
            "arguments": summarize(failed.args, failed.kwargs),
        },
    )
    return Enqueued(failed.function, new_id)


async def run_cron_now(redis: Redis, *, cron_job: CronJob, actor: Actor) -> Enqueued:
    """Enqueue a cron job's coroutine now (workers know it by its cron name)."""
    require_staff(actor)
    new_id = f"now:{cron_job.name}:{uuid.uuid4().hex}"
    job = await as_arq(redis).enqueue_job(cron_job.name, _job_id=new_id)
    if job is None:
        raise NothingToDo
    await _audit(actor, CRON_RUN_NOW, {"function": cron_job.name, "new_job_id": new_id})
    return Enqueued(cron_job.name, new_id)


async def resend_one(redis: Redis, *, mail_id: int, actor: Actor) -> bool:
    """``app.messages.resend``'s rule and audit; False when refused (gone, on its way)."""
    try:
        resent = await resend_mail(mail_id=mail_id, actor=actor)
    except ResendRefused:
        return False
    await enqueue_resent(redis, resent)
    return True


async def resend_all_failed(redis: Redis, *, actor: Actor, limit: int = 500) -> int:
    """Every failed mail (``limit`` at a time), each through ``resend_one``."""
    rows = (
        await OutboxMail.select(OutboxMail.id)
        .where(OutboxMail.status == MailStatus.FAILED.value)
        .order_by(OutboxMail.id)
        .limit(limit)
    )
    count = 0
    for row in rows:
        count += await resend_one(redis, mail_id=row["id"], actor=actor)
    return count
