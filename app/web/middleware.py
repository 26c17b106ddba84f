"""ASGI middleware: language per request and security headers on every response."""

from __future__ import annotations

from http.cookies import SimpleCookie

from litestar.datastructures import MutableScopeHeaders
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from app.settings import get_settings
from app.web.i18n import LANGUAGE_COOKIE, current_language, negotiate

# No inline script or style anywhere in our pages; htmx is served from /static.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'self'; "
    "object-src 'none'; frame-ancestors 'none'"
)
# piccolo-admin's Vue bundle, checked in Chromium (tests/e2e/test_admin_browser.py): its
# components and Font Awesome set inline styles, and its CSS draws select arrows with a
# data: SVG. No eval: a core-js probe tries Function("return this") inside try/catch
# and falls back to `window` when refused.
ADMIN_CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; form-action 'self'; "
    "base-uri 'self'; object-src 'none'; frame-ancestors 'none'"
)


def language_middleware(app: ASGIApp) -> ASGIApp:
    default = get_settings().default_language

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        cookies = SimpleCookie(headers.get(b"cookie", b"").decode("latin-1"))
        chosen = cookies[LANGUAGE_COOKIE].value if LANGUAGE_COOKIE in cookies else None
        accept = headers.get(b"accept-language", b"").decode("latin-1")
        token = current_language.set(negotiate(chosen, accept, default))
        try:
            await app(scope, receive, send)
        finally:
            current_language.reset(token)

    return middleware


def security_headers_middleware(app: ASGIApp) -> ASGIApp:
    hsts = get_settings().is_prod

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        # scope["path"] loses the mount prefix inside the admin: read the raw path.
        is_admin = scope.get("raw_path", scope["path"].encode()).startswith(b"/admin")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableScopeHeaders.from_message(message)
                policy = ADMIN_CONTENT_SECURITY_POLICY if is_admin else CONTENT_SECURITY_POLICY
                headers.setdefault("Content-Security-Policy", policy)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("Referrer-Policy", "same-origin")
                headers.setdefault("X-Frame-Options", "DENY")
                headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
                if hsts:
                    headers.setdefault("Strict-Transport-Security", "max-age=31536000")
            await send(message)

        await app(scope, receive, send_with_headers)

    return middleware
