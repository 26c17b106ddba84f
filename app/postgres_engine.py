"""Piccolo's PostgreSQL engine, able to run a page's reads on one pooled connection.

Outside a transaction, Piccolo takes a connection from asyncpg's pool for every query
and gives it back after: on a page of six reads, the pool's acquire and release
(a shielded task, a reset check, a queue) cost about as much CPU as the queries' own
protocol work (issue 13's profile). Inside :meth:`one_connection`, the queries of the
block run on one connection taken once. Transactions keep their own connection, as in
Piccolo; a query that finds the held connection busy (two queries at once) or already
given back (a task that outlived the block) takes one from the pool as before.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import Any

from piccolo.engine.postgres import PostgresEngine


class _Held:
    def __init__(self, connection: Any) -> None:
        self.connection = connection
        self.busy = False
        self.open = True


_held: ContextVar[_Held | None] = ContextVar("ecesure_held_connection", default=None)


class HeldConnectionPostgresEngine(PostgresEngine):
    async def _run_in_pool(self, query: str, args: Sequence[Any] | None = None):
        held = _held.get()
        if held is None or not held.open or held.busy:
            return await super()._run_in_pool(query, args)
        held.busy = True
        try:
            return await held.connection.fetch(query, *(args or []))
        finally:
            held.busy = False

    @asynccontextmanager
    async def one_connection(self) -> AsyncIterator[None]:
        """The queries run in this block (outside transactions) share one connection."""
        if self.pool is None or _held.get() is not None:
            yield
            return
        async with self.pool.acquire() as connection:
            held = _Held(connection)
            token = _held.set(held)
            try:
                yield
            finally:
                held.open = False
                _held.reset(token)
