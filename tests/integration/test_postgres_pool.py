"""The PostgreSQL pool takes connections back without asyncpg's reset query
(app/postgres_connection.py): what the portal relies on still holds on the next
acquirer's connection. PostgreSQL only."""

from __future__ import annotations

import asyncpg
import pytest

from app.postgres_connection import NoResetQueryConnection
from app.settings import get_settings

pytestmark = pytest.mark.skipif(get_settings().is_sqlite, reason="PostgreSQL only")
LOCK = 4_242_013


@pytest.fixture
async def pool():
    pool = await asyncpg.create_pool(
        dsn=get_settings().database_url,
        connection_class=NoResetQueryConnection,
        min_size=1,
        max_size=1,  # every acquire gets the same connection back
    )
    yield pool
    await pool.close()


async def test_a_transaction_advisory_lock_ends_with_its_transaction(pool):
    async with pool.acquire() as connection, connection.transaction():
        await connection.execute("SELECT pg_advisory_xact_lock($1)", LOCK)
    other = await asyncpg.connect(get_settings().database_url)
    try:
        assert await other.fetchval("SELECT pg_try_advisory_lock($1)", LOCK) is True
        await other.execute("SELECT pg_advisory_unlock($1)", LOCK)
    finally:
        await other.close()


async def test_a_transaction_left_open_is_rolled_back_on_release(pool):
    async with pool.acquire() as connection:
        await connection.execute("BEGIN")
        await connection.execute("CREATE TEMP TABLE left_open (id int)")
    async with pool.acquire() as connection:
        assert not connection.is_in_transaction()
        exists = await connection.fetchval("SELECT to_regclass('pg_temp.left_open')")
        assert exists is None
