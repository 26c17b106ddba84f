"""Abuse limits kept in Redis: fixed windows per action, per IP and per identity
(an account, a typed address).

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
# Each request mails a link to the typed address: limited per account and per target
# address, so that the form cannot be used to flood someone else's mailbox.
EMAIL_CHANGE = Limit("email_change", per_ip=20, per_account=3, window_seconds=3600)


class TooManyAttempts(HTTPException):
    status_code = HTTP_429_TOO_MANY_REQUESTS

    def __init__(self, retry_after: int) -> None:
        super().__init__(detail="too many attempts", headers={"Retry-After": str(retry_after)})
        self.retry_after = retry_after


def client_ip(request: Request) -> str:
    """The peer address. Behind a reverse proxy, run uvicorn with --proxy-headers."""
    return request.client.host if request.client else "unknown"


def identity_digest(identity: str) -> str:
    """Keys never hold the typed address or login itself."""
    return hashlib.sha256(identity.strip().lower().encode()).hexdigest()[:32]


async def _hit(redis, keys: list[tuple[str, int]], window: int) -> list[int | None]:
    """Count one attempt on each key; for each, the seconds to wait when over its limit.

    INCR and its expiry go in one MULTI/EXEC: a counter can never be left without an
    expiry (it would lock the identity out for good), whatever fails in between.
    """
    now = int(time.time())
    window_end = now // window * window + window
    async with redis.pipeline(transaction=True) as pipe:
        for key, _ in keys:
            full_key = f"ecesure:ratelimit:{key}:{window_end - window}"
            pipe.incr(full_key)
            # relative: Redis' clock need not agree with ours
            pipe.expire(full_key, window_end - now + 1)
        results = await pipe.execute()
    counts = results[::2]
    return [
        max(1, window_end - now) if count > most else None
        for count, (_, most) in zip(counts, keys, strict=True)
    ]


async def check_rate(request: Request, limit: Limit, *identities: str | None) -> None:
    """Count this attempt against the IP and each identity given (login, account id,
    address; empty ones are skipped), in one round trip.

    Raises TooManyAttempts (429 with Retry-After) when any is over its limit.
    """
    keys = [(f"{limit.action}:ip:{client_ip(request)}", limit.per_ip)]
    keys += [
        (f"{limit.action}:account:{identity_digest(identity)}", limit.per_account)
        for identity in dict.fromkeys(i for i in identities if i and i.strip())
    ]
    try:
        waits = await _hit(request.app.state.redis, keys, limit.window_seconds)
    except REDIS_DOWN as exc:
        log.warning("rate_limit_unavailable", action=limit.action, error=str(exc))
        return
    if any(waits):
        raise TooManyAttempts(retry_after=max(w for w in waits if w))
