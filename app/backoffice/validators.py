"""Write rules of the admin API (DESIGN.md §6).

piccolo-admin writes rows raw. Status and decision columns must only change through the
lifecycle functions (check, compare-and-set, audit, mail), so the admin refuses:

- any write to tables the application alone fills (outbox, audit trail, tokens...);
- adding or deleting lifecycle rows (applications, pieces, decisions), and changing any
  of their columns but the few that staff may correct by hand.

Refusals answer 405 with a French ``detail``: the admin UI shows the ``detail`` of a 405
as it is, whereas it prints any other refusal as raw JSON.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

import pydantic
from piccolo.columns import Column
from piccolo_api.crud.endpoints import PiccoloCRUD
from piccolo_api.crud.validators import ValidatorFunction, Validators
from starlette.exceptions import HTTPException
from starlette.requests import Request

from app.backoffice.admin_headings import heading

REFUSED = 405


def refusal(message: str, *, allow: str) -> HTTPException:
    return HTTPException(status_code=REFUSED, detail=message, headers={"Allow": allow})


def read_only(reason: str) -> Validators:
    """No add, edit or delete in the admin. ``reason`` completes "…, car": it says where
    the rows come from."""
    message = f"Table en lecture seule dans l'administration, car {reason}"

    async def refuse_write(piccolo_crud: PiccoloCRUD, request: Request) -> None:
        raise refusal(message, allow="GET")

    return _on_writes(refuse_write)


def fixed_rows(*, editable: Iterable[Column], reason: str) -> Validators:
    """Rows the admin may neither add nor delete, and of which only ``editable`` columns
    change: lifecycle rows (created and moved between states by the lifecycle functions)
    and rows defined by the code.

    The admin's edit form sends every field back, so a column counts as changed only
    when its value differs from the stored row.
    """
    editable_names = frozenset(column._meta.name for column in editable)
    allow = "GET, PATCH, PUT" if editable_names else "GET"

    async def refuse_add_or_delete(piccolo_crud: PiccoloCRUD, request: Request) -> None:
        action = "Création" if request.method == "POST" else "Suppression"
        raise refusal(f"{action} refusée dans l'administration, car {reason}", allow=allow)

    async def refuse_locked_changes(piccolo_crud: PiccoloCRUD, request: Request) -> None:
        changed = await changed_columns(piccolo_crud, request)
        refused = [column for column in changed if column._meta.name not in editable_names]
        if refused:
            labels = ", ".join(f"« {form_label(column)} »" for column in refused)
            verb = "ne se modifie pas" if len(refused) == 1 else "ne se modifient pas"
            raise refusal(
                f"Modification refusée : {labels} {verb} dans l'administration, car {reason}",
                allow=allow,
            )

    return Validators(
        post_single=[refuse_add_or_delete],
        delete_single=[refuse_add_or_delete],
        delete_all=[refuse_add_or_delete],
        patch_single=[refuse_locked_changes],
        put_single=[refuse_locked_changes],
    )


VALIDATED_ACTIONS = (
    "every",
    "get_single",
    "put_single",
    "patch_single",
    "delete_single",
    "post_single",
    "get_all",
    "delete_all",
    "get_references",
    "get_ids",
    "get_new",
    "get_schema",
    "get_count",
)


def combined(*rules: Validators) -> Validators:
    """One ``Validators`` running the validators of each of ``rules``, in order."""
    return Validators(
        **{
            action: [v for rule in rules for v in getattr(rule, action)]
            for action in VALIDATED_ACTIONS
        }
    )


def _on_writes(validator: ValidatorFunction) -> Validators:
    return Validators(
        post_single=[validator],
        put_single=[validator],
        patch_single=[validator],
        delete_single=[validator],
        delete_all=[validator],
    )


async def changed_columns(piccolo_crud: PiccoloCRUD, request: Request) -> list[Column]:
    """Columns of the PATCH/PUT body whose value differs from the stored row.

    The body is coerced by the same pydantic model piccolo-api uses for the write, so
    ``"true"`` and ``True``, or two spellings of one instant, compare equal. A body that
    fails that model is let through: piccolo-api refuses it with its own message.
    """
    table = piccolo_crud.table
    primary_key = table._meta.primary_key
    data: dict[str, Any] = await request.json()
    columns = {
        column._meta.name: column
        for column in table._meta.columns
        if column._meta.name in data and column is not primary_key
    }
    if not columns:
        return []
    cleaned = {
        key: None if isinstance(value, str) and value.lower() == "null" else value
        for key, value in data.items()
    }
    try:
        proposed = piccolo_crud.pydantic_model_optional(**cleaned)
        row_id = primary_key.value_type(request.path_params["row_id"])
    except (pydantic.ValidationError, ValueError, KeyError):
        return []
    stored = await table.select(*columns.values()).where(primary_key == row_id).first().run()
    if stored is None:
        return []
    return [
        column
        for name, column in columns.items()
        if not _same_value(stored[name], getattr(proposed, name))
    ]


def form_label(column: Column) -> str:
    """The label the admin form shows for ``column``: its French heading
    (``app.backoffice.admin_headings``), else pydantic's title of the field."""
    name = column._meta.name
    return heading(column._meta.table._meta.tablename, name) or name.replace("_", " ").title()


def _same_value(stored: Any, proposed: Any) -> bool:
    if isinstance(stored, datetime.datetime) and isinstance(proposed, datetime.datetime):
        return _to_the_second(stored) == _to_the_second(proposed)
    return stored == proposed


def _to_the_second(moment: datetime.datetime) -> datetime.datetime:
    """The admin's date-time widgets work to the second (``2026-05-02T10:00:00.000Z``):
    an unchanged field comes back without the stored microseconds."""
    if moment.tzinfo is None:  # taken as UTC, as piccolo stores it
        moment = moment.replace(tzinfo=datetime.UTC)
    return moment.astimezone(datetime.UTC).replace(microsecond=0)
