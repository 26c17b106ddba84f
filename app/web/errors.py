"""French (or English) error pages for 403, 404, 405 and 500.

Features add their own handlers in the assembly (``app.asgi``): the web layer knows no
feature (the sign-in redirect is ``app.accounts.auth.redirect_to_sign_in``)."""

from __future__ import annotations

import structlog
from litestar import MediaType, Request, Response
from litestar.exceptions import ClientException, HTTPException, ValidationException
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from app.web.templating import Template

log = structlog.get_logger(__name__)

ERROR_TEMPLATES = {400: "400", 403: "403", 404: "404", 405: "404", 429: "429", 500: "500"}


def _wants_html(request: Request) -> bool:
    """HTML unless the client asks for JSON (an API call) and not for HTML."""
    accept = request.headers.get("accept", "")
    return "text/html" in accept or "application/json" not in accept


def error_page(request: Request, exc: Exception) -> Response:
    if isinstance(exc, HTTPException):
        status = exc.status_code
    else:
        status = HTTP_500_INTERNAL_SERVER_ERROR
        # The route's template, not the path: a path may hold a token (activation,
        # reset links). No request data either: cookies and the form stay out of logs.
        log.error(
            "unhandled_error",
            route=request.scope.get("path_template", "?"),
            method=request.method,
            exc_info=exc,
        )
    headers = dict(getattr(exc, "headers", None) or {})
    if not _wants_html(request):
        detail = exc.detail if isinstance(exc, HTTPException) and status < 500 else "error"
        return Response(
            {"status_code": status, "detail": detail},
            status_code=status,
            media_type=MediaType.JSON,
            headers=headers,
        )
    name = ERROR_TEMPLATES.get(status, "500" if status >= 500 else "400")
    detail = exc.detail if isinstance(exc, ValidationException) else ""
    return Template(
        template_name=f"errors/{name}.html",
        context={"status_code": status, "detail": detail},
        status_code=status,
        headers=headers,
    )


def undecodable_input(request: Request, exc: UnicodeDecodeError) -> Response:
    """Litestar decodes a multipart part without a file name as UTF-8 and lets the
    error through: bytes that are not text in a form field are bad input, not a 500."""
    return error_page(request, ClientException(detail="undecodable form field"))


EXCEPTION_HANDLERS = {
    HTTPException: error_page,
    UnicodeDecodeError: undecodable_input,
    Exception: error_page,
}
