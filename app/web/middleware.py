"""ASGI middleware: language per request and security headers on every response."""

from __future__ import annotations

import re

from litestar.datastructures import MutableScopeHeaders
from litestar.types import (
    ASGIApp,
    BeforeMessageSendHookHandler,
    Message,
    Receive,
    Scope,
    Send,
)

from app.core.i18n import LANGUAGE_COOKIE, current_language, negotiate
from app.settings import get_settings

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


# The language cookie in the Cookie header, found without parsing every cookie nor
# keeping the header (it holds the session id); negotiate() checks the value.
_LANGUAGE_COOKIE_VALUE = re.compile(
    rb"(?:^|;)\s*" + re.escape(LANGUAGE_COOKIE.encode()) + rb'="?([A-Za-z-]*)'
)


def _chosen_language(cookie_header: bytes) -> str | None:
    """The language cookie's value, or None."""
    found = _LANGUAGE_COOKIE_VALUE.search(cookie_header)
    return found.group(1).decode("ascii") if found else None


def language_middleware(app: ASGIApp) -> ASGIApp:
    default = get_settings().default_language

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        cookie = accept = b""
        for name, value in scope["headers"]:  # the last of a repeated header, as dict() did
            if name == b"cookie":
                cookie = value
            elif name == b"accept-language":
                accept = value
        chosen = _chosen_language(cookie)
        token = current_language.set(negotiate(chosen, accept.decode("latin-1"), default))
        try:
            await app(scope, receive, send)
        finally:
            current_language.reset(token)

    return middleware


def security_headers_hook(*, hsts: bool) -> BeforeMessageSendHookHandler:
    """The security headers, as an app-level ``before_send`` hook.

    A hook, not a middleware: Litestar wraps middleware around each route, so a
    middleware never sees the answers given before or outside routing (an unrouted
    404, a 405, an error raised by the router). ``before_send`` wraps the ASGI send of
    every HTTP connection, whatever answers it. A header a handler set itself (the
    stricter policy of a served piece) is kept.
    """

    common = [
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"same-origin"),
        (b"x-frame-options", b"DENY"),
        (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
    ]
    if hsts:
        common.append((b"strict-transport-security", b"max-age=31536000"))
    # Built once: the headers of a page, and of the admin (its own policy).
    page = [(b"content-security-policy", CONTENT_SECURITY_POLICY.encode()), *common]
    admin = [(b"content-security-policy", ADMIN_CONTENT_SECURITY_POLICY.encode()), *common]

    async def add_headers(message: Message, scope: Scope) -> None:
        if scope["type"] != "http" or message["type"] != "http.response.start":
            return
        # The top-level scope keeps the full path, mount prefix included.
        path = scope.get("raw_path") or scope["path"].encode()
        is_admin = path == b"/admin" or path.startswith(b"/admin/")
        headers = MutableScopeHeaders.from_message(message).headers  # a list, in the message
        present = {name.lower() for name, _ in headers}
        headers.extend(h for h in (admin if is_admin else page) if h[0] not in present)

    return add_headers
