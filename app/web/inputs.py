"""What a request may carry before any handler sees it: ids the database can hold and
text without control characters.

Every id column is a PostgreSQL ``integer`` (Piccolo ``Serial`` and foreign keys):
1 to 2**31 - 1. A larger path id made PostgreSQL refuse the query (a 500), as did an id
of 2**63 or more on SQLite, and a NUL byte in any text sent to PostgreSQL. Rather than
each handler checking, one app-level guard checks every routed request:

- an ``{x:int}`` path parameter outside that range, or a text path parameter with a
  control character, is a page that does not exist: 404;
- a query-string value with a control character is a bad request: 400.

Form fields are checked where they are read (:func:`app.web.forms.read_form`), so the
page can show the field's message with what was typed.
"""

from __future__ import annotations

import re

from litestar.connection import ASGIConnection
from litestar.exceptions import NotFoundException, ValidationException
from litestar.handlers import BaseRouteHandler

from app.web.i18n import gettext as _

MIN_ID = 1
MAX_ID = 2**31 - 1  # PostgreSQL integer

# C0 controls except TAB, LF and CR; DEL; C1 controls.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
LINE_BREAKS = re.compile(r"[\r\n]")


def is_database_id(value: int) -> bool:
    return MIN_ID <= value <= MAX_ID


def has_control_characters(value: str, *, multiline: bool = False) -> bool:
    """Whether ``value`` holds a character no one types; CR and LF count unless the
    text may span lines."""
    return bool(CONTROL_CHARACTERS.search(value) or (not multiline and LINE_BREAKS.search(value)))


def without_control_characters(value: str, *, multiline: bool = False) -> str:
    value = CONTROL_CHARACTERS.sub("", value)
    return value if multiline else LINE_BREAKS.sub("", value)


def clean_request_input(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
    """App-level guard: refuse out-of-range ids and control characters (see module)."""
    for value in connection.path_params.values():
        if isinstance(value, bool):
            continue
        if isinstance(value, int) and not is_database_id(value):
            raise NotFoundException
        if isinstance(value, str) and has_control_characters(value):
            raise NotFoundException
    for name, value in connection.query_params.multi_items():
        if has_control_characters(name) or has_control_characters(value):
            raise ValidationException(
                detail=_("L'adresse de la page contient des caractères non autorisés.")
            )
