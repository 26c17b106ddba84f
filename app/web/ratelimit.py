"""Abuse limits kept in Redis: fixed windows per action, per IP and per account.

When Redis is down the limits are not enforced (the portal keeps working; /readyz
already reports the outage) rather than locking every candidate out.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

import structlog
from litestar import Request
from litestar.exceptions import HTTPException
from litestar.status_codes import HTTP_429_TOO_MANY_REQUESTS

from app.web.sessions import REDIS_DOWN

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class Limit:
    action: str
    per_ip: int
    per_account: int
    window_seconds: int


SIGN_UP = Limit("signup", per_ip=10, per_account=3, window_seconds=3600)
SIGN_IN = Limit("signin", per_ip=30, per_account=10, window_seconds=900)
RECOVERY = Limit("recovery", per_ip=10, per_account=3, window_seconds=3600)
RESEND = Limit("resend", per_ip=10, per_account=3, window_seconds=3600)


class TooManyAttempts(HTTPException):
    status_code = HTTP_429_TOO_MANY_REQUESTS

    def __init__(self, retry_after: int) -> None:
        super().__init__(detail="too many attempts", headers={"Retry-After": str(retry_after)})
        self.retry_after = retry_after


def client_ip(request: Request) -> str:
    """The peer address. Behind a reverse proxy, run uvicorn with --proxy-headers."""
    return request.client.host if request.client else "unknown"


async def _hit(redis, key: str, limit: int, window: int) -> int | None:
    """Count one attempt; return the seconds to wait when over the limit."""
    window_start = int(time.time()) // window * window
    full_key = f"ecesure:ratelimit:{key}:{window_start}"
    count = await redis.incr(full_key)
    if count == 1:
        await redis.expire(full_key, window)
    if count > limit:
        return max(1, window_start + window - int(time.time()))
    return None


async def check_rate(request: Request, limit: Limit, account_key: str | None = None) -> None:
    """Count this attempt against the IP and, if given, the account (login or email).

    Raises TooManyAttempts (429 with Retry-After) when either is over its limit.
    """
    redis = request.app.state.redis
    keys = [(f"{limit.action}:ip:{client_ip(request)}", limit.per_ip)]
    if account_key:
        digest = hashlib.sha256(account_key.strip().lower().encode()).hexdigest()[:32]
        keys.append((f"{limit.action}:account:{digest}", limit.per_account))
    try:
        waits = [await _hit(redis, key, most, limit.window_seconds) for key, most in keys]
    except REDIS_DOWN as exc:
        log.warning("rate_limit_unavailable", action=limit.action, error=str(exc))
        return
    if any(waits):
        raise TooManyAttempts(retry_after=max(w for w in waits if w))
