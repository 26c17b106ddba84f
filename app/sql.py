"""Plain SQL statements for the hot read paths, compiled once per engine.

Piccolo rebuilds a select's SQL (its joins and column lists) on every call: on a
signed-in page that cost more CPU than running the queries (issue 13's profile). The
pages' reads are written here as plain SQL instead, valid on SQLite and PostgreSQL,
with ``{}`` for each argument as in Piccolo's ``QueryString``; each statement is
compiled to the engine's placeholders (``$1`` or ``?``) the first time it runs.

They still run through the Piccolo engine (``run_querystring``): transactions, the
connection pool, query logging and the query count of the tests all apply.
"""

from __future__ import annotations

import json
from collections.abc import Hashable, Mapping
from contextlib import AbstractAsyncContextManager, nullcontext
from functools import cache
from typing import Any

from piccolo.engine import Engine, engine_finder
from piccolo.querystring import QueryString


@cache
def _engine() -> Engine:
    """The engine, found once: Piccolo's ``engine_finder`` imports ``piccolo_conf``
    and reads the environment on every call (tables bind theirs once, at import)."""
    engine = engine_finder()
    assert engine is not None, "piccolo_conf defines no DB"
    return engine


def one_connection() -> AbstractAsyncContextManager[None]:
    """A page's reads on one pooled connection (PostgreSQL, ``app.postgres_engine``);
    as before on SQLite, whose engine keeps its connections itself."""
    held = getattr(_engine(), "one_connection", None)
    return held() if held is not None else nullcontext()


class ReadStatement:
    """One SELECT with positional arguments, compiled once per engine type."""

    def __init__(self, template: str) -> None:
        self.template = " ".join(template.split())  # one line in the query log
        self._compiled: dict[str, str] = {}
        self._arity = self.template.count("{}")

    def sql(self, engine_type: str) -> str:
        compiled = self._compiled.get(engine_type)
        if compiled is None:
            placeholders = [None] * self._arity
            compiled, _ = QueryString(self.template, *placeholders).compile_string(
                engine_type=engine_type
            )
            self._compiled[engine_type] = compiled
        return compiled

    async def rows(self, *args: Any) -> list[dict[str, Any]]:
        # asyncpg answers records; SQLite's engine answers dicts already, each its own.
        return [row if type(row) is dict else dict(row) for row in await self.records(*args)]

    async def records(self, *args: Any) -> list[Mapping[str, Any]]:
        """The rows as the driver answers them: dicts (SQLite) or asyncpg's records,
        read by column name, compared by value, not to be changed."""
        if len(args) != self._arity:
            raise TypeError(f"{self._arity} arguments expected, {len(args)} given")
        return await _engine().run_querystring(_Compiled(self, args))


class _Compiled(QueryString):
    """A ``QueryString`` whose SQL comes from its statement's cache."""

    def __init__(self, statement: ReadStatement, args: tuple[Any, ...]) -> None:
        super().__init__("")
        self._statement = statement
        self._args = args

    def compile_string(self, engine_type: str = "postgres") -> tuple[str, list[Any]]:
        return self._statement.sql(engine_type), list(self._args)

    def __str__(self) -> str:  # what the engine logs with log_queries
        return self._statement.template.format(*(repr(arg) for arg in self._args))


_POSTGRESQL_SNAPSHOT = ReadStatement("SELECT pg_current_snapshot()::text AS snapshot")


async def database_version() -> Hashable | None:
    """A value equal to one read before only if nothing was committed to the database
    in between; None where the engine cannot tell.

    SQLite: ``PRAGMA data_version`` on the event loop's reader
    (``PooledSQLiteEngine.data_version``), no query. PostgreSQL: the current snapshot
    (``xmin:xmax:ids in progress``), one query: a transaction that writes takes an id,
    so its commit either removes that id from the list or came after a newer id was
    taken; read-only transactions take none and change nothing.
    """
    engine = _engine()
    read = getattr(engine, "data_version", None)
    if read is not None:
        return read()
    if engine.engine_type == "postgres":
        [row] = await _POSTGRESQL_SNAPSHOT.records()
        return row["snapshot"]
    return None


def boolean(value: Any) -> bool:
    """SQLite answers 0/1 where PostgreSQL answers False/True."""
    return bool(value)


def json_value(value: Any) -> Any:
    """A JSON column: PostgreSQL (asyncpg) and SQLite both answer its text."""
    return json.loads(value) if isinstance(value, str | bytes) else value
