"""The audit trail: one call per state change, inside that change's transaction."""

from __future__ import annotations

from typing import Any

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
