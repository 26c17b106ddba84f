"""The outbox as the jobs dashboard shows it: counts by state and mail type over the
last 24 hours, and the failed mails with their error (no web here)."""

from __future__ import annotations

from datetime import datetime, timedelta

from piccolo.query.functions.aggregate import Count

from app.core.codes.mail import MailStatus
from app.tables.mail import OutboxMail

RECENT = timedelta(hours=24)
STATES = (
    MailStatus.QUEUED.value,
    MailStatus.SENDING.value,
    MailStatus.SENT.value,
    MailStatus.FAILED.value,
)
FAILED_LISTED = 100


async def outbox_counts(now: datetime) -> dict[str, dict[str, int]]:
    """``{template_code: {state: count}}`` for the mails created in the last 24 h;
    every state is present (0 when none)."""
    rows = (
        await OutboxMail.select(OutboxMail.template_code, OutboxMail.status, Count(alias="n"))
        .where(OutboxMail.created_at >= now - RECENT)
        .group_by(OutboxMail.template_code, OutboxMail.status)
    )
    counts: dict[str, dict[str, int]] = {}
    for row in rows:
        if row["status"] in STATES:
            per_type = counts.setdefault(row["template_code"], dict.fromkeys(STATES, 0))
            per_type[row["status"]] = int(row["n"])
    return dict(sorted(counts.items()))


async def failed_mails() -> tuple[list[dict], int]:
    """The failed mails, newest first (no address, no body: the dashboard names the
    mail by its id, type and application), and how many there are."""
    failed = OutboxMail.status == MailStatus.FAILED.value
    rows = (
        await OutboxMail.select(
            OutboxMail.id,
            OutboxMail.template_code,
            OutboxMail.application,
            OutboxMail.attempts,
            OutboxMail.last_error,
            OutboxMail.created_at,
        )
        .where(failed)
        .order_by(OutboxMail.id, ascending=False)
        .limit(FAILED_LISTED)
    )
    return rows, await OutboxMail.count().where(failed)
