"""Piccolo's SQLite engine with connection reuse, for the embedded default.

Piccolo opens a new aiosqlite connection for every query outside a transaction, and
aiosqlite starts a thread for every connection: on a signed-in page of a dozen queries,
opening connections cost more than the queries (docs/benchmarks.md). This engine keeps
a few idle connections and hands them out one query at a time. Transactions still get
their own connection, as in Piccolo.

The connections run in autocommit mode (Piccolo's ``isolation_level=None``): an idle
connection never holds a transaction or a read snapshot. The database is switched to
WAL once, so readers do not wait for a writer and a writer does not wait for readers.
"""

from __future__ import annotations

import itertools
import sqlite3
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import Any

import aiosqlite
from piccolo.engine.sqlite import SQLiteEngine, dict_factory

import app.sqlite_converters  # noqa: F401  (registers the faster converters)

_inline_reads: ContextVar[bool] = ContextVar("ecesure_sqlite_inline_reads", default=False)
_READERS = itertools.count(1)

INLINE_BUSY_TIMEOUT = 0.05
"""Seconds a read on the event loop's thread waits for a lock (WAL recovery, a writer in
exclusive locking mode) before handing the read to aiosqlite's thread, which waits as
long as it must without stalling every other request of the process."""

IDLE_CONNECTIONS = 16
"""Idle connections kept per process. With four, a process serving 20 requests at once
opened and closed a connection (and its thread) for most queries: 7 % of a page's CPU
under load (issue 13's profile). An idle connection costs a sleeping thread and SQLite's
page cache."""


class PooledSQLiteEngine(SQLiteEngine):
    def __init__(self, path: str, *, idle_connections: int = IDLE_CONNECTIONS, **kwargs: Any):
        super().__init__(path=path, **kwargs)
        self._idle: list[aiosqlite.Connection] = []
        self._max_idle = idle_connections
        self.connections_opened = 0  # for tests and benchmarks
        self.inline_reads = 0  # idem
        self.inline_reads_handed_over = 0  # idem
        self._per_thread = threading.local()

    async def _connect(self) -> aiosqlite.Connection:
        connection = aiosqlite.connect(**self.connection_kwargs)
        # A pooled connection lives as long as the process; its thread must not keep the
        # process alive at exit (every query has committed by then: autocommit).
        connection._thread.daemon = True
        await connection
        connection.row_factory = dict_factory
        await connection.execute("PRAGMA foreign_keys = 1")
        await connection.execute("PRAGMA journal_mode = WAL")
        self.connections_opened += 1
        return connection

    @asynccontextmanager
    async def one_connection(self) -> AsyncIterator[None]:
        """A page's reads (``app.sql.one_connection``): the SELECTs of this block run
        outside transactions on a connection of the event loop's own thread, without
        aiosqlite's hand-off to a thread and back (under load, its futex and wake-up
        pipe cost more system time than the query: issue 13). A read in WAL mode waits
        for no writer; the block holds only short, indexed reads of one candidate."""
        token = _inline_reads.set(True)
        try:
            yield
        finally:
            _inline_reads.reset(token)

    def _reader(self) -> sqlite3.Connection:
        """This thread's connection for reads on the event loop (it never writes)."""
        connection = getattr(self._per_thread, "connection", None)
        if connection is None:
            connection = sqlite3.connect(
                **{**self.connection_kwargs, "timeout": INLINE_BUSY_TIMEOUT}
            )
            connection.row_factory = dict_factory
            connection.execute("PRAGMA foreign_keys = 1")
            self._per_thread.connection = connection
            self._per_thread.serial = next(_READERS)
            self.connections_opened += 1
        return connection

    def data_version(self) -> tuple[int, int]:
        """Equal to the value read before only if no connection has committed a change
        to the database since (SQLite's ``PRAGMA data_version``, read on this thread's
        reader, which never writes: any other connection of any process counts). The
        reader's serial keeps two readers' values apart."""
        row = self._reader().execute("PRAGMA data_version").fetchone()
        return self._per_thread.serial, row["data_version"]

    def _read_here(self, query: str, args: list[Any] | None) -> list[dict]:
        """Raises ``sqlite3.OperationalError`` when the database stays locked for
        :data:`INLINE_BUSY_TIMEOUT`."""
        connection = self._reader()
        self.inline_reads += 1
        cursor = connection.execute(query, args or [])
        try:
            return cursor.fetchall()
        finally:
            cursor.close()

    async def _run_in_new_connection(
        self,
        query: str,
        args: list[Any] | None = None,
        query_type: str = "generic",
        table: Any = None,
    ):
        if _inline_reads.get() and query.lstrip()[:6].upper() == "SELECT":
            try:
                return self._read_here(query, args)
            except sqlite3.OperationalError as error:
                if "locked" not in str(error):
                    raise
                self.inline_reads_handed_over += 1  # waits below, off the event loop
        connection = self._idle.pop() if self._idle else await self._connect()
        try:
            async with connection.execute(query, args or []) as cursor:
                if query_type == "insert" and self.get_version_sync() < 3.35:
                    assert table is not None
                    pk = await self._get_inserted_pk(cursor, table)
                    rows = [{table._meta.primary_key._meta.db_column_name: pk}]
                else:
                    rows = await cursor.fetchall()
        except BaseException:
            # Failed or cancelled mid-query: its thread may still be busy; never reuse it.
            connection.stop()
            raise
        if len(self._idle) < self._max_idle:
            self._idle.append(connection)
        else:
            await connection.close()
        return rows

    async def close_idle_connections(self) -> None:
        while self._idle:
            await self._idle.pop().close()
        connection = getattr(self._per_thread, "connection", None)
        if connection is not None:  # this thread's, for reads in a page's block
            self._per_thread.connection = None
            connection.close()
