"""The tests' emptying of the domain tables before each test: every table (as before
issue 14) against only the tables the test used (tests/fixtures/db.py), on the same
database, in the same run.

Not a test: ``.venv/bin/python bench/table_emptying.py [--database-url URL] [--rounds 40]``.
Without ``--database-url``, a temporary SQLite file; a PostgreSQL database's name must
contain "bench" or "test" (its schema is dropped). Each round writes what a typical test
writes (the mail templates, a campaign, a centre, a commission, a programme), then
empties; prints the wall time per emptying of each way and the ratio.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


async def typical_test_rows() -> None:
    from app.mail.default_templates import install_default_templates
    from tests.factories import make_campaign, make_centre, make_commission, make_programme

    await install_default_templates()
    campaign = await make_campaign()
    await make_programme(await make_commission(await make_centre(campaign)))


async def empty_every_table(engine, names: list[str], is_sqlite: bool) -> None:
    """Before issue 14: one DELETE per table on SQLite, one TRUNCATE of all on PostgreSQL."""
    if is_sqlite:
        for name in names:
            await engine.run_ddl(f'DELETE FROM "{name}"')
    else:
        quoted = ", ".join(f'"{n}"' for n in names)
        await engine.run_ddl(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE")


async def per_emptying(empty, rounds: int) -> float:
    """Wall ms per emptying, the rows written again before each."""
    total = 0.0
    for _ in range(rounds):
        await typical_test_rows()
        started = time.perf_counter()
        await empty()
        total += time.perf_counter() - started
    return total / rounds * 1000


async def main(rounds: int) -> None:
    from piccolo.apps.migrations.commands.forwards import run_forwards
    from piccolo.engine import engine_finder

    from app.settings import get_settings
    from tests.fixtures.db import TableCleaner, _postgres_sequences, _tables_children_first

    settings = get_settings()
    engine = engine_finder()
    if not settings.is_sqlite:
        name = settings.database_url.rsplit("/", 1)[-1]
        if "bench" not in name and "test" not in name:
            raise SystemExit(f"refusing to drop the schema of {name!r}")
        await engine.run_ddl("DROP SCHEMA IF EXISTS public CASCADE")
        await engine.run_ddl("CREATE SCHEMA public")
        await engine.start_connection_pool(min_size=1, max_size=4)
    result = await run_forwards("all")
    assert result.success, result.message
    names = _tables_children_first()
    sequences = {} if settings.is_sqlite else await _postgres_sequences(engine, names)
    cleaner = TableCleaner(engine, names, sequences)
    await cleaner.empty()

    every = await per_emptying(lambda: empty_every_table(engine, names, settings.is_sqlite), rounds)
    used = await per_emptying(cleaner.empty, rounds)
    kind = "SQLite" if settings.is_sqlite else "PostgreSQL"
    print(f"{kind}, {len(names)} tables, {rounds} rounds")
    print(f"every table: {every:.1f} ms per emptying")
    print(f"used tables: {used:.1f} ms per emptying")
    print(f"ratio: {every / used:.1f} x")
    if not settings.is_sqlite:
        await engine.close_connection_pool()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--rounds", type=int, default=40)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ecesure-bench-") as folder:
        os.environ["VAR_DIR"] = folder
        os.environ["DATABASE_URL"] = arguments.database_url or f"sqlite:///{folder}/bench.db"
        asyncio.run(main(arguments.rounds))
