"""Rewrites the column titles of the schemas piccolo-admin answers
(``GET /api/tables/<table>/schema/``) with the French headings of
:mod:`app.backoffice.admin_headings`."""

from __future__ import annotations

import json
import re

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.backoffice.admin_headings import heading

SCHEMA_PATH = re.compile(r"^/api/tables/([a-z0-9_]+)/schema/?$")


def french_titles(table_name: str, schema: dict) -> dict:
    for name, prop in (schema.get("properties") or {}).items():
        if isinstance(prop, dict) and (title := heading(table_name, name)):
            prop["title"] = title
    return schema


def with_french_headings(admin_app: ASGIApp) -> ASGIApp:
    """Rewrite the column titles of the admin's table schemas (small JSON answers,
    buffered whole); every other response passes through untouched."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        match = SCHEMA_PATH.match(scope["path"]) if scope["type"] == "http" else None
        if match is None or scope["method"] != "GET":
            await admin_app(scope, receive, send)
            return
        start: Message = {}
        body = bytearray()

        async def buffered(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                return
            if message["type"] != "http.response.body":
                await send(message)
                return
            body.extend(message.get("body", b""))
            if message.get("more_body"):
                return
            content = bytes(body)
            if start.get("status") == 200:
                try:
                    schema = json.loads(content)
                    content = json.dumps(french_titles(match.group(1), schema)).encode()
                except (ValueError, AttributeError):
                    pass  # not the schema piccolo sends: passed on as it came
            headers = MutableHeaders(raw=list(start.get("headers", [])))
            headers["content-length"] = str(len(content))
            await send({**start, "headers": headers.raw})
            await send({"type": "http.response.body", "body": content})

        await admin_app(scope, receive, buffered)

    return app
