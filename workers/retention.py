"""Retention jobs: thin wrappers over app.ops.retention (daily, portal time)."""

from __future__ import annotations

import structlog

from app.ops.retention import purge_expired_campaigns, warn_before_purge

log = structlog.get_logger(__name__)


async def warn_retention(ctx: dict) -> int:
    """RETENTION_WARNING to the candidates of a campaign whose purge is near, once
    (cron, daily at 03:00)."""
    warned = await warn_before_purge(redis=ctx["redis"])
    log.info("retention_warnings_sent", count=warned)
    return warned


async def purge_retention(ctx: dict) -> int:
    """Purge the candidate data of campaigns past their retention period, keeping
    anonymous counts (cron, daily at 03:30)."""
    purged = await purge_expired_campaigns()
    log.info("retention_accounts_purged", count=purged)
    return purged
