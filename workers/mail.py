"""Mail jobs: send one outbox mail; recover mails whose job or worker was lost."""

from __future__ import annotations

from datetime import timedelta

import structlog
from arq import Retry

from app.mail.outbox import enqueue_mails, unsent_mail_ids
from app.mail.sender import MAX_ATTEMPTS, DeliveryFailed, deliver, reap_stuck_sending

log = structlog.get_logger(__name__)

# Delay before the next try, indexed by the attempts already made (1 → 10 s...).
RETRY_DELAYS_SECONDS = (10, 60, 300, 1800)
# Far longer than one SMTP exchange (10 s timeout): only a dead worker leaves a row
# "sending" that long.
STUCK_AFTER = timedelta(minutes=15)


def retry_delay(attempts: int) -> int:
    return RETRY_DELAYS_SECONDS[min(attempts, len(RETRY_DELAYS_SECONDS)) - 1]


async def send_mail(ctx: dict, mail_id: int) -> str:
    """Deliver one mail; on failure retry later with backoff, up to MAX_ATTEMPTS."""
    try:
        # ctx["smtp"]: the worker's open connections (workers.settings.startup); a job
        # run on its own (tests, the admin's resend) opens one for its mail.
        # ctx["outbox_writes"]: the claims and marks of its concurrent jobs coalesced.
        result = await deliver(
            mail_id,
            settings=ctx.get("settings"),
            connections=ctx.get("smtp"),
            writes=ctx.get("outbox_writes"),
        )
    except DeliveryFailed as exc:
        if exc.attempts >= MAX_ATTEMPTS:
            log.error("mail_gave_up", mail_id=mail_id, attempts=exc.attempts, error=exc.error)
            raise
        delay = retry_delay(exc.attempts)
        log.warning(
            "mail_failed", mail_id=mail_id, attempts=exc.attempts, error=exc.error, retry_in=delay
        )
        raise Retry(defer=delay) from exc
    log.info("mail_delivery", mail_id=mail_id, result=str(result))
    return str(result)


async def recover_mails(ctx: dict) -> dict[str, int]:
    """Rows stuck in "sending" become "failed"; every unsent mail with tries left gets
    its job back (a no-op for those whose job still exists)."""
    reaped = await reap_stuck_sending(STUCK_AFTER)
    enqueued = await enqueue_mails(ctx["redis"], await unsent_mail_ids(max_attempts=MAX_ATTEMPTS))
    if reaped or enqueued:
        log.warning("mails_recovered", reaped=reaped, enqueued=enqueued)
    return {"reaped": reaped, "enqueued": enqueued}
