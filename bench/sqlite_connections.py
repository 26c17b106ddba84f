"""Piccolo's SQLite engine (a connection and a thread per query) against the portal's
pooled one (app/sqlite_engine.py), on the same file, in the same run.

Not a test: ``.venv/bin/python bench/sqlite_connections.py [--queries 500]``. Prints the
wall and CPU time per query of each engine and the ratio (Piccolo / pooled).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

from piccolo.engine.sqlite import SQLiteEngine

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from app.sqlite_engine import PooledSQLiteEngine

QUERY = "SELECT id, label FROM programme WHERE active = 1 ORDER BY label LIMIT 20"


async def per_query(engine: SQLiteEngine, queries: int) -> tuple[float, float]:
    """(wall ms, CPU ms) per query, after one warm-up query."""
    await engine._run_in_new_connection(QUERY)
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(queries):
        await engine._run_in_new_connection(QUERY)
    return (
        (time.perf_counter() - wall) / queries * 1000,
        (time.process_time() - cpu) / queries * 1000,
    )


async def main(queries: int) -> None:
    with tempfile.TemporaryDirectory(prefix="ecesure-bench-") as folder:
        path = str(Path(folder) / "bench.db")
        setup = SQLiteEngine(path=path)
        await setup._run_in_new_connection(
            "CREATE TABLE programme (id INTEGER PRIMARY KEY, label TEXT, active INTEGER)"
        )
        for n in range(200):
            await setup._run_in_new_connection(
                "INSERT INTO programme (label, active) VALUES (?, ?)", [f"CESURE {n}", n % 2]
            )
        piccolo = await per_query(SQLiteEngine(path=path), queries)
        pooled_engine = PooledSQLiteEngine(path=path)
        pooled = await per_query(pooled_engine, queries)
        await pooled_engine.close_idle_connections()
    print(f"{'engine':22} {'wall ms/query':>14} {'CPU ms/query':>13}")
    print(f"{'Piccolo SQLiteEngine':22} {piccolo[0]:14.2f} {piccolo[1]:13.2f}")
    print(f"{'PooledSQLiteEngine':22} {pooled[0]:14.2f} {pooled[1]:13.2f}")
    print(
        f"ratio (Piccolo / pooled): wall {piccolo[0] / pooled[0]:.1f} ×, "
        f"CPU {piccolo[1] / pooled[1]:.1f} ×"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--queries", type=int, default=500)
    asyncio.run(main(parser.parse_args().queries))
