"""Many outbox mails at once, for the daily jobs: the same rows :func:`queue_mail` writes,
with each template read once per batch and the rows inserted a chunk at a time.

A job that mails 50,000 candidates would otherwise run 100,000 queries (a template
lookup and an INSERT per mail); here it runs a few per code and language, plus one
INSERT per chunk of rows (``app.bulk_insert``). Rendering stays per mail, in the sandbox, and a mail
that fails to render is written ``failed`` exactly as :func:`queue_mail` does.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import structlog
from redis.asyncio import Redis

from app.bulk_insert import insert_rows
from app.clock import now
from app.core.codes.mail import MailCode, MailStatus
from app.mail.outbox import (
    REDIS_DOWN,
    SEND_MAIL_JOB,
    SUBJECT_LENGTH,
    as_arq,
    find_template,
    mail_job_ids,
    render_error,
    render_mail,
)
from app.mail.sender import MAX_ATTEMPTS
from app.settings import get_settings
from app.tables.mail import MailTemplate, OutboxMail

log = structlog.get_logger(__name__)

LOOKUP = 500  # mail ids per job-id lookup: one IN (...) list, under every driver's limit


@dataclass(frozen=True)
class MailToQueue:
    """What :func:`queue_mail` takes, as one value."""

    to: str
    code: MailCode
    context: dict[str, Any]
    language: str = "fr"
    account_id: int | None = None
    application_id: int | None = None


MAIL_COLUMNS = (
    "to_address",
    "template_code",
    "account",
    "application",
    "subject",
    "html",
    "text",
    "status",
    "attempts",
    "last_error",
    "created_at",
)


def _row(template: MailTemplate, mail: MailToQueue, base_url: str, moment: datetime) -> tuple:
    """The outbox row, in MAIL_COLUMNS order."""
    if "@" not in mail.to or any(c in mail.to for c in "\r\n,;"):
        raise ValueError(f"not a single mail address: {mail.to!r}")
    common = (mail.to, mail.code.value, mail.account_id, mail.application_id)
    try:
        rendered = render_mail(template, {"base_url": base_url, **mail.context})
    except Exception as exc:  # as queue_mail: any render error marks the row failed
        error = render_error(template, exc)
        log.error(
            "mail_render_failed", code=mail.code.value, language=template.language, error=error
        )
        subject = " ".join(template.subject.split())[:SUBJECT_LENGTH]
        return (*common, subject, "", "", MailStatus.FAILED.value, MAX_ATTEMPTS, error, moment)
    return (
        *common,
        rendered.subject,
        rendered.html,
        rendered.text,
        MailStatus.QUEUED.value,
        0,
        "",
        moment,
    )


async def queue_mails(mails: Iterable[MailToQueue]) -> list[int]:
    """Write every mail to the outbox (inside the caller's transaction); their ids, in
    order. Call :func:`app.mail.outbox.enqueue_mails` with them after the commit."""
    base_url, moment = get_settings().base_url, now()
    templates: dict[tuple[MailCode, str], MailTemplate] = {}
    rows = []
    for mail in mails:
        key = (mail.code, mail.language)
        if key not in templates:
            templates[key] = await find_template(mail.code, mail.language)
        rows.append(_row(templates[key], mail, base_url, moment))
    return await insert_rows(OutboxMail, MAIL_COLUMNS, rows, returning=True)


async def enqueue_many(redis_pool: Redis, mail_ids: list[int], *, in_flight: int = 32) -> int:
    """After commit, for a job's many mails: as :func:`enqueue_mails` (one ``send_mail``
    job per mail, deterministic job id, Redis down only logged), with the job ids read
    LOOKUP ids at a time and up to ``in_flight`` enqueues overlapping. arq spends three
    round trips per job (WATCH, EXISTS, MULTI/EXEC): one after the other, 25,000
    reminders waited on Redis for most of the job's time."""
    pool = as_arq(redis_pool)
    slots = asyncio.Semaphore(in_flight)

    async def enqueue(mail_id: int, job_id: str) -> bool:
        async with slots:
            return await pool.enqueue_job(SEND_MAIL_JOB, mail_id, _job_id=job_id) is not None

    created = 0
    for start in range(0, len(mail_ids), LOOKUP):
        job_ids = await mail_job_ids(mail_ids[start : start + LOOKUP])
        results = await asyncio.gather(
            *(enqueue(mail_id, job_id) for mail_id, job_id in job_ids.items()),
            return_exceptions=True,
        )
        failed = [r for r in results if isinstance(r, BaseException)]
        created += sum(r is True for r in results)
        if failed:
            if not all(isinstance(error, REDIS_DOWN) for error in failed):
                raise next(e for e in failed if not isinstance(e, REDIS_DOWN))
            # The mails stay queued: the recovery job enqueues them later.
            log.warning("mail_enqueue_failed", error=str(failed[0]), mails=len(failed))
            break
    return created
