"""The audit trail of the queue's exports: who took which rows and which columns.

An export copies personal data out of the portal, so each one is recorded before its
first byte is sent (an interrupted download was still a data access), like a
programme's dossiers (``app.review.dossier_zip``).
"""

from __future__ import annotations

import structlog

from app.audit import record_event
from app.core.codes.applications import ActorKind
from app.db import write_transaction
from app.review.identity import StaffMember
from app.review.queue_filter import QueueFilter

log = structlog.get_logger(__name__)

QUEUE_EXPORT_ACTION = "queue_exported"


async def record_queue_export(
    member: StaffMember,
    queue: QueueFilter,
    columns: list[str],
    *,
    file_format: str,
    campaign_id: int,
) -> None:
    """One audit event: the filter as its URL parameters, the columns, the format."""
    data = {"format": file_format, "columns": columns, "filter": queue.params(page=1)}
    async with write_transaction():
        await record_event(
            actor_kind=ActorKind.STAFF,
            actor_id=member.user_id,
            action=QUEUE_EXPORT_ACTION,
            entity="campaign",
            entity_id=campaign_id,
            data=data,
        )
    log.info("queue_exported", user_id=member.user_id, campaign_id=campaign_id, **data)
