"""Every write of the admin to a table is audited, in the write's own transaction
(issue 10, item 4): who (the piccolo user), when, and the changed columns before →
after, as lifecycle changes are.

Why not piccolo-api's hooks alone: they run *before* the write, outside any
transaction (piccolo-api opens none), a create's hook sees no id yet, and PUT runs
none. So two pieces work together:

- :func:`audited_writes` wraps the admin app: a write to ``/api/tables/...`` runs
  inside one database transaction, and its response is held back until the
  transaction ends. On a 2xx answer it records the event, then commits; on any other
  answer (a validator's refusal, a database error) it rolls back. piccolo's
  transactions follow the task's context, so piccolo-api's own queries join it.
- :func:`audit_validator`, which ``table()`` gives every table, runs after the write
  rules passed: it notes the table, the actor and the row before the write.

Secret columns (password and token hashes) never enter the data; a change to one is
recorded by its name only.
"""

from __future__ import annotations

import datetime
import decimal
import enum
import json
import uuid
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from piccolo.columns import Column
from piccolo.table import Table
from piccolo_api.crud.endpoints import PiccoloCRUD
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.audit import record_event
from app.backoffice.validators import refusal
from app.catalog.offer_cache import OFFER_TABLES, catalogue_changed
from app.core.codes.applications import ActorKind
from app.db import write_transaction
from app.tables.applications import Application

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
TABLES_PATH = "/api/tables/"  # inside the /admin mount, whose prefix is cut off
ACTIONS = {"POST": "config.create", "DELETE": "config.delete"}  # else config.update


@dataclass
class AdminWrite:
    """What :func:`audit_validator` learns of the write under way."""

    table: type[Table] | None = None
    row_id: int | None = None
    actor_id: int | None = None
    method: str = ""
    before: dict[str, Any] = field(default_factory=dict)
    secrets_sent: list[str] = field(default_factory=list)


_current: ContextVar[AdminWrite | None] = ContextVar("admin_write", default=None)


class _Undo(Exception):
    """Leaves the transaction by rolling it back."""


def _visible_columns(table: type[Table]) -> list[Column]:
    return [column for column in table._meta.columns if not column._meta.secret]


async def _snapshot(table: type[Table], row_id: int) -> dict[str, Any]:
    row = await (
        table.select(*_visible_columns(table)).where(table._meta.primary_key == row_id).first()
    )
    return {key: _jsonable(value) for key, value in (row or {}).items()}


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    return value


async def audit_validator(piccolo_crud: PiccoloCRUD, request: Request) -> None:
    """The last validator of every write: the rules passed, note what the event needs."""
    write = _current.get()
    if write is None:
        # Fail closed: a write outside :func:`audited_writes` would leave no trace.
        raise refusal(
            "Écriture refusée : l'administration n'enregistre ici aucune modification "
            "sans la tracer.",
            allow="GET",
        )
    table = piccolo_crud.table
    user = getattr(request.user, "user", None)
    write.table = table
    write.actor_id = getattr(user, "id", None)
    write.method = request.method
    if request.method in ("POST", "PUT", "PATCH"):
        body = await request.json()
        if isinstance(body, dict):
            write.secrets_sent = [
                column._meta.name
                for column in table._meta.columns
                if column._meta.secret and body.get(column._meta.name)
            ]
    raw_id = request.path_params.get("row_id")
    if raw_id is not None:
        try:
            write.row_id = table._meta.primary_key.value_type(raw_id)
        except (TypeError, ValueError):
            return  # piccolo-api refuses the id itself
        write.before = await _snapshot(table, write.row_id)


def _created_id(body: bytes) -> int | None:
    """The new row's id in piccolo-api's answer to a create: ``[{"id": 7}]``, or
    ``{"id": 7}`` for a user."""
    try:
        answer = json.loads(body)
    except ValueError:
        return None
    if isinstance(answer, list) and answer:
        answer = answer[0]
    return answer.get("id") if isinstance(answer, dict) else None


async def _record(write: AdminWrite, body: bytes) -> None:
    assert write.table is not None
    row_id = write.row_id
    if write.method == "POST":
        row_id = _created_id(body)
    if row_id is None:
        return
    after = {} if write.method == "DELETE" else await _snapshot(write.table, row_id)
    before = write.before
    changed = [name for name in {**before, **after} if before.get(name) != after.get(name)]
    if not changed and not write.secrets_sent:
        return  # the form was saved unchanged: nothing happened
    data: dict[str, Any] = {
        "before": {name: before[name] for name in changed if name in before},
        "after": {name: after[name] for name in changed if name in after},
    }
    if write.secrets_sent:
        data["secret_columns"] = write.secrets_sent  # names only, never values
    await record_event(
        actor_kind=ActorKind.STAFF,
        actor_id=write.actor_id,
        action=ACTIONS.get(write.method, "config.update"),
        entity=write.table._meta.tablename,
        entity_id=row_id,
        application_id=row_id if write.table is Application else None,
        data=data,
    )


def audited_writes(admin_app: ASGIApp) -> ASGIApp:
    """Run each admin write to a table in one transaction with its audit event."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] not in WRITE_METHODS
            or not scope["path"].startswith(TABLES_PATH)
        ):
            await admin_app(scope, receive, send)
            return
        held: list[Message] = []

        async def hold(message: Message) -> None:
            held.append(message)

        write = AdminWrite()
        token = _current.set(write)
        try:
            async with write_transaction():
                await admin_app(scope, receive, hold)
                if not 200 <= _status(held) < 300:
                    raise _Undo
                if write.table is None:
                    # Every table is configured through ``table()``, which audits it.
                    raise RuntimeError(f"admin write without audit: {scope['path']}")
                await _record(write, _body(held))
        except _Undo:
            pass
        except BaseException:
            # Rolled back: a success held back must not reach the client (the server
            # answers 500 instead); an error response already made is passed on.
            if not 200 <= _status(held) < 300:
                await _send_all(send, held)
            raise
        finally:
            _current.reset(token)
        if 200 <= _status(held) < 300:
            await offer_edited(scope, write.table)
        await _send_all(send, held)

    return app


async def offer_edited(scope: Scope, table: type[Table] | None) -> None:
    """After a committed edit of the catalogue: every web process reloads its offer."""
    if table is not None and table._meta.tablename in OFFER_TABLES:
        await catalogue_changed(scope["litestar_app"].state.redis)


def _status(held: list[Message]) -> int:
    return next((m["status"] for m in held if m["type"] == "http.response.start"), 500)


def _body(held: list[Message]) -> bytes:
    return b"".join(m.get("body", b"") for m in held if m["type"] == "http.response.body")


async def _send_all(send: Send, held: list[Message]) -> None:
    for message in held:
        await send(message)
