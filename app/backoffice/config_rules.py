"""The offer's configuration rules (``app.catalog.rules``) as admin validators.

The admin's edit form sends every field back, and a PATCH may send only some: the rules
judge the row as it would be after the write (the stored row, overwritten by the body).
A refusal answers 405 with a French detail naming the field as the form labels it (see
``app.backoffice.validators``), before anything is written.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pydantic
from piccolo.columns import OnDelete
from piccolo_api.crud.endpoints import PiccoloCRUD
from piccolo_api.crud.validators import Validators
from starlette.requests import Request

from app.backoffice.validators import form_label, refusal
from app.catalog.rules import (
    Violation,
    active_campaign_violation,
    archived_campaign_violation,
    campaign_violations,
    programme_violations,
    verdict_violation,
)

Rule = Callable[[dict[str, Any], dict[str, Any] | None, int | None], Awaitable[list[Violation]]]


async def proposed_row(
    piccolo_crud: PiccoloCRUD, request: Request
) -> tuple[dict[str, Any], dict[str, Any] | None, int | None] | None:
    """``(row after the write, stored row or None, row id or None)`` of a POST, PUT or
    PATCH; None when the body fails piccolo-api's own model, which then refuses it with
    its message."""
    table = piccolo_crud.table
    primary_key = table._meta.primary_key
    data = await request.json()
    if not isinstance(data, dict):
        return None
    names = {column._meta.name for column in table._meta.columns}
    cleaned = {
        key: None if isinstance(value, str) and value.lower() == "null" else value
        for key, value in data.items()
    }
    try:
        if request.method == "POST":
            model = piccolo_crud.pydantic_model(**cleaned)
            return model.model_dump(), None, None
        model = piccolo_crud.pydantic_model_optional(**cleaned)
        row_id = primary_key.value_type(request.path_params["row_id"])
    except (pydantic.ValidationError, ValueError, KeyError, TypeError):
        return None
    stored = await table.select().where(primary_key == row_id).first()
    if stored is None:
        return None
    proposed = {name: getattr(model, name) for name in data if name in names}
    return {**stored, **proposed}, stored, row_id


def rules_validators(rule: Rule) -> Validators:
    """Validators running ``rule`` on creates and edits; its first violation refuses."""

    async def check(piccolo_crud: PiccoloCRUD, request: Request) -> None:
        proposed = await proposed_row(piccolo_crud, request)
        if proposed is None:
            return
        violations = await rule(*proposed)
        if violations:
            first = violations[0]
            action = "Création" if request.method == "POST" else "Modification"
            label = form_label(piccolo_crud.table._meta.get_column_by_name(first.field))
            raise refusal(
                f"{action} refusée, champ « {label} » : {first.message}",
                allow="GET, POST, PATCH, PUT, DELETE",
            )

    return Validators(post_single=[check], put_single=[check], patch_single=[check])


async def _campaign(row: dict, stored: dict | None, row_id: int | None) -> list[Violation]:
    active = await active_campaign_violation(row, campaign_id=row_id)
    return [*campaign_violations(row), *([active] if active else [])]


async def _programme(row: dict, stored: dict | None, row_id: int | None) -> list[Violation]:
    return programme_violations(row)


async def _decision_type(row: dict, stored: dict | None, row_id: int | None) -> list[Violation]:
    if stored is None or row_id is None:
        return []
    violation = await verdict_violation(
        row_id, stored_verdict=stored["verdict"], new_verdict=row["verdict"]
    )
    return [violation] if violation else []


async def refuse_archived(piccolo_crud: PiccoloCRUD, request: Request) -> None:
    """Creates, edits and deletes of an archived campaign's configuration are refused
    (issue 11: an archived campaign is read-only everywhere)."""
    table = piccolo_crud.table
    row_id, values = None, None
    if request.method != "POST":
        try:
            row_id = table._meta.primary_key.value_type(request.path_params["row_id"])
        except (KeyError, TypeError, ValueError):
            return  # piccolo-api answers for a missing or malformed id
    if request.method != "DELETE":
        proposed = await proposed_row(piccolo_crud, request)
        if proposed is None:
            return
        values = proposed[0]
    violation = await archived_campaign_violation(table, row_id=row_id, values=values)
    if violation is None:
        return
    action = {"POST": "Création", "DELETE": "Suppression"}.get(request.method, "Modification")
    label = form_label(table._meta.get_column_by_name(violation.field))
    raise refusal(
        f"{action} refusée, champ « {label} » : {violation.message}",
        allow="GET, POST, PATCH, PUT, DELETE",
    )


def archived_rules() -> Validators:
    return Validators(
        post_single=[refuse_archived],
        put_single=[refuse_archived],
        patch_single=[refuse_archived],
        delete_single=[refuse_archived],
    )


def campaign_rules() -> Validators:
    """A campaign's own rules; ``admin_catalogue.offer_table`` adds the archived guard."""
    return rules_validators(_campaign)


def programme_rules() -> Validators:
    """A programme's own rules; ``admin_catalogue.offer_table`` adds the archived guard."""
    return rules_validators(_programme)


def decision_type_rules() -> Validators:
    return rules_validators(_decision_type)


async def refuse_delete_in_use(piccolo_crud: PiccoloCRUD, request: Request) -> None:
    """A row other rows still point to with ``on_delete=restrict`` (a campaign's
    centres, a piece asked by programmes or given in applications...) is not deleted:
    the database would refuse it with a raw foreign-key error."""
    table = piccolo_crud.table
    try:
        row_id = table._meta.primary_key.value_type(request.path_params["row_id"])
    except (KeyError, TypeError, ValueError):
        return  # piccolo-api answers for a missing or malformed id
    for reference in table._meta.foreign_key_references:
        if reference._foreign_key_meta.on_delete is not OnDelete.restrict:
            continue
        child = reference._meta.table
        count = await child.count().where(reference == row_id)
        if count:
            rows = "une ligne" if count == 1 else f"{count} lignes"
            verb = "y renvoie" if count == 1 else "y renvoient"
            name = child._meta.tablename.replace("_", " ").title()
            raise refusal(
                f"Suppression refusée : {rows} de « {name} » (champ « "
                f"{form_label(reference)} ») {verb} encore ; modifiez-les ou supprimez-les "
                "d'abord.",
                allow="GET, POST, PATCH, PUT",
            )
