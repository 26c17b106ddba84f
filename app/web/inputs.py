"""What a request may carry before any handler sees it: ids the database can hold and
text without control characters.

Every id column is a PostgreSQL ``integer`` (Piccolo ``Serial`` and foreign keys):
1 to 2**31 - 1. A larger path id made PostgreSQL refuse the query (a 500), as did an id
of 2**63 or more on SQLite, and a NUL byte in any text sent to PostgreSQL. Rather than
each handler checking, one app-level middleware checks every routed request:

- an ``{x:int}`` path parameter outside that range, or a text path parameter with a
  control character, is a page that does not exist: 404;
- a query-string value with a control character is a bad request: 400.

Form fields are checked where they are read (:func:`app.web.forms.read_form`), so the
page can show the field's message with what was typed. The rules themselves live in
``app.input_rules`` (no HTTP), shared with the admin's forms; they are re-exported here.
"""

from __future__ import annotations

from litestar.connection import ASGIConnection
from litestar.exceptions import NotFoundException, ValidationException
from litestar.types import ASGIApp, Receive, Scope, Send

from app.core.i18n import gettext as _
from app.input_rules import (
    CONTROL_CHARACTERS as CONTROL_CHARACTERS,
)
from app.input_rules import LINE_BREAKS as LINE_BREAKS
from app.input_rules import MAX_ID as MAX_ID
from app.input_rules import MIN_ID as MIN_ID
from app.input_rules import has_control_characters as has_control_characters
from app.input_rules import is_database_id as is_database_id
from app.input_rules import without_control_characters as without_control_characters


def clean_request_input(app: ASGIApp) -> ASGIApp:
    """App-level middleware, the innermost (the session is loaded, so the error page
    shows the signed-in header): refuse out-of-range ids and control characters (see
    module). A middleware rather than a guard: Litestar copies the route handler for
    each guard it runs, on every request (issue 13)."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            check_request_input(ASGIConnection(scope))
        await app(scope, receive, send)

    return middleware


def check_request_input(connection: ASGIConnection) -> None:
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
