"""Liveness (``/healthz``) and readiness (``/readyz``: database and Redis reachable)."""

from __future__ import annotations

import asyncio

import structlog
from litestar import Request, get
from litestar.response import Response
from piccolo.engine import engine_finder

log = structlog.get_logger(__name__)

CHECK_TIMEOUT_SECONDS = 2.0


@get("/healthz", opt={"skip_session": True}, exclude_from_csrf=True)
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


async def _check_database() -> None:
    await engine_finder().run_ddl("SELECT 1")


async def _check_redis(request: Request) -> None:
    await request.app.state.redis.ping()


@get("/readyz", opt={"skip_session": True})
async def readyz(request: Request) -> Response[dict]:
    problems: dict[str, str] = {}
    for name, check in (("database", _check_database()), ("redis", _check_redis(request))):
        try:
            await asyncio.wait_for(check, CHECK_TIMEOUT_SECONDS)
        except Exception as exc:  # any failure means not ready
            # Say which dependency is down, publicly; why goes to the log only (an
            # error text can name hosts, ports, users).
            problems[name] = "unavailable"
            log.warning("readiness_check_failed", dependency=name, error=repr(exc))
    if problems:
        return Response({"status": "unavailable", "problems": problems}, status_code=503)
    return Response({"status": "ok"}, status_code=200)
