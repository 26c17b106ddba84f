"""Return-date reminders (issue 11): a mail to each candidate whose application is not
transmitted yet, N days before its return date (the candidate's override, else the
programme's), N per programme (``Programme.return_reminder_first_days`` and
``..._second_days``, default 7 and 2), each reminder once.

Set-based: one INSERT ... SELECT finds the due reminders of every application at once
and records them in ``return_reminder``, whose unique key (application, return date,
days before) makes a second run, or a second worker running at the same moment, insert
nothing (ON CONFLICT DO NOTHING); only the rows this run inserted get a mail.

Which reminder is due: with ``left`` days to go (0 = the return date itself), the
smallest N with ``left <= N``. A run missed on the day still sends it later, and the
first reminder is not sent once the second one is due: one mail per run at most.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date

from redis.asyncio import Redis

from app.applications.lifecycle_base import AuditAction
from app.applications.lifecycle_mail import candidate_mail
from app.applications.queries import application_views
from app.audit import EventOf, record_events
from app.clock import now, today
from app.core.codes.applications import TRANSMITTABLE_DOSSIER, ActorKind
from app.core.codes.mail import MailCode
from app.db import on_postgres, write_transaction
from app.mail.outbox_batch import enqueue_many, queue_mails
from app.tables.applications import Application

CHUNK = 500  # ids per IN (...) list: under every driver's parameter limit

DEADLINE = "COALESCE(a.return_date_override, p.return_date)"

# Rows numbered in application order (ORDER BY): the order the plan reads the
# applications in changes with the indexes there are.
_INSERT_DUE = """
WITH due AS (
  SELECT a.id AS application, {deadline} AS return_date,
    CASE WHEN {left} <= p.return_reminder_second_days THEN p.return_reminder_second_days
         WHEN {left} <= p.return_reminder_first_days THEN p.return_reminder_first_days
    END AS days_before
  FROM application a
  JOIN programme p ON p.id = a.programme
  JOIN commission cm ON cm.id = p.commission
  JOIN centre ce ON ce.id = cm.centre
  JOIN campaign ca ON ca.id = ce.campaign
  WHERE a.status IN ({statuses}) AND a.cancelled_at IS NULL AND ca.archived_at IS NULL
    AND {left} >= 0
)
INSERT INTO return_reminder (application, return_date, days_before, sent_at)
SELECT application, return_date, days_before, {{}} FROM due WHERE days_before IS NOT NULL
ORDER BY application
ON CONFLICT (application, return_date, days_before) DO NOTHING
RETURNING application, return_date, days_before
"""


def _insert_due_sql() -> str:
    """The statement for this engine: only the day count differs (a date difference is
    an integer on PostgreSQL; SQLite stores dates as ISO text)."""
    if on_postgres():
        left = f"({DEADLINE} - {{}}::date)"
    else:
        left = f"CAST(julianday({DEADLINE}) - julianday({{}}) AS INTEGER)"
    statuses = ", ".join(f"'{status.value}'" for status in sorted(TRANSMITTABLE_DOSSIER))
    # Every {left} is a bound parameter: today, repeated.
    return _INSERT_DUE.format(deadline=DEADLINE, left=left, statuses=statuses)


async def send_return_reminders(*, redis: Redis | None = None) -> int:
    """Job: the due return-date reminders, each once; returns how many were sent.

    In one transaction: insert the due ``return_reminder`` rows (ON CONFLICT DO
    NOTHING, RETURNING the new ones), stamp ``Application.return_reminder_sent_at``,
    one audit event ``return_reminder_sent`` per application, one RETURN_REMINDER mail
    each (queued); after commit, the mails are enqueued when ``redis`` is given.
    """
    day_today, moment = today(), now()
    sql = _insert_due_sql()
    # Placeholders in order: CASE (2), WHERE (1), then sent_at.
    async with write_transaction():
        inserted = await Application.raw(sql, day_today, day_today, day_today, moment)
        if not inserted:
            return 0
        due = {row["application"]: row for row in inserted}
        for ids in batched(sorted(due), CHUNK):
            await Application.update({Application.return_reminder_sent_at: moment}).where(
                Application.id.is_in(ids)
            )
        await record_events(
            actor_kind=ActorKind.SYSTEM,
            action=AuditAction.RETURN_REMINDER_SENT.value,
            entity="application",
            events=(
                EventOf(
                    entity_id=application_id,
                    application_id=application_id,
                    data={
                        "days_before": row["days_before"],
                        "return_date": _iso(row["return_date"]),
                    },
                )
                for application_id, row in due.items()
            ),
        )
        mail_ids = []
        for ids in batched(sorted(due), CHUNK):
            mail_ids += await queue_mails(
                candidate_mail(
                    view,
                    MailCode.RETURN_REMINDER,
                    days_left=(view.return_deadline - day_today).days,
                )
                for view in await application_views(ids)
            )
    if redis is not None:
        await enqueue_many(redis, mail_ids)
    return len(due)


def batched(ids: Iterable[int], size: int) -> Iterator[list[int]]:
    """itertools.batched is Python 3.12; the portal runs on 3.11."""
    chunk: list[int] = []
    for value in ids:
        chunk.append(value)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _iso(value: date | str) -> str:
    return value if isinstance(value, str) else value.isoformat()
