"""piccolo-admin reads a form's body with ``json.loads`` and unpacks it into the form's
model: a body that is not JSON, or JSON that is not an object (a list, a string, null),
raised inside piccolo-admin and answered 500. This guard hands piccolo an empty object
instead, which its own checks then refuse in order: the CSRF token, the session, then
the form's fields (422, each missing field named). The forms' own bodies are small: a
larger one is not a form either.

A lone surrogate in a JSON string ("\\ud800") also ended in a 500: pydantic's error
quotes the input, and that error cannot be written as JSON. Such a character becomes a
NUL, which every text field refuses with its own message ("caractères non autorisés").
"""

from __future__ import annotations

import json
import re
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

FORM_POST = re.compile(r"\A/api/forms/[^/]+/?\Z")  # inside the /admin mount
MAX_BODY = 64 * 1024
SURROGATE = re.compile("[\ud800-\udfff]")


def _object_or_empty(body: bytes) -> bytes:
    if len(body) > MAX_BODY:
        return b"{}"
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):  # not JSON, not UTF-8, nested past the stack
        return b"{}"
    if not isinstance(data, dict):
        return b"{}"
    return json.dumps(_without_surrogates(data)).encode()


def _without_surrogates(value: Any) -> Any:
    if isinstance(value, str):
        return SURROGATE.sub("\x00", value)
    if isinstance(value, list):
        return [_without_surrogates(item) for item in value]
    if isinstance(value, dict):
        return {_without_surrogates(k): _without_surrogates(v) for k, v in value.items()}
    return value


def json_object_forms(admin_app: ASGIApp) -> ASGIApp:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if not (
            scope["type"] == "http" and scope["method"] == "POST" and FORM_POST.match(scope["path"])
        ):
            await admin_app(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size <= MAX_BODY + 1:
                chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = _object_or_empty(b"".join(chunks))
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if sent:
                return await receive()
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        # The body may have changed: its length header follows.
        headers = [(k, v) for k, v in scope["headers"] if k.lower() != b"content-length"]
        headers.append((b"content-length", str(len(body)).encode()))
        await admin_app({**scope, "headers": headers}, replay, send)

    return app
