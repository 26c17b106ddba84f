"""Defect 13a: the CSRF (and session) exclusions cover the admin mount only, not every
path that merely contains "/admin"."""

from __future__ import annotations

import pytest
from litestar import post

from app.asgi import create_app
from tests.fixtures.web import csrf_token, running


@post("/test-only/admin-notes", status_code=200)
async def admin_lookalike() -> str:
    return "saved"


@pytest.fixture
async def http(redis):
    app = create_app()
    app.register(admin_lookalike)
    async with running(app) as client:
        yield client


async def test_a_path_containing_admin_still_needs_the_token(http):
    await csrf_token(http)
    refused = await http.post("/test-only/admin-notes", data={"x": "1"})
    assert refused.status_code == 403
    token = http.cookies["ecesure_csrf"]
    accepted = await http.post("/test-only/admin-notes", data={"_csrf_token": token})
    assert (accepted.status_code, accepted.text) == (200, "saved")


async def test_a_path_starting_with_admin_is_not_the_admin(http):
    # The mount matches by prefix; the admin must not answer for "/administration".
    for method in ("GET", "POST"):
        response = await http.request(method, "/administration", headers={"accept": "text/html"})
        assert response.status_code == 404
        assert "Page introuvable" in response.text


async def test_the_admin_mount_checks_its_own_token_not_ours(http):
    # piccolo-admin checks its own token (cookie "csrftoken"); Litestar's check is off,
    # so the refusal is the admin's own, sent even though our token is present.
    token = await csrf_token(http)
    response = await http.post(
        "/admin/auth/login/", data={"username": "x", "password": "y", "_csrf_token": token}
    )
    assert (response.status_code, response.text) == (403, "No CSRF cookie found")
