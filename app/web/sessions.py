"""Server-side sessions in Redis that degrade instead of failing.

With Redis down, public pages must still render (``/readyz`` reports the outage):
reads find no session and writes are dropped, with a warning in the log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import structlog
from litestar.connection import ASGIConnection
from litestar.middleware.session.server_side import (
    ServerSideSessionBackend,
    ServerSideSessionConfig,
)
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


ROTATE_SESSION_ID = "_rotate_session_id"
"""Put this key (True) in the session to move it to a fresh id when the response is sent:
done at sign-in, so a session id planted before sign-in is worthless after it."""
_NEW_ID_SCOPE_KEY = "ecesure.new_session_id"
_LOADED_SCOPE_KEY = "ecesure.session_as_loaded"


class RotatingSessionBackend(ServerSideSessionBackend):
    """Litestar's server-side backend, with two changes:

    - sign-in moves the session to a fresh id (see ``ROTATE_SESSION_ID``);
    - nothing is written when nothing changed: an anonymous visitor gets no session
      and no cookie, and reading a page costs one Redis GET, not a GET and a SET.
    """

    def get_session_id(self, connection: ASGIConnection) -> str:
        return connection.scope.get(_NEW_ID_SCOPE_KEY) or super().get_session_id(connection)

    async def load_from_connection(self, connection: ASGIConnection) -> dict:
        data = await super().load_from_connection(connection)
        connection.scope[_LOADED_SCOPE_KEY] = dict(data)  # type: ignore[literal-required]
        return data

    async def store_in_message(self, scope_session, message, connection: ASGIConnection) -> None:
        has_cookie = bool(connection.cookies.get(self.config.key))
        if isinstance(scope_session, dict):
            if scope_session.pop(ROTATE_SESSION_ID, False):
                if has_cookie:
                    await self.delete(
                        connection.cookies[self.config.key],
                        store=self.config.get_store_from_app(connection.app),
                    )
                connection.scope[_NEW_ID_SCOPE_KEY] = self.generate_session_id()  # type: ignore[literal-required]
            else:
                anonymous = not scope_session and not has_cookie
                unchanged = has_cookie and scope_session == connection.scope.get(_LOADED_SCOPE_KEY)
                if anonymous or unchanged:
                    return
        await super().store_in_message(scope_session, message, connection)


@dataclass
class RotatingSessionConfig(ServerSideSessionConfig):
    _backend_class = RotatingSessionBackend
