""" "Mes données" jobs: thin wrappers over app.ops.data_export."""

from __future__ import annotations

import structlog

from app.mail.outbox import enqueue_mails
from app.ops.data_export import build_export, discard_expired_exports

log = structlog.get_logger(__name__)


async def build_data_export(ctx: dict, export_id: int) -> int:
    """Build one candidate's archive and mail them its link (enqueued by the "Mes
    données" page with the job id ``data_export:<id>``); returns the mails queued."""
    mail_ids = await build_export(export_id)
    await enqueue_mails(ctx["redis"], mail_ids)
    log.info("data_export_built", export_id=export_id, mails=len(mail_ids))
    return len(mail_ids)


async def discard_exports(ctx: dict) -> int:
    """Expired archives leave the disk (cron, hourly)."""
    discarded = await discard_expired_exports()
    log.info("data_exports_discarded", count=discarded)
    return discarded
