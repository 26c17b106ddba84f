"""Application jobs: thin wrappers over app.applications.lifecycle.

Both are arq cron jobs. arq evaluates cron times in the worker's local time zone (the
system's, unless ``WorkerSettings.timezone`` is set): run the worker with
``TZ=Europe/Paris`` so that 23:15 and 23:30 are Paris times, as in eCandidat. The jobs
do not depend on that hour for their result: they compare deadlines with
``app.clock.today()`` (Paris), and each change is idempotent, so a run at another hour,
a second run or a missed day only moves when the mails leave.
"""

from __future__ import annotations

import structlog

from app.applications.lifecycle import auto_withdraw_expired, remind_unanswered_decisions
from app.applications.reminders import send_return_reminders

log = structlog.get_logger(__name__)


async def auto_withdraw(ctx: dict) -> int:
    """Withdraw unanswered favourable decisions past their deadline and promote from the
    waiting lists (cron, daily at 23:15)."""
    withdrawn = await auto_withdraw_expired(redis=ctx["redis"])
    log.info("applications_auto_withdrawn", count=withdrawn)
    return withdrawn


async def remind_unanswered(ctx: dict) -> int:
    """ANSWER_REMINDER two days before the confirmation deadline, once per application
    (cron, daily at 23:30)."""
    reminded = await remind_unanswered_decisions(redis=ctx["redis"])
    log.info("answer_reminders_sent", count=reminded)
    return reminded


async def remind_return(ctx: dict) -> int:
    """RETURN_REMINDER to candidates whose application is not transmitted, N days before
    the return date, each reminder once (cron, daily at 23:45)."""
    reminded = await send_return_reminders(redis=ctx["redis"])
    log.info("return_reminders_sent", count=reminded)
    return reminded
