"""Secret columns stay out of every admin read (issue 8, defect 3).

Columns marked ``secret=True`` (password and token hashes, mail bodies carrying
single-use links) are dropped by piccolo-api from the rows it returns, and its filter
model leaves them out. Its query parameters still name columns freely, though: sorting
by a hash (``__order=password_hash``) or asking for it through a join
(``__visible_fields=account.password_hash``) is answered, and each answer tells
something about the secret. This validator refuses any parameter that names a secret
column, of the table or of one reached through its foreign keys, before the query runs.
"""

from __future__ import annotations

from piccolo.columns import Column
from piccolo.table import Table
from piccolo_api.crud.endpoints import PiccoloCRUD
from piccolo_api.crud.validators import Validators
from starlette.exceptions import HTTPException
from starlette.requests import Request

REFUSED = 400
# Parameters whose value is a list of column names; piccolo-api's other "__" parameters
# (page, readable, range header) name none.
COLUMN_LIST_PARAMETERS = ("__order", "__visible_fields")
FILTER_SUFFIXES = ("__operator", "__match")


def named_columns(key: str, value: str) -> list[str]:
    """The column names one query parameter refers to, as piccolo-api reads it."""
    if key in COLUMN_LIST_PARAMETERS:
        return [name.strip().lstrip("-") for name in value.split(",") if name.strip()]
    if key.startswith("__"):
        return []
    for suffix in FILTER_SUFFIXES:
        key = key.removesuffix(suffix)
    return [key]


def _column(table: type[Table], name: str) -> Column | None:
    try:
        return table._meta.get_column_by_name(name)
    except (ValueError, AttributeError):
        return None  # unknown names are piccolo-api's to refuse


def secret_names(table: type[Table], request: Request) -> list[str]:
    """The secret columns the request's query parameters name, in order."""
    found: list[str] = []
    for key, value in request.query_params.multi_items():
        for name in named_columns(key, value):
            column = _column(table, name)
            if column is not None and column._meta.secret and name not in found:
                found.append(name)
    return found


async def refuse_secret_columns(piccolo_crud: PiccoloCRUD, request: Request) -> None:
    names = secret_names(piccolo_crud.table, request)
    if names:
        labels = ", ".join(f"« {name} »" for name in names)
        raise HTTPException(
            status_code=REFUSED,
            detail=f"Requête refusée : {labels} est une donnée secrète, jamais lue, triée "
            "ni filtrée dans l'administration.",
        )


def guard_secrets(validators: Validators | None) -> Validators:
    """``validators`` (or none) plus :func:`refuse_secret_columns` on every endpoint."""
    validators = validators or Validators()
    # A new list: Validators' default ``every`` is one list shared by all instances.
    validators.every = [*validators.every, refuse_secret_columns]
    return validators
