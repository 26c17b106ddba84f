"""Server-side sessions in Redis that degrade instead of failing.

With Redis down, public pages must still render (``/readyz`` reports the outage):
reads find no session and writes are dropped, with a warning in the log.
"""

from __future__ import annotations

from datetime import timedelta

import structlog
from litestar.stores.redis import RedisStore
from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = structlog.get_logger(__name__)
REDIS_DOWN = (RedisConnectionError, RedisTimeoutError, OSError)


def redis_client(url: str) -> Redis:
    # Short timeouts: a dead Redis must cost milliseconds, not a hung page.
    return Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=1.0)


class ResilientRedisStore(RedisStore):
    async def get(self, key: str, renew_for: int | timedelta | None = None) -> bytes | None:
        try:
            return await super().get(key, renew_for)
        except REDIS_DOWN as exc:
            log.warning("session_store_unavailable", op="get", error=str(exc))
            return None

    async def set(self, key: str, value: str | bytes, expires_in: int | timedelta | None = None):
        try:
            await super().set(key, value, expires_in)
        except REDIS_DOWN as exc:
            log.warning("session_store_unavailable", op="set", error=str(exc))

    async def delete(self, key: str) -> None:
        try:
            await super().delete(key)
        except REDIS_DOWN as exc:
            log.warning("session_store_unavailable", op="delete", error=str(exc))
