"""Defect 10: every answer carries the security headers, not only routed pages: unrouted
404s, 405s, errors, static files and the admin (with its own policy); HSTS in prod."""

from __future__ import annotations

import pytest
from litestar import get

from app.asgi import create_app
from app.web.middleware import ADMIN_CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY
from tests.fixtures.web import running
from tests.security.production import production_settings

BASE_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
}


@get("/test-only/boom", opt={"skip_session": True})
async def boom() -> None:
    raise RuntimeError("a bug")


def assert_protected(response, policy: str = CONTENT_SECURITY_POLICY) -> None:
    assert response.headers["content-security-policy"] == policy
    for name, value in BASE_HEADERS.items():
        assert response.headers[name] == value, name


@pytest.fixture
async def http(redis):
    app = create_app()
    app.register(boom)
    async with running(app) as client:
        yield client


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/nulle-part", 404),
        ("GET", "/candidatures/abc", 404),
        ("DELETE", "/", 405),
        ("PUT", "/connexion", 405),
        ("GET", "/test-only/boom", 500),
        ("GET", "/static/css/app.css", 200),
        ("GET", "/static/nothing.css", 404),
        ("GET", "/", 200),
    ],
)
async def test_every_answer_has_the_security_headers(http, method, path, status):
    response = await http.request(method, path, headers={"accept": "text/html"})
    assert response.status_code == status
    assert_protected(response)
    assert "strict-transport-security" not in response.headers  # dev: no HSTS


async def test_admin_keeps_its_own_policy(http):
    for path in ("/admin", "/admin/", "/admin/api/tables/"):
        response = await http.get(path)
        assert_protected(response, ADMIN_CONTENT_SECURITY_POLICY)


async def test_hsts_in_production_on_every_answer(redis):
    app = create_app(production_settings())
    app.register(boom)
    async with running(app) as client:
        for method, path in (("GET", "/nulle-part"), ("DELETE", "/"), ("GET", "/test-only/boom")):
            response = await client.request(method, path)
            assert response.headers["strict-transport-security"] == "max-age=31536000"
            assert_protected(response)
