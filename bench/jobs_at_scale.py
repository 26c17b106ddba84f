"""The daily jobs over a large campaign (issue 13, target 6).

Not a test. Run it by hand::

    .venv/bin/python bench/jobs_at_scale.py                         # SQLite, temporary file
    .venv/bin/python bench/jobs_at_scale.py --database-url postgres://postgres@127.0.0.1:5432/ecesure_bench

A PostgreSQL database is EMPTIED first (its ``public`` schema dropped and recreated):
give it one made for the purpose. The script migrates it, loads the reference data,
writes a campaign of 100,000 applications and 100,000 expired unactivated accounts
(bench/large_campaign.py), then runs each cron job once, as the worker does (with a
real Redis: the mails are enqueued), and prints its time, the rows it handled, its
ratio to the issue's target (purge ≤ 10 s; reminders ≤ 30 s) and its ratio to a
baseline measured in the same run on the same database: a plain bulk DELETE of as
many rows from a copy of the accounts table, and a ``SELECT count(*)`` join over the
applications, so that figures compare across machines. Record results in
docs/benchmarks.md.
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
from bench.large_campaign import generate, setup_database  # noqa: E402

TARGETS = {"purge_accounts": 10.0, "remind_return": 30.0, "remind_unanswered": 30.0,
           "auto_withdraw": 30.0}  # fmt: skip
JOBS = ("purge_accounts", "remind_return", "remind_unanswered", "auto_withdraw")


async def empty_postgres(database_url: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(database_url)
    try:
        await connection.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    finally:
        await connection.close()


async def timed(coroutine) -> tuple[float, object]:
    started = time.perf_counter()
    result = await coroutine
    return time.perf_counter() - started, result


async def baselines(expired: int) -> dict[str, float]:
    """Plain SQL on the same data: a bulk DELETE of ``expired`` rows (from a copy of the
    accounts, dropped after) and a count over the applications joined to their campaign."""
    from app.db import write_transaction
    from app.tables.applications import Application

    await Application.raw("CREATE TABLE bench_accounts AS SELECT * FROM candidate_account")
    try:
        async with write_transaction():
            delete, _ = await timed(
                Application.raw(
                    "DELETE FROM bench_accounts WHERE id IN (SELECT id FROM bench_accounts"
                    " WHERE activated_at IS NULL ORDER BY id LIMIT {})",
                    expired,
                )
            )
    finally:
        await Application.raw("DROP TABLE bench_accounts")
    count, _ = await timed(
        Application.raw(
            "SELECT COUNT(*) AS n FROM application a JOIN programme p ON p.id = a.programme"
            " JOIN commission cm ON cm.id = p.commission JOIN centre ce ON ce.id = cm.centre"
            " WHERE ce.campaign IS NOT NULL"
        )
    )
    return {"bulk DELETE": delete, "count(*) join": count}


async def run_jobs(redis_url: str) -> dict[str, tuple[float, int]]:
    from redis.asyncio import Redis

    from app.cli import database
    from workers.accounts import purge_accounts
    from workers.applications import auto_withdraw, remind_return, remind_unanswered

    functions = {"purge_accounts": purge_accounts, "remind_return": remind_return,
                 "remind_unanswered": remind_unanswered, "auto_withdraw": auto_withdraw}  # fmt: skip
    redis = Redis.from_url(redis_url)
    results: dict[str, tuple[float, int]] = {}
    try:
        async with database():
            results["baseline"] = await baselines(100_000)
            for name in JOBS:
                results[name] = await timed(functions[name]({"redis": redis}))
                print(f"  {name} done", flush=True)
    finally:
        await redis.flushdb()  # the bench's own database: the enqueued mail jobs go
        await redis.aclose()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="PostgreSQL database to EMPTY and use")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/6")
    parser.add_argument("--applications", type=int, default=100_000)
    parser.add_argument("--expired-accounts", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ecesure-jobs-") as var:
        database_url = args.database_url or f"sqlite:///{var}/bench.db"
        os.environ.update({"DATABASE_URL": database_url, "VAR_DIR": var, "ENV": "dev"})
        if args.database_url:
            asyncio.run(empty_postgres(database_url))
        setup_database(database_url)
        generated = asyncio.run(
            generate(database_url, applications=args.applications,
                     expired_accounts=args.expired_accounts)
        )  # fmt: skip
        print(f"generated {sum(generated.written.values()):,} rows in {generated.seconds:.1f} s")
        results = asyncio.run(run_jobs(args.redis_url))
    base = results.pop("baseline")
    print(f"database            {'PostgreSQL' if args.database_url else 'SQLite'}; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")  # fmt: skip
    print(f"applications        {args.applications:,}; expired accounts {args.expired_accounts:,}")
    for name, seconds in base.items():
        print(f"baseline {name:16} {seconds:7.2f} s")
    reference = base["bulk DELETE"]
    print(f"{'job':18} {'rows':>8} {'time':>9} {'÷ target':>9} {'÷ bulk DELETE':>14}")
    for name, (seconds, count) in results.items():
        print(f"{name:18} {count:>8,} {seconds:8.2f}s {seconds / TARGETS[name]:9.2f} "
              f"{seconds / reference:14.1f}")  # fmt: skip
    print("PASS" if all(s <= TARGETS[n] for n, (s, _) in results.items()) else "FAIL")


if __name__ == "__main__":
    main()
