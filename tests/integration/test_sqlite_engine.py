"""The embedded default reuses its SQLite connections (issue 13, target 2)."""

from __future__ import annotations

import asyncio
import sqlite3
import threading

import pytest
from aiosqlite.core import _connection_worker_thread

from app.settings import get_settings
from app.sqlite_engine import IDLE_CONNECTIONS, PooledSQLiteEngine
from app.tables.catalog import Campaign
from tests.factories import make_campaign

pytestmark = pytest.mark.skipif(not get_settings().is_sqlite, reason="SQLite engine only")


async def test_sequential_queries_share_one_connection(database):
    assert isinstance(database, PooledSQLiteEngine)
    await database.close_idle_connections()
    opened = database.connections_opened
    for year in range(2030, 2040):
        await make_campaign(academic_year=f"{year}/{year + 1}", active=False)
    assert await Campaign.count() == 10
    assert database.connections_opened - opened == 1


def connection_threads() -> int:
    return sum(
        1 for t in threading.enumerate() if getattr(t, "_target", None) is _connection_worker_thread
    )


async def test_concurrent_queries_each_get_a_connection_and_the_pool_stays_bounded(database):
    engine = PooledSQLiteEngine(path=database.path)
    threads = connection_threads()
    query = Campaign.count().querystrings[0]
    counts = await asyncio.gather(*(engine.run_querystring(query) for _ in range(12)))
    assert counts == [[{"count": 0}]] * 12
    assert 1 <= engine.connections_opened <= 12
    assert len(engine._idle) == min(engine.connections_opened, IDLE_CONNECTIONS)
    for _ in range(50):  # a closed connection's thread ends just after close() returns
        if connection_threads() - threads <= len(engine._idle):
            break
        await asyncio.sleep(0.1)
    assert connection_threads() - threads == len(engine._idle)
    await engine.close_idle_connections()


async def test_a_failed_query_does_not_poison_the_next_ones(database):
    await make_campaign(code="C2026")
    with pytest.raises(sqlite3.IntegrityError):
        await make_campaign(code="C2026", active=False)
    assert await Campaign.count() == 1
    rows = await database.run_querystring(Campaign.select(Campaign.code).querystrings[0])
    assert rows == [{"code": "C2026"}]


async def test_the_database_is_in_wal_mode_and_foreign_keys_are_on(database):
    rows = await database._run_in_new_connection("PRAGMA journal_mode")
    assert rows == [{"journal_mode": "wal"}]
    rows = await database._run_in_new_connection("PRAGMA foreign_keys")
    assert rows == [{"foreign_keys": 1}]


async def test_a_pages_selects_run_on_the_loops_thread_and_nothing_else_does(database):
    await make_campaign(code="C2026", academic_year="2026/2027")
    query = Campaign.select(Campaign.code, Campaign.academic_year).querystrings[0]
    outside = await database.run_querystring(query)
    before = database.inline_reads
    async with database.one_connection():
        inside = await database.run_querystring(query)
        assert database.inline_reads == before + 1
        await make_campaign(code="C2027", academic_year="2027/2028", active=False)  # a write
        assert database.inline_reads == before + 1
        async with database.transaction():  # a transaction keeps its own connection
            assert await Campaign.count() == 2
        assert database.inline_reads == before + 1
        assert len(await database.run_querystring(query)) == 2  # sees the committed write
        assert database.inline_reads == before + 2
    assert inside == outside == [{"code": "C2026", "academic_year": "2026/2027"}]
    assert len(await database.run_querystring(query)) == 2
    assert database.inline_reads == before + 2  # after the block: through aiosqlite again


async def test_a_read_the_database_locks_out_waits_off_the_event_loop(tmp_path):
    """A page's read finding the database locked (here: another connection in exclusive
    locking mode) hands over to aiosqlite's thread after INLINE_BUSY_TIMEOUT instead of
    holding the event loop for sqlite3's 5 s; it returns once the lock is gone.

    On a database file of its own: in WAL mode, exclusive locking needs every other
    connection of the file closed, and the suite's shared file may have one open in
    another thread (it failed once in CI that way)."""
    engine = PooledSQLiteEngine(path=str(tmp_path / "locked.sqlite"))
    await engine._run_in_new_connection("CREATE TABLE campaign (id INTEGER PRIMARY KEY, code TEXT)")
    await engine._run_in_new_connection("INSERT INTO campaign (code) VALUES ('C2026')")
    query = Campaign.select(Campaign.code).querystrings[0]
    await engine.close_idle_connections()  # exclusive locking needs no other one open
    locker = sqlite3.connect(engine.connection_kwargs["database"], isolation_level=None)
    locker.execute("PRAGMA locking_mode = EXCLUSIVE")
    locker.execute("BEGIN EXCLUSIVE")
    locker.execute("UPDATE campaign SET code = code")
    locker.execute("COMMIT")  # exclusive locking mode keeps the lock after the commit
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    async def release_the_lock_later() -> None:
        await asyncio.sleep(0.5)
        locker.close()

    ticker = asyncio.create_task(tick())
    releaser = asyncio.create_task(release_the_lock_later())
    try:
        async with engine.one_connection():
            rows = await engine.run_querystring(query)
    finally:
        ticker.cancel()
        await releaser
        await engine.close_idle_connections()
    assert rows == [{"code": "C2026"}]
    assert engine.inline_reads_handed_over == 1
    assert ticks >= 20  # the loop ran while the read waited for the lock (~0.5 s)
