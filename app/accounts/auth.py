"""Who is signed in: the candidate's account id lives in the server-side session."""

from __future__ import annotations

from urllib.parse import quote

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.exceptions import HTTPException
from litestar.handlers.base import BaseRouteHandler
from litestar.response import Redirect
from litestar.status_codes import HTTP_401_UNAUTHORIZED

from app.clock import now
from app.web.sessions import (
    ROTATE_SESSION_ID,
    SESSION_OWNER_KEY,
    current_session_id,
    session_store,
    sessions_available,
)

ACCOUNT_KEY = SESSION_OWNER_KEY  # sessions are listed per account (see end_sessions)
VIA_CAS_KEY = "via_cas"
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


def signed_in_via_cas(connection: ASGIConnection) -> bool:
    session = connection.scope.get("session")
    return isinstance(session, dict) and session.get(VIA_CAS_KEY) is True


async def candidate_required(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    """Guard for every candidate page (``async``: Litestar would run a plain function
    guard in a worker thread)."""
    if current_account_id(connection) is None:
        raise SignInRequired(detail=connection.url.path)


def sign_in_url(next_path: str) -> str:
    return f"{SIGN_IN_PATH}?suivant={quote(next_path, safe='/')}"


def redirect_to_sign_in(request: Request, exc: SignInRequired) -> Redirect:
    """Exception handler (registered by ``app.asgi``): to the sign-in page, then back."""
    return Redirect(sign_in_url(request.url.path), status_code=303)


def signed_in(request: Request) -> bool:
    """Template global (registered by ``app.asgi``): the header offers sign-out or sign-in."""
    return current_account_id(request) is not None


async def can_start_session(request: Request) -> bool:
    """Whether a sign-in would be remembered: with the session store down, the
    browser would come back anonymous, so the page must say so instead."""
    return await sessions_available(request)


def sign_in(request: Request, account_id: int, *, via_cas: bool = False) -> None:
    """Start a fresh session (new id) for this account."""
    session = {ACCOUNT_KEY: account_id, "signed_in_at": now().isoformat(), ROTATE_SESSION_ID: True}
    if via_cas:
        session[VIA_CAS_KEY] = True  # sign-out then offers to end the university session
    request.set_session(session)


def sign_out(request: Request) -> None:
    request.clear_session()


async def end_sessions(request: Request, account_id: int, *, keep_current: bool) -> None:
    """End the account's sessions in every browser (after a password reset or an email
    change). ``keep_current``: this browser's session stays when it is the account's;
    otherwise a session of the account in this browser ends too."""
    mine = current_account_id(request) == account_id
    keep = current_session_id(request) if mine else None
    await session_store(request).end_sessions(str(account_id), keep=keep if keep_current else None)
    if mine and not keep_current:
        sign_out(request)
