"""Who does a change: a candidate (account id), staff (piccolo user id) or the system."""

from __future__ import annotations

from dataclasses import dataclass

from app.core.codes.applications import ActorKind


@dataclass(frozen=True)
class Actor:
    kind: ActorKind
    id: int | None
    """Account id for a candidate, piccolo user id for staff, None for the system."""

    @classmethod
    def candidate(cls, account_id: int) -> Actor:
        return cls(ActorKind.CANDIDATE, account_id)

    @classmethod
    def staff(cls, user_id: int | None) -> Actor:
        return cls(ActorKind.STAFF, user_id)

    @classmethod
    def system(cls) -> Actor:
        return cls(ActorKind.SYSTEM, None)
