"""The review desk's own session: a cookie of its own, scoped to ``/staff``.

A staff member and a candidate can be signed in on one browser at once without either
session seeing the other; signing out of one leaves the other alone.
"""

from __future__ import annotations

from urllib.parse import quote

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.exceptions import HTTPException, NotFoundException
from litestar.handlers.base import BaseRouteHandler
from litestar.response import Redirect
from litestar.status_codes import HTTP_401_UNAUTHORIZED

from app.clock import now
from app.review.identity import StaffMember, load_staff_member
from app.review.scope import application_in_scope
from app.web.sessions import ROTATE_SESSION_ID

STAFF_COOKIE = "ecesure_staff"
STAFF_PATH = "/staff"
STAFF_KEY = "staff_user_id"
SIGN_IN_PATH = "/staff/connexion"


class StaffSignInRequired(HTTPException):
    status_code = HTTP_401_UNAUTHORIZED


def staff_user_id(connection: ASGIConnection) -> int | None:
    session = connection.scope.get("session")
    value = session.get(STAFF_KEY) if isinstance(session, dict) else None
    return value if isinstance(value, int) else None


async def staff_required(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    """Guard of every desk page: loads the member into ``connection.state.staff``."""
    user_id = staff_user_id(connection)
    member = await load_staff_member(user_id) if user_id is not None else None
    if member is None:
        if user_id is not None:
            connection.clear_session()  # the user was deactivated or lost its profile
        raise StaffSignInRequired(detail=connection.url.path)
    connection.state.staff = member


def staff_of(request: Request) -> StaffMember:
    return request.state.staff


async def scoped_application(request: Request, application_id: int) -> dict:
    """The application when it is in the member's scope; 404 otherwise (never 403:
    another centre's applications do not exist for this member)."""
    scoped = await application_in_scope(staff_of(request), application_id)
    if scoped is None:
        raise NotFoundException()
    return scoped


def sign_in_staff(request: Request, user_id: int) -> None:
    request.set_session(
        {STAFF_KEY: user_id, "signed_in_at": now().isoformat(), ROTATE_SESSION_ID: True}
    )


def to_staff_sign_in(request: Request, _: Exception) -> Redirect:
    """Back to the same page, filters included, after signing in."""
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return Redirect(f"{SIGN_IN_PATH}?suivant={quote(target, safe='/')}", status_code=303)
