"""With Redis stopped, /readyz says so and public pages still render."""

from __future__ import annotations

import dataclasses
import socket

from app.asgi import create_app
from app.settings import get_settings
from tests.fixtures.web import running


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nothing listens once the socket is closed


async def test_readyz_names_redis_and_home_still_renders():
    settings = dataclasses.replace(
        get_settings(), redis_url=f"redis://127.0.0.1:{_closed_port()}/0"
    )
    async with running(create_app(settings)) as client:
        ready = await client.get("/readyz")
        assert ready.status_code == 503
        body = ready.json()
        assert body["status"] == "unavailable"
        assert list(body["problems"]) == ["redis"]
        assert body["problems"]["redis"] == "unavailable"  # which, not why (defect 11)

        home = await client.get("/")
        assert home.status_code == 200
        assert "eCésure" in home.text
