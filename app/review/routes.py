"""The review desk at ``/staff/``: one router with its own session cookie."""

from __future__ import annotations

from litestar import Request, Router, get
from litestar.response import Template

from app.review.auth import (
    STAFF_COOKIE,
    STAFF_PATH,
    StaffSignInRequired,
    staff_of,
    staff_required,
    to_staff_sign_in,
)
from app.review.routes_application import application_routes
from app.review.routes_auth import staff_auth_routes
from app.web.sessions import RotatingSessionConfig


@get("/", name="staff_home", guards=[staff_required])
async def home(request: Request) -> Template:
    return Template("review/home.html", context={"staff": staff_of(request)})


def review_router(*, secure: bool) -> Router:
    session = RotatingSessionConfig(
        key=STAFF_COOKIE, path=STAFF_PATH, secure=secure, samesite="lax", max_age=10 * 3600
    )
    return Router(
        path=STAFF_PATH,
        route_handlers=[*staff_auth_routes, home, *application_routes],
        middleware=[session.middleware],
        exception_handlers={StaffSignInRequired: to_staff_sign_in},
    )
