"""``arq workers.settings.WorkerSettings`` runs the worker; add ``--check`` for its health.

The health key is written on start and every HEALTH_CHECK_SECONDS, and deleted on a
clean stop, so ``--check`` answers 0 only while a worker is alive.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from arq import cron
from arq.connections import RedisSettings
from piccolo.engine import engine_finder
from piccolo.engine.postgres import PostgresEngine

from app.logs import configure_logging
from app.mail.coalesce import DeliveryWrites
from app.mail.sender import MAX_ATTEMPTS
from app.mail.smtp_pool import SmtpConnections
from app.ops.heartbeat import heartbeat
from app.ops.job_metrics import recorded
from app.settings import get_settings
from workers.accounts import purge_accounts
from workers.applications import auto_withdraw, remind_return, remind_unanswered
from workers.cron_runs import tracked
from workers.data_export import build_data_export, discard_exports
from workers.mail import recover_mails, send_mail
from workers.retention import purge_retention, warn_retention

HEALTH_CHECK_SECONDS = 10
RECOVER_MINUTES = {0, 10, 20, 30, 40, 50}


async def startup(ctx: dict) -> None:
    """Configure logs like the portal's (no locals, secrets redacted); keep SMTP
    connections open between mails; coalesce the mail jobs' claims and marks; open the
    PostgreSQL pool unless someone in this process already did (tests)."""
    ctx.setdefault("settings", get_settings())
    configure_logging(json=ctx["settings"].is_prod)
    ctx["smtp"] = SmtpConnections(ctx["settings"])
    ctx["outbox_writes"] = DeliveryWrites(max_attempts=MAX_ATTEMPTS)
    engine = engine_finder()
    ctx["owns_db_pool"] = isinstance(engine, PostgresEngine) and engine.pool is None
    if ctx["owns_db_pool"]:
        size = ctx["settings"].database_pool_size
        await engine.start_connection_pool(min_size=min(2, size), max_size=size)


async def shutdown(ctx: dict) -> None:
    if "smtp" in ctx:
        await ctx["smtp"].close()
    if ctx.get("owns_db_pool"):
        await engine_finder().close_connection_pool()


class WorkerSettings:
    # recorded: each job's outcome and duration counted in Redis for /metrics
    # (app/ops/job_metrics.py).
    functions = [recorded(send_mail), recorded(build_data_export)]
    # tracked: each run is remembered for the jobs dashboard (workers/cron_runs.py)
    cron_jobs = tracked(
        [
            cron(recorded(heartbeat), second=0, run_at_startup=True),
            cron(recorded(recover_mails), minute=RECOVER_MINUTES, second=0),
            # hourly: an account is destroyed within the hour after its date
            cron(recorded(purge_accounts), minute=5, second=0),
            # hourly: a "Mes données" archive leaves the disk within the hour after expiry
            cron(recorded(discard_exports), minute=35, second=0),
            # daily, in the worker's local time (run it with TZ=Europe/Paris): see
            # workers/applications.py
            cron(recorded(auto_withdraw), hour=23, minute=15, second=0),
            cron(recorded(remind_unanswered), hour=23, minute=30, second=0),
            cron(recorded(remind_return), hour=23, minute=45, second=0),
            # at night, when nobody edits: warn, then purge, the archived campaigns' data
            cron(recorded(warn_retention), hour=3, minute=0, second=0),
            cron(recorded(purge_retention), hour=3, minute=30, second=0),
        ]
    )
    redis_settings = RedisSettings.from_dsn(get_settings().redis_url)
    # cron hours are the portal's (23:15 is Paris time), whatever the server's zone
    timezone = ZoneInfo(get_settings().timezone)
    on_startup = startup
    on_shutdown = shutdown
    max_tries = MAX_ATTEMPTS
    # arq fills its max_jobs slots, then sleeps poll_delay before looking at the queue
    # again: with its defaults (10 jobs, 0.5 s) a worker sends at most 20 mails a
    # second, however fast each is. A mail job mostly waits (commits, SMTP replies):
    # 50 slots every 0.05 s (docs/benchmarks.md, mail throughput). The slots share at
    # most 10 SMTP connections (app/mail/smtp_pool.py) and the DATABASE_POOL_SIZE
    # database connections. SQLite (dev) takes one writer at a time: there, arq's default.
    max_jobs = 10 if get_settings().is_sqlite else 50
    poll_delay = 0.05
    health_check_interval = HEALTH_CHECK_SECONDS
    # Short: a kept result blocks re-enqueueing its job id, and recover_mails must be able
    # to hand a reaped mail (stuck for STUCK_AFTER, 15 min) a new job. Mails keep their
    # own history in the outbox.
    keep_result = 300
    job_timeout = 120
