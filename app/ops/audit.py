"""The audit trail: one call per state change, inside that change's transaction."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from app.applications.codes import ActorKind
from app.ops.tables import AuditEvent


async def record_event(
    *,
    actor_kind: ActorKind,
    actor_id: int | None,
    action: str,
    entity: str,
    entity_id: int,
    application_id: int | None = None,
    visible_to_candidate: bool = False,
    data: dict[str, Any] | None = None,
) -> int:
    event = AuditEvent(
        actor_kind=actor_kind.value,
        actor_id=actor_id,
        action=action,
        entity=entity,
        entity_id=entity_id,
        application_id=application_id,
        visible_to_candidate=visible_to_candidate,
        data=data or {},
    )
    await event.save()
    return event.id


async def record_events(events: Iterable[AuditEvent], *, chunk: int = 500) -> int:
    """Many events at once (the daily jobs): multi-row INSERTs of ``chunk`` rows, which
    keeps each under SQLite's limit of bound parameters. Returns how many."""
    written = 0
    batch: list[AuditEvent] = []
    for event in events:
        batch.append(event)
        if len(batch) >= chunk:
            await AuditEvent.insert(*batch)
            written += len(batch)
            batch = []
    if batch:
        await AuditEvent.insert(*batch)
        written += len(batch)
    return written
