"""The audit trail: one call per state change, inside that change's transaction."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from app.bulk_insert import insert_rows
from app.clock import now
from app.core.codes.applications import ActorKind
from app.tables.ops import AuditEvent


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


EVENT_COLUMNS = (
    "created_at",
    "actor_kind",
    "actor_id",
    "action",
    "entity",
    "entity_id",
    "application_id",
    "visible_to_candidate",
    "data",
)


async def record_events(
    *, actor_kind: ActorKind, action: str, entity: str, events: Iterable[EventOf]
) -> int:
    """Many events of one kind at once (the daily jobs), set-based
    (:func:`app.bulk_insert.insert_rows`). Returns how many."""
    moment = now()
    rows = [
        (moment, actor_kind.value, None, action, entity, event.entity_id, event.application_id,
         event.visible, event.data)
        for event in events
    ]  # fmt: skip
    await insert_rows(AuditEvent, EVENT_COLUMNS, rows, returning=False)
    return len(rows)


@dataclass(frozen=True)
class EventOf:
    """One event of :func:`record_events`: the entity it is about and its data."""

    entity_id: int
    application_id: int | None = None
    visible: bool = False
    data: dict[str, Any] = field(default_factory=dict)
