"""A job every minute, so "the worker runs its schedule" can be seen from outside."""

from __future__ import annotations

import structlog

from app.clock import now

log = structlog.get_logger(__name__)

HEARTBEAT_KEY = "ecesure:worker:heartbeat"


async def heartbeat(ctx: dict) -> str:
    """Log, and store the time in Redis for the ops page (no expiry: it shows the age)."""
    stamp = now().isoformat()
    await ctx["redis"].set(HEARTBEAT_KEY, stamp)
    log.info("worker heartbeat", at=stamp)
    return stamp
