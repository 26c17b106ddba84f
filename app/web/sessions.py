"""Server-side sessions in Redis that degrade instead of failing.

With Redis down, public pages must still render (``/readyz`` reports the outage):
reads find no session and writes are dropped, with a warning in the log. Pages that
need to *start* a session ask :func:`sessions_available` first, so that a sign-in
never answers "done" while nothing could be stored.

Each signed-in session is also listed under its owner (the account it belongs to),
so that a password reset or an email change can end the account's other sessions.
The list is kept when a session is written (sign-in, changes) or cleared (sign-out):
reading a page costs nothing more.
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

SESSION_STORE = "sessions"
"""The name under which the app registers its session store (Litestar's default)."""
SESSION_OWNER_KEY = "account_id"
"""The session key naming whom a session belongs to (``app.accounts.auth`` signs
candidates in under it): sessions are listed per owner."""

# Ends every listed session but ARGV[1], in one step: a session listed meanwhile is
# either ended or kept, never half-handled. KEYS[1]: the owner's list; ARGV[2]: the
# prefix of session keys. Returns how many live sessions were ended.
_END_SESSIONS = b"""
local ended = 0
for _, sid in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if sid ~= ARGV[1] then
    ended = ended + redis.call('DEL', ARGV[2] .. sid)
    redis.call('SREM', KEYS[1], sid)
  end
end
return ended
"""


def redis_client(url: str) -> Redis:
    # Short timeouts: a dead Redis must not hang pages. A stopped Redis refuses the
    # connection at once; the connect timeout only bounds a host that does not answer.
    # It is counted on the event loop, which a burst of requests can keep busy: at
    # 0.5 s, twenty requests at once on a loaded machine, each opening the pool's next
    # connection, timed out and were served as signed out (a test failed that way).
    return Redis.from_url(url, socket_connect_timeout=2.0, socket_timeout=1.0)


class ResilientRedisStore(RedisStore):
    def __init__(self, redis: Redis, **kwargs) -> None:
        super().__init__(redis, **kwargs)
        self._end_sessions_script = self._redis.register_script(_END_SESSIONS)

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

    async def get_with(self, key: str, others: tuple[str, ...]) -> list[bytes | None] | None:
        """The session ``key`` and the raw Redis keys ``others`` in one round trip
        (MGET); None when Redis does not answer."""
        try:
            return await self._redis.mget(self._make_key(key), *others)
        except REDIS_DOWN as exc:
            log.warning("session_store_unavailable", op="get", error=str(exc))
            return None

    async def available(self) -> bool:
        """Whether a session written now would be kept (one PING)."""
        try:
            return bool(await self._redis.ping())
        except REDIS_DOWN as exc:
            log.warning("session_store_unavailable", op="ping", error=str(exc))
            return False

    # --- sessions listed per owner -----------------------------------------------------

    def owner_key(self, owner: str) -> str:
        return f"{self.namespace}-owner:{owner}"

    async def list_session(self, owner: str, session_id: str, *, ttl: int) -> None:
        """List ``session_id`` under ``owner``; the list lives as long as its newest
        session (sessions expire ``ttl`` after their last write)."""
        key = self.owner_key(owner)
        try:
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.sadd(key, session_id)
                pipe.expire(key, ttl)
                await pipe.execute()
        except REDIS_DOWN as exc:
            log.warning("session_store_unavailable", op="list", error=str(exc))

    async def unlist_session(self, owner: str, session_id: str) -> None:
        try:
            await self._redis.srem(self.owner_key(owner), session_id)
        except REDIS_DOWN as exc:
            log.warning("session_store_unavailable", op="unlist", error=str(exc))

    async def end_sessions(self, owner: str, *, keep: str | None = None) -> int | None:
        """End every session of ``owner`` except ``keep``; how many were live, or None
        when Redis is down (then no session can be read either: none is usable)."""
        try:
            return await self._end_sessions_script(
                keys=[self.owner_key(owner)], args=[keep or "", self._make_key("")]
            )
        except REDIS_DOWN as exc:
            log.error("sessions_not_ended", owner=owner, error=str(exc))
            return None


def session_store(connection: ASGIConnection) -> ResilientRedisStore:
    return connection.app.stores.get(SESSION_STORE)  # type: ignore[return-value]


async def sessions_available(connection: ASGIConnection) -> bool:
    return await session_store(connection).available()


ROTATE_SESSION_ID = "_rotate_session_id"
"""Put this key (True) in the session to move it to a fresh id when the response is sent:
done at sign-in, so a session id planted before sign-in is worthless after it."""
_NEW_ID_SCOPE_KEY = "ecesure.new_session_id"
_READ_ALONG_SCOPE_KEY = "ecesure.read_with_session"
_LOADED_SCOPE_KEY = "ecesure.session_as_loaded"
_LOADED_ID_SCOPE_KEY = "ecesure.session_id_as_loaded"


def current_session_id(connection: ASGIConnection) -> str | None:
    """The id the session of this request is (or will be) stored under."""
    return connection.scope.get(_NEW_ID_SCOPE_KEY) or connection.scope.get(_LOADED_ID_SCOPE_KEY)


def read_with_session(connection: ASGIConnection) -> dict[str, bytes | None]:
    """The keys of ``RotatingSessionConfig.read_along`` as read with this request's
    session (empty when they were not: no session cookie, or Redis did not answer)."""
    return connection.scope.get(_READ_ALONG_SCOPE_KEY, {})  # type: ignore[return-value]


def _owner(session) -> str | None:
    if not isinstance(session, dict) or session.get(SESSION_OWNER_KEY) is None:
        return None
    return str(session[SESSION_OWNER_KEY])


class RotatingSessionBackend(ServerSideSessionBackend):
    """Litestar's server-side backend, with three changes:

    - sign-in moves the session to a fresh id (see ``ROTATE_SESSION_ID``);
    - nothing is written when nothing changed: an anonymous visitor gets no session
      and no cookie, and reading a page costs one Redis GET, not a GET and a SET;
    - a session with an owner is listed under it (see ``ResilientRedisStore.end_sessions``).
    """

    def get_session_id(self, connection: ASGIConnection) -> str:
        return connection.scope.get(_NEW_ID_SCOPE_KEY) or super().get_session_id(connection)

    async def load_from_connection(self, connection: ASGIConnection) -> dict:
        data = await self._load(connection)
        connection.scope[_LOADED_SCOPE_KEY] = dict(data)  # type: ignore[literal-required]
        if data:
            connection.scope[_LOADED_ID_SCOPE_KEY] = connection.cookies.get(self.config.key)  # type: ignore[literal-required]
        return data

    async def _load(self, connection: ASGIConnection) -> dict:
        """Litestar's load, with the ``read_along`` keys fetched in the same MGET."""
        read_along = self.config.read_along
        session_id = connection.cookies.get(self.config.key)
        store = self.config.get_store_from_app(connection.scope["app"])
        if not (read_along and session_id and isinstance(store, ResilientRedisStore)):
            return await super().load_from_connection(connection)
        if self.config.renew_on_access:  # a GET that also renews: not an MGET
            return await super().load_from_connection(connection)
        values = await store.get_with(session_id, read_along)
        if values is None:
            return {}
        connection.scope[_READ_ALONG_SCOPE_KEY] = dict(zip(read_along, values[1:], strict=True))  # type: ignore[literal-required]
        return self.deserialize_data(values[0]) if values[0] is not None else {}

    async def store_in_message(self, scope_session, message, connection: ASGIConnection) -> None:
        old_id = connection.cookies.get(self.config.key) or None
        store = self.config.get_store_from_app(connection.app)
        if isinstance(scope_session, dict):
            if scope_session.pop(ROTATE_SESSION_ID, False):
                if old_id:
                    await self.delete(old_id, store=store)
                connection.scope[_NEW_ID_SCOPE_KEY] = self.generate_session_id()  # type: ignore[literal-required]
            else:
                anonymous = not scope_session and not old_id
                unchanged = old_id and scope_session == connection.scope.get(_LOADED_SCOPE_KEY)
                if anonymous or unchanged:
                    return
        await super().store_in_message(scope_session, message, connection)
        await self._update_owner_lists(scope_session, connection, store, old_id)

    async def _update_owner_lists(self, scope_session, connection, store, old_id) -> None:
        if not isinstance(store, ResilientRedisStore):
            return
        old_owner = _owner(connection.scope.get(_LOADED_SCOPE_KEY))
        new_owner = _owner(scope_session) if scope_session else None
        new_id = current_session_id(connection) if new_owner else None
        if old_owner and old_id and (old_owner, old_id) != (new_owner, new_id):
            await store.unlist_session(old_owner, old_id)
        if new_owner and new_id:
            await store.list_session(new_owner, new_id, ttl=self.config.max_age)


@dataclass
class RotatingSessionConfig(ServerSideSessionConfig):
    _backend_class = RotatingSessionBackend
    read_along: tuple[str, ...] = ()
    """Redis keys (not namespaced) read with the session in one MGET, for a hook that
    would GET them on every request anyway (:func:`read_with_session`)."""
