"""Who is signed in: the candidate's account id lives in the server-side session."""

from __future__ import annotations

from urllib.parse import quote

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.exceptions import HTTPException
from litestar.handlers.base import BaseRouteHandler
from litestar.status_codes import HTTP_401_UNAUTHORIZED

from app.clock import now
from app.web.sessions import ROTATE_SESSION_ID

ACCOUNT_KEY = "account_id"
SIGN_IN_PATH = "/connexion"


class SignInRequired(HTTPException):
    """Raised by the guard; the error handler turns it into a redirect to the sign-in page."""

    status_code = HTTP_401_UNAUTHORIZED


def current_account_id(connection: ASGIConnection) -> int | None:
    session = connection.scope.get("session")
    if not isinstance(session, dict):
        return None
    value = session.get(ACCOUNT_KEY)
    return value if isinstance(value, int) else None


def candidate_required(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    """Guard for every candidate page."""
    if current_account_id(connection) is None:
        raise SignInRequired(detail=connection.url.path)


def sign_in_url(next_path: str) -> str:
    return f"{SIGN_IN_PATH}?suivant={quote(next_path, safe='/')}"


def sign_in(request: Request, account_id: int) -> None:
    """Start a fresh session (new id) for this account."""
    request.set_session(
        {ACCOUNT_KEY: account_id, "signed_in_at": now().isoformat(), ROTATE_SESSION_ID: True}
    )


def sign_out(request: Request) -> None:
    request.clear_session()
