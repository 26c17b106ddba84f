"""The review desk at ``/staff/``: one router with its own session cookie."""

from __future__ import annotations

from litestar import Request, Router, get

from app.review.application_responses import ActionForbidden, forbidden
from app.review.auth import (
    STAFF_COOKIE,
    STAFF_PATH,
    StaffSignInRequired,
    staff_required,
    to_staff_sign_in,
)
from app.review.home_page import home_context
from app.review.routes_activation import activation_routes
from app.review.routes_application import application_routes
from app.review.routes_auth import staff_auth_routes
from app.review.routes_bulk import bulk_handlers
from app.review.routes_dossiers import dossier_zip_routes
from app.review.routes_duplicates import duplicate_routes
from app.review.routes_exports import export_routes
from app.review.routes_jobs import jobs_handlers
from app.review.routes_letters import letter_routes
from app.review.routes_mail_templates import mail_template_handlers
from app.review.routes_queue import queue_handlers
from app.web.sessions import RotatingSessionConfig
from app.web.templating import Template


@get("/", name="staff_home", guards=[staff_required])
async def home(request: Request) -> Template:
    return Template("review/home.html", context=await home_context(request))


def review_router(*, secure: bool) -> Router:
    session = RotatingSessionConfig(
        key=STAFF_COOKIE, path=STAFF_PATH, secure=secure, samesite="lax", max_age=10 * 3600
    )
    return Router(
        path=STAFF_PATH,
        route_handlers=[
            *staff_auth_routes,
            *activation_routes,
            home,
            *queue_handlers,
            *bulk_handlers,
            *export_routes,
            *dossier_zip_routes,
            *letter_routes,
            *application_routes,
            *duplicate_routes,
            *mail_template_handlers,
            *jobs_handlers,
        ],
        middleware=[session.middleware],
        exception_handlers={StaffSignInRequired: to_staff_sign_in, ActionForbidden: forbidden},
    )
