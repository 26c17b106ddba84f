"""Account jobs: thin wrappers over app.accounts.service."""

from __future__ import annotations

import structlog

from app.accounts.unactivated_purge import purge_unactivated_accounts

log = structlog.get_logger(__name__)


async def purge_accounts(ctx: dict) -> int:
    """Destroy accounts not activated by their date (cron, every hour)."""
    purged = await purge_unactivated_accounts()
    log.info("unactivated_accounts_purged", count=purged)
    return purged
