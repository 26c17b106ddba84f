"""A page's reads on one pooled connection (app/postgres_engine.py): inside the block
every query outside a transaction runs on the same connection; a transaction keeps
its own; queries at once, or after the block, take one from the pool. PostgreSQL only."""

from __future__ import annotations

import asyncio

import pytest
from piccolo.querystring import QueryString

from app.postgres_connection import NoResetQueryConnection
from app.postgres_engine import HeldConnectionPostgresEngine
from app.settings import get_settings

pytestmark = pytest.mark.skipif(get_settings().is_sqlite, reason="PostgreSQL only")


@pytest.fixture
async def engine():
    engine = HeldConnectionPostgresEngine(
        config={"dsn": get_settings().database_url, "connection_class": NoResetQueryConnection}
    )
    await engine.start_connection_pool(min_size=3, max_size=3)
    yield engine
    await engine.close_connection_pool()


async def backend(engine, delay: float = 0) -> int:
    rows = await engine.run_querystring(
        QueryString("SELECT pg_backend_pid() AS pid, pg_sleep({}) AS slept", delay)
    )
    return rows[0]["pid"]


async def test_the_reads_of_a_block_share_one_connection_and_give_it_back(engine):
    async with engine.one_connection():
        pids = {await backend(engine) for _ in range(5)}
        assert len(pids) == 1
        assert engine.pool.get_idle_size() == 2  # the held one is out of the pool
    assert engine.pool.get_idle_size() == 3


async def test_a_transaction_in_the_block_keeps_its_own_connection(engine):
    async with engine.one_connection():
        held = await backend(engine)
        async with engine.transaction():
            assert await backend(engine) != held
        assert await backend(engine) == held


async def test_queries_at_once_each_get_a_connection(engine):
    async with engine.one_connection():
        pids = await asyncio.gather(backend(engine, 0.2), backend(engine, 0.2))
        assert len(set(pids)) == 2  # the second found the held one busy


async def test_a_task_that_outlives_the_block_uses_the_pool(engine):
    started = asyncio.Event()

    async def later() -> int:
        started.set()
        await asyncio.sleep(0.1)  # the block has ended by now
        return await backend(engine)

    async with engine.one_connection():
        task = asyncio.create_task(later())
        await started.wait()
    assert await task > 0
    assert engine.pool.get_idle_size() == 3


async def test_blocks_do_not_nest(engine):
    async with engine.one_connection():
        held = await backend(engine)
        async with engine.one_connection():
            assert await backend(engine) == held
            assert engine.pool.get_idle_size() == 2
