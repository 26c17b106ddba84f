"""Log configuration (structlog): one line per event, no secrets.

Two rules, because logs are read by more people than the data they describe:

- **No locals.** structlog's default console renderer, with ``rich`` installed, prints
  every frame's local variables with a traceback: each 500 wrote the request's
  cookies, session and CSRF token. Tracebacks here are plain (file, line, code).
- **Redaction.** Any value whose key names a secret (cookie, authorization, csrf,
  password, token, secret, session) is replaced, at any depth of the event, and
  ``name=value`` pairs of that kind inside strings (an exception message, a header
  dump) are cut too, before anything is rendered.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any

import structlog

REDACTED = "[redacted]"
SECRET_KEY_PATTERN = re.compile(
    r"cookie|authori[sz]ation|csrf|passw|token|secret|session|api[_-]?key|ticket", re.I
)
# "csrftoken=abc", "ecesure_session: abc", "password='abc'", "Bearer abc"...
SECRET_TEXT_PATTERN = re.compile(
    r"""(?P<name>[\w.-]*(?:cookie|authori[sz]ation|csrf|passw\w*|token|secret|session|ticket)[\w.-]*)"""
    r"""(?P<sep>['"]?\s*[:=]\s*['"]?)(?P<value>(?:Bearer\s+|Basic\s+)?[^\s'",;&)}\]]+)""",
    re.I,
)


def _scrub_text(text: str) -> str:
    return SECRET_TEXT_PATTERN.sub(lambda m: f"{m['name']}{m['sep']}{REDACTED}", text)


def redact(value: Any, key: str = "") -> Any:
    """``value`` with every secret replaced (keys by name, strings by pattern)."""
    if key and SECRET_KEY_PATTERN.search(key):
        return REDACTED
    if isinstance(value, str):
        return _scrub_text(value)
    if isinstance(value, bytes):
        return _scrub_text(value.decode("latin-1"))
    if isinstance(value, Mapping):
        return {k: redact(v, str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = list(value)
        # Header lists: [(b"cookie", b"..."), ...]
        if len(items) == 2 and isinstance(items[0], str | bytes):
            name = items[0].decode("latin-1") if isinstance(items[0], bytes) else items[0]
            if SECRET_KEY_PATTERN.search(name):
                return [name, REDACTED]
        return [redact(item) for item in items]
    return value


def redact_secrets(_logger: Any, _method: str, event_dict: dict) -> dict:
    """structlog processor: :func:`redact` over the whole event, after the exception
    has been formatted to text, so a traceback is scrubbed too."""
    return {key: redact(value, key if key != "event" else "") for key, value in event_dict.items()}


def processors(*, json: bool) -> list:
    renderer = (
        structlog.processors.JSONRenderer()
        if json
        else structlog.dev.ConsoleRenderer(
            colors=False, exception_formatter=structlog.dev.plain_traceback
        )
    )
    return [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.StackInfoRenderer(),
        # Plain traceback text (traceback.format_exception): no locals.
        structlog.processors.format_exc_info,
        redact_secrets,
        renderer,
    ]


def configure_logging(*, json: bool = False, level: int = logging.INFO) -> None:
    """Configure structlog for the portal and the workers (JSON lines in production)."""
    structlog.configure(
        processors=processors(json=json),
        wrapper_class=structlog.make_filtering_bound_logger(level),
        logger_factory=structlog.PrintLoggerFactory(),
        cache_logger_on_first_use=False,
    )
