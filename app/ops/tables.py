"""Cross-cutting records: the audit trail and run-time settings."""

from __future__ import annotations

from piccolo.columns import JSON, Boolean, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from app.applications.codes import ActorKind
from app.db import one_of


class AuditEvent(Table):
    """One row per state change, written in the transaction of the change.

    Plain ids, not foreign keys: the trail outlives the rows it talks about.
    """

    created_at = Timestamptz(default=TimestamptzNow(), index=True)
    actor_kind = Varchar(length=10, choices=ActorKind)
    actor_id = Integer(null=True, default=None)
    action = Varchar(length=60, index=True)
    entity = Varchar(length=40)
    entity_id = Integer(index=True)
    application_id = Integer(null=True, default=None, index=True)
    visible_to_candidate = Boolean(default=False)
    data = JSON(default="{}")

    actor_kind_check = one_of("actor_kind", ActorKind)


class AppSetting(Table):
    """Settings staff may change at run time (typed, with a documented default)."""

    key = Varchar(length=100, unique=True)
    value = Text(default="")
    value_type = Varchar(length=10, default="string")
    description = Text(default="")
    updated_at = Timestamptz(default=TimestamptzNow())

    value_type_check = one_of("value_type", ["string", "integer", "boolean", "date"])
