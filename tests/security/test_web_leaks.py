"""Defect 11: no secret reaches a template, a public answer or a log line."""

from __future__ import annotations

import dataclasses
import socket

import pytest
from litestar import Request, post

from app.asgi import SESSION_COOKIE, create_app
from app.logs import REDACTED, redact
from app.settings import Settings, get_settings
from tests.fixtures.web import csrf_token, running

SMTP_PASSWORD = "smtp-Pa55word-never-shown"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _secret_settings(**changes) -> Settings:
    return dataclasses.replace(get_settings(), smtp_password=SMTP_PASSWORD, **changes)


def _reachable(value, seen: set[int], depth: int = 0):
    """Every object reachable from a template global through attributes and items."""
    if id(value) in seen or depth > 3:
        return
    seen.add(id(value))
    yield value
    if isinstance(value, dict):
        children = list(value.values())
    elif isinstance(value, list | tuple):
        children = list(value)
    elif hasattr(value, "__dataclass_fields__"):
        children = [getattr(value, name) for name in value.__dataclass_fields__]
    else:
        children = []
    for child in children:
        yield from _reachable(child, seen, depth + 1)


async def test_templates_see_no_settings_object_nor_any_secret(redis):
    settings = _secret_settings()
    app = create_app(settings)
    environment = app.template_engine.engine
    seen: set[int] = set()
    for name, value in environment.globals.items():
        for item in _reachable(value, seen):
            assert not isinstance(item, Settings), name
            assert item not in (settings.secret_key, SMTP_PASSWORD), name
    async with running(app) as http:
        page = await http.get("/connexion")
    assert page.status_code == 200
    assert settings.secret_key not in page.text and SMTP_PASSWORD not in page.text


async def test_readyz_names_the_dependency_without_its_error(redis, capsys):
    settings = dataclasses.replace(
        get_settings(), redis_url=f"redis://127.0.0.1:{_closed_port()}/0"
    )
    async with running(create_app(settings)) as http:
        response = await http.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "problems": {"redis": "unavailable"}}
    logged = capsys.readouterr().out
    assert "readiness_check_failed" in logged and "dependency=redis" in logged


@post("/test-only/crash", status_code=200)
async def crash(request: Request) -> None:
    cookies = request.cookies  # locals a rich traceback would have printed
    form = await request.form()
    raise RuntimeError(f"crashed with {len(cookies)} cookies and {len(form)} fields")


@pytest.fixture
async def crashing_app(redis):
    app = create_app()
    app.register(crash)
    return app


async def test_a_500_logs_no_cookie_token_nor_password(crashing_app, capsys):
    async with running(crashing_app) as http:
        token = await csrf_token(http)
        http.cookies.set(SESSION_COOKIE, "session-cookie-value-1234567890")
        response = await http.post(
            "/test-only/crash",
            data={"_csrf_token": token, "password": "Hunter2-password!"},
            headers={"authorization": "Bearer bearer-value-0987654321"},
        )
    assert response.status_code == 500
    logged = capsys.readouterr()
    output = logged.out + logged.err
    assert "unhandled_error" in output and "RuntimeError: crashed with" in output
    assert "route=/test-only/crash" in output
    for secret in (
        token,
        "session-cookie-value-1234567890",
        "Hunter2-password!",
        "bearer-value-0987654321",
    ):
        assert secret not in output
    assert len(output.splitlines()) < 60  # a plain traceback, not every frame's locals


def test_redaction_of_keys_and_of_name_value_pairs_in_text():
    event = {
        "headers": [(b"cookie", b"ecesure_session=abc"), (b"accept", b"text/html")],
        "csrf_token": "abc",
        "user": {"password_hash": "argon2$...", "email": "lea@example.fr"},
        "error": "Cookie: ecesure_session=s3cr3t; csrftoken=t0k3n at token=xyz password='p4ss'",
    }
    cleaned = redact(event)
    assert cleaned["headers"] == [["cookie", REDACTED], ["accept", "text/html"]]
    assert cleaned["csrf_token"] == REDACTED
    assert cleaned["user"] == {"password_hash": REDACTED, "email": "lea@example.fr"}
    for secret in ("s3cr3t", "t0k3n", "xyz", "p4ss"):
        assert secret not in cleaned["error"]
