"""Application factory: ``app.asgi:create_app``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import lru_cache

import structlog
from litestar import Litestar, Response, asgi
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import CacheControlHeader, State
from litestar.exceptions import NotFoundException
from litestar.plugins.htmx import HTMXPlugin, HTMXRequest
from litestar.static_files import create_static_files_router
from litestar.template import TemplateConfig
from litestar.types import Receive, Scope, Send
from piccolo.engine import engine_finder

from app.accounts.auth import SignInRequired, redirect_to_sign_in, signed_in
from app.accounts.routes import account_routes
from app.accounts.sso_routes import sso_routes
from app.application_pages.page_data.summary_page import KeptSummaries
from app.application_pages.routes import application_routes
from app.backoffice.admin import create_admin_app
from app.catalog.offer import new_offer_cache, remember_campaign
from app.catalog.offer_cache import VERSION_KEY
from app.catalog.routes import home
from app.documents.routes import document_routes
from app.dossier.routes import dossier_routes
from app.logs import configure_logging
from app.messages.routes import messages_routes
from app.ops.data_routes import data_routes
from app.ops.health import healthz, readyz
from app.ops.http_metrics import http_metrics_middleware
from app.ops.metrics import metrics
from app.review.routes import review_router
from app.review.routes_jobs import ops_jobs_redirect
from app.settings import Settings, get_settings
from app.web.errors import EXCEPTION_HANDLERS
from app.web.inputs import clean_request_input
from app.web.middleware import language_middleware, security_headers_hook
from app.web.routes import accessibility, set_language
from app.web.server_gc import settle_after_start_up
from app.web.sessions import (
    ResilientRedisStore,
    RotatingSessionConfig,
    read_with_session,
    redis_client,
)
from app.web.templating import STATIC_DIR, LanguageTemplateEngine, page_environments
from workers.settings import WorkerSettings

log = structlog.get_logger(__name__)

CSRF_COOKIE = "ecesure_csrf"  # piccolo-admin owns "csrftoken"
CSRF_HEADER = "X-CSRFToken"
SESSION_COOKIE = "ecesure_session"
# Litestar joins exclusions into one regex searched anywhere in the path: anchor them,
# or "/admin" would also exempt "/dossier/admin-x" from CSRF checks.
ADMIN_PATHS = r"^/admin(/|$)"  # the session middleware's; CSRF is off by the mount's opt
STAFF_PATHS = r"^/staff(/|$)"
STATIC_PATHS = r"^/static(/|$)"


def refuse_insecure_production(settings: Settings) -> None:
    if settings.is_prod and (problems := settings.problems_for_production()):
        raise RuntimeError(
            "ENV=prod refuses to start with insecure defaults:\n- " + "\n- ".join(problems)
        )


@lru_cache(maxsize=4)
def _admin_app(settings: Settings):
    """Building piccolo-admin takes over a second; one per configuration is enough."""
    return create_admin_app(settings)


def _admin_mount(settings: Settings):
    admin_app = _admin_app(settings)

    # Litestar's own CSRF check is off for the admin, which checks its own token: by
    # the handler's opt, not by a path pattern that other paths could match.
    @asgi("/admin", is_mount=True, copy_scope=True, opt={"exclude_from_csrf": True})
    async def admin(scope: Scope, receive: Receive, send: Send) -> None:
        # A mount matches by prefix: "/administration" lands here too. Not the admin's.
        raw_path = scope.get("raw_path", b"")
        if raw_path != b"/admin" and not raw_path.startswith(b"/admin/"):
            raise NotFoundException
        # The admin UI uses relative URLs: "/admin" must become "/admin/" here, since a
        # separate route would be shadowed by the mount.
        if scope["path"] in ("", "/") and not scope.get("raw_path", b"").endswith(b"/"):
            response = Response(content=None, status_code=308, headers={"Location": "/admin/"})
            await response.to_asgi_response(app=None, request=None)(scope, receive, send)  # type: ignore[arg-type]
            return
        await admin_app(scope, receive, send)

    return admin


async def offer_of_request(request) -> None:
    """before_request: the offer and campaign of the page (``remember_campaign``), with
    the catalogue version the session middleware read along with the session."""
    read = read_with_session(request)
    if VERSION_KEY in read:
        await remember_campaign(request, version_read=True, version_value=read[VERSION_KEY])
    else:
        await remember_campaign(request)


@asynccontextmanager
async def database_pool(app: Litestar) -> AsyncIterator[None]:
    """PostgreSQL: one pool per process (SQLite has none). A pool someone else opened
    (a test session, a worker in the same process) is left for them to close."""
    engine = engine_finder()
    owns_pool = getattr(engine, "pool", "n/a") is None
    if owns_pool:
        size = get_settings().database_pool_size
        await engine.start_connection_pool(min_size=min(2, size), max_size=size)
    try:
        yield
    finally:
        if owns_pool:
            await engine.close_connection_pool()
        await app.state.redis.aclose()


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or get_settings()
    refuse_insecure_production(settings)
    configure_logging(json=settings.is_prod)
    redis = redis_client(settings.redis_url)
    environments = page_environments()
    for environment in environments.values():
        environment.globals["signed_in"] = signed_in
    route_handlers = [
        home,
        *account_routes,
        *sso_routes,
        *dossier_routes,
        *application_routes,
        *messages_routes,
        *document_routes,
        *data_routes,
        healthz,
        readyz,
        metrics,
        ops_jobs_redirect,
        set_language,
        accessibility,
        review_router(secure=settings.is_prod),
        _admin_mount(settings),
        create_static_files_router(
            path="/static",
            directories=[STATIC_DIR],
            cache_control=CacheControlHeader(max_age=3600, public=True),
            opt={"skip_session": True},
            include_in_schema=False,
        ),
    ]
    if not settings.is_prod:
        from app.accounts.dev_cas import dev_cas_routes
        from app.mail.dev_routes import dev_mail_routes

        route_handlers.extend([*dev_mail_routes, *dev_cas_routes])
    app = Litestar(
        route_handlers=route_handlers,
        debug=False,
        request_class=HTMXRequest,
        plugins=[HTMXPlugin()],
        template_config=TemplateConfig(
            engine=LanguageTemplateEngine(environments, settings.default_language)
        ),
        csrf_config=CSRFConfig(
            secret=settings.secret_key,
            cookie_name=CSRF_COOKIE,
            header_name=CSRF_HEADER,
            cookie_secure=settings.is_prod,
            cookie_samesite="lax",
        ),
        before_send=[security_headers_hook(hsts=settings.is_prod)],
        middleware=[
            http_metrics_middleware,  # first: its latency covers the others
            language_middleware,
            RotatingSessionConfig(
                key=SESSION_COOKIE,
                secure=settings.is_prod,
                samesite="lax",
                max_age=8 * 3600,
                exclude=[ADMIN_PATHS, STATIC_PATHS, STAFF_PATHS],  # the desk has its own cookie
                read_along=(VERSION_KEY,),  # one round trip for the session and the offer's version
            ).middleware,
            clean_request_input,  # last: the session is loaded when it refuses
        ],
        stores={"sessions": ResilientRedisStore(redis, namespace="ecesure:session")},
        exception_handlers={**EXCEPTION_HANDLERS, SignInRequired: redirect_to_sign_in},
        before_request=offer_of_request,
        lifespan=[database_pool],
        state=State(
            {
                "redis": redis,
                "settings": settings,
                "offer_cache": new_offer_cache(settings.offer_cache_seconds),
                "kept_summaries": KeptSummaries(),
                # the worker's cron schedule, for the jobs dashboard (app.review.routes_jobs)
                "cron_jobs": list(WorkerSettings.cron_jobs),
            }
        ),
        openapi_config=None,
    )
    if settings.gc_freeze:
        settle_after_start_up()
    return app
