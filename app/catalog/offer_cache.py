"""Each web process keeps the offer tree; a staff edit shows at once in every process.

The offer changes a few times a year and every page reads it (the header names the
active campaign). A catalogue version lives in Redis: a staff edit of the catalogue
increments it after its commit (:func:`catalogue_changed`), and each request reads it
(one GET) before trusting its process's copy, which is reloaded when the version
moved. The version is read before the offer is loaded, so an edit committed meanwhile
leaves a newer version behind and the next request reloads again.

Edits made without the admin (SQL, command line) and edits made while Redis was
unreachable show within OFFER_CACHE_SECONDS, the most a process keeps its copy.
With Redis down, pages still render: the copy is then kept for that delay only.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import structlog
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = structlog.get_logger(__name__)

VERSION_KEY = "ecesure:catalogue-version"
OFFER_TABLES = frozenset(
    {"campaign", "centre", "commission", "programme", "required_piece", "programme_piece"}
)
"""The tables an edit of which changes what the offer or its pages show."""
_REDIS_DOWN = (RedisConnectionError, RedisTimeoutError, OSError)


async def catalogue_version(redis) -> int | None:
    """The current version (0 before any edit), or None when Redis does not answer."""
    try:
        value = await redis.get(VERSION_KEY)
    except _REDIS_DOWN as exc:
        log.warning("catalogue_version_unavailable", op="get", error=str(exc))
        return None
    return version_of(value)


def version_of(value: bytes | str | None) -> int:
    """The version from the value of ``VERSION_KEY`` (absent: 0)."""
    return int(value or 0)


async def catalogue_changed(redis) -> None:
    """After a committed staff edit of the catalogue: every process reloads its offer."""
    try:
        await redis.incr(VERSION_KEY)
    except _REDIS_DOWN as exc:
        # The edit is saved; processes see it once their copy is OFFER_CACHE_SECONDS old.
        log.error("catalogue_version_not_bumped", error=str(exc))


@dataclass
class _Copy:
    version: int | None
    loaded_at: float
    offer: object


class OfferCache:
    """One process's copy of the offer (one per app: ``app.state.offer_cache``)."""

    def __init__(self, load: Callable[[], Awaitable[object]], *, max_age: float) -> None:
        self._load = load
        self.max_age = max_age
        self._copy: _Copy | None = None
        self._lock = asyncio.Lock()

    async def offer(self, redis=None):
        """The offer, reloaded when the catalogue version moved or the copy is older than
        ``max_age`` (0: never kept). Without ``redis``, the age alone decides."""
        if self.max_age <= 0:
            return await self._load()
        version = await catalogue_version(redis) if redis is not None else None
        return await self.offer_at(version)

    async def offer_at(self, version: int | None):
        """As :meth:`offer`, with the catalogue version already read (None: Redis did
        not answer): the session middleware reads it with the session, in one GET."""
        if self.max_age <= 0:
            return await self._load()
        if self._usable(version):
            return self._copy.offer  # type: ignore[union-attr]
        # One reload at a time: the requests that found the copy stale together wait
        # for it instead of each loading the offer.
        async with self._lock:
            if not self._usable(version):
                loaded_at = time.monotonic()
                offer = await self._load()
                self._copy = _Copy(version, loaded_at, offer)
            return self._copy.offer  # type: ignore[union-attr]

    def _usable(self, version: int | None) -> bool:
        copy = self._copy
        fresh = copy is not None and time.monotonic() - copy.loaded_at < self.max_age
        return fresh and (version is None or version == copy.version)

    def forget(self) -> None:
        self._copy = None
        self._lock = asyncio.Lock()
