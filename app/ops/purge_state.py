"""The retention purges as the jobs dashboard reports them: one audit event per purged
campaign (``app.ops.retention``), with its anonymous counts (no web here)."""

from __future__ import annotations

import json

from app.ops.retention import PURGE_ACTION
from app.tables.catalog import Campaign
from app.tables.ops import AuditEvent

PURGES_LISTED = 10


async def recent_purges() -> list[dict]:
    """The last purges, newest first: when, which campaign, and how many accounts,
    applications, files and mails left."""
    events = (
        await AuditEvent.select(AuditEvent.created_at, AuditEvent.entity_id, AuditEvent.data)
        .where(AuditEvent.action == PURGE_ACTION)
        .order_by(AuditEvent.id, ascending=False)
        .limit(PURGES_LISTED)
    )
    ids = {event["entity_id"] for event in events}
    labels = {
        row["id"]: row["label_fr"]
        for row in await Campaign.select(Campaign.id, Campaign.label_fr).where(
            Campaign.id.is_in(list(ids) or [0])
        )
    }
    purges = []
    for event in events:
        data = event["data"]
        counts = json.loads(data) if isinstance(data, str) else data  # text on SQLite
        purges.append(
            {
                "at": event["created_at"],
                "campaign": labels.get(event["entity_id"], str(event["entity_id"])),
                **{
                    key: int(counts.get(key, 0))
                    for key in ("accounts", "applications", "files", "mails")
                },
            }
        )
    return purges
