"""Set-based inserts for the benchmark generators: ``COPY`` on PostgreSQL (asyncpg),
``executemany`` of one prepared INSERT on SQLite, both in one transaction.

Rows carry their ids: the generator numbers them from each table's current maximum, so
that foreign keys are known before anything is written, and the PostgreSQL sequences
are moved past them at the end (:meth:`BulkSink.finish`).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from urllib.parse import urlsplit

import asyncpg
from piccolo.engine.sqlite import convert_date_in, convert_datetime_in

BATCH = 20_000  # rows per COPY / executemany call: bounded memory, few round trips


def _sqlite_value(value):
    """What Piccolo's SQLite engine stores (its own adapters): ISO dates, instants as
    ``str()`` in UTC (a space, not a T: the jobs compare them as text), JSON as text."""
    if isinstance(value, datetime):
        return convert_datetime_in(value)
    if isinstance(value, date):
        return convert_date_in(value)
    if isinstance(value, dict | list):
        return json.dumps(value)
    if isinstance(value, bool):
        return int(value)
    return value


class BulkSink:
    """One open connection and transaction on the bench database."""

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url
        self.postgres = urlsplit(database_url).scheme in {"postgres", "postgresql"}
        self.written: dict[str, int] = {}
        self._pg: asyncpg.Connection | None = None
        self._sqlite: sqlite3.Connection | None = None
        self._tx = None

    async def __aenter__(self) -> BulkSink:
        if self.postgres:
            self._pg = await asyncpg.connect(self.database_url)
            self._tx = self._pg.transaction()
            await self._tx.start()
        else:
            path = self.database_url.removeprefix("sqlite:///")
            self._sqlite = sqlite3.connect(path, isolation_level=None)
            self._sqlite.execute("PRAGMA foreign_keys = ON")
            self._sqlite.execute("BEGIN IMMEDIATE")
        return self

    async def __aexit__(self, kind, error, traceback) -> None:
        if self.postgres:
            assert self._pg is not None and self._tx is not None
            if kind is None:
                await self._tx.commit()
            else:
                await self._tx.rollback()
            await self._pg.close()
        else:
            assert self._sqlite is not None
            self._sqlite.execute("COMMIT" if kind is None else "ROLLBACK")
            self._sqlite.close()

    async def fetch(self, sql: str) -> list[tuple]:
        """Rows of a plain SELECT (no parameters), as tuples."""
        if self.postgres:
            return [tuple(row) for row in await self._pg.fetch(sql)]
        return self._sqlite.execute(sql).fetchall()

    async def next_id(self, table: str) -> int:
        return (await self.fetch(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}"))[0][0]

    async def insert(self, table: str, columns: Sequence[str], rows: Iterable[Sequence]) -> int:
        """Write ``rows`` (tuples in ``columns`` order), BATCH at a time."""
        count = 0
        batch: list[Sequence] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= BATCH:
                await self._write(table, columns, batch)
                count += len(batch)
                batch = []
        if batch:
            await self._write(table, columns, batch)
            count += len(batch)
        self.written[table] = self.written.get(table, 0) + count
        return count

    async def _write(self, table: str, columns: Sequence[str], batch: list[Sequence]) -> None:
        if self.postgres:
            if "data" in columns:  # asyncpg's COPY wants json columns as text
                at = list(columns).index("data")
                batch = [(*r[:at], json.dumps(r[at]), *r[at + 1 :]) for r in batch]
            await self._pg.copy_records_to_table(table, records=batch, columns=list(columns))
            return
        marks = ", ".join("?" for _ in columns)
        self._sqlite.executemany(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
            ([_sqlite_value(v) for v in row] for row in batch),
        )

    async def finish(self) -> None:
        """PostgreSQL: each written table's sequence continues after the ids we chose."""
        if not self.postgres:
            return
        for table in self.written:
            await self._pg.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
            )
