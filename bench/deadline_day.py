"""Deadline day: 2,000 candidates sign in, open their application, upload three pieces
and transmit within 5 minutes, against 2 web processes and 2 arq workers on this
machine (issue 13, target 8: no error, p95 ≤ 300 ms, every mail delivered once).

Not a test: ``.venv/bin/python bench/deadline_day.py --database-url
postgres://postgres@127.0.0.1:5432/ecesure_bench [--users 2000] [--minutes 5]
[--redis-url redis://127.0.0.1:6379/11]``. The database's ``public`` schema is DROPPED
and recreated, and the Redis database flushed: give them to the bench alone. Needs
Locust (``pip install -e '.[bench]'``).

The layout is docs/deploy.md's "two web processes and two workers on one machine":
``uvicorn --workers 2`` behind one port (trusting ``X-Forwarded-For`` from the loopback,
as from a reverse proxy), two ``arq workers.settings.WorkerSettings``, and an SMTP sink
counting what it receives. Locust runs headless in its own process
(``bench/deadline_locustfile.py``): candidates arrive evenly over ``--minutes`` and each
does the whole visit once. Then the bench waits for the workers to empty the outbox and
checks: Locust's failures = 0, p95 of every request, every application transmitted,
every outbox mail received by the sink exactly once (by Message-ID).
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
import random
import resource
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.support import (
    BIN,
    ROOT,
    counting_sink,
    free_port,
    portal_env,
    prepare,
    py_spy,
    wait_for_http,
)
from bench.uploads import largest_under, noise_jpeg, noise_pdf

P95_BOUND_MS = 300
PIECE_BYTES = 200_000  # a phone photo or a scanned page, compressed


async def seed(users: int) -> dict:
    from app.cli import database
    from bench.seed_candidates import seed_candidates

    async with database():
        seeded = await seed_candidates(users, pieces=3)
    return {"pieces": seeded.piece_ids, "candidates": seeded.candidates}


async def outbox_state() -> Counter:
    from app.cli import database
    from app.tables.mail import OutboxMail

    async with database():
        rows = await OutboxMail.select(OutboxMail.status)
    return Counter(row["status"] for row in rows)


async def outcome() -> tuple[Counter, set[str], Counter]:
    """Applications by status, the Message-ID every outbox row should have reached the
    sink with, and the rows by (status, attempts)."""
    from app.cli import database
    from app.mail.sender import message_id
    from app.settings import get_settings
    from app.tables.applications import Application
    from app.tables.mail import OutboxMail

    async with database():
        applications = Counter(r["status"] for r in await Application.select(Application.status))
        mails = await OutboxMail.select(
            OutboxMail.id, OutboxMail.created_at, OutboxMail.status, OutboxMail.attempts
        )
    expected = {message_id(r["id"], r["created_at"], get_settings()) for r in mails}
    return applications, expected, Counter((r["status"], r["attempts"]) for r in mails)


def locust_summary(prefix: Path) -> tuple[dict, list[dict]]:
    """The "Aggregated" row of Locust's stats and the per-request rows."""
    with open(f"{prefix}_stats.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    total = next(row for row in rows if row["Name"] == "Aggregated")
    return total, [row for row in rows if row["Name"] != "Aggregated"]


def cpu_seconds(processes: list[subprocess.Popen]) -> float:
    """User + system CPU of these processes and of their children (uvicorn's workers),
    every thread included."""
    import psutil

    total = 0.0
    for process in processes:
        tree = psutil.Process(process.pid)
        for each in [tree, *tree.children(recursive=True)]:
            times = each.cpu_times()
            total += times.user + times.system
    return total


def database_cpu_seconds(database_url: str) -> float:
    """User + system CPU of the PostgreSQL backends serving this database (the pools of
    the web processes and workers: opened at their start, open until they stop)."""
    import psutil

    name = database_url.rsplit("/", 1)[-1]
    total = 0.0
    for process in psutil.process_iter(["cmdline"]):
        words = " ".join(process.info["cmdline"] or []).split()
        if words[:1] == ["postgres:"] and name in words:
            try:
                times = process.cpu_times()
            except psutil.NoSuchProcess:
                continue
            total += times.user + times.system
    return total


def stop(process: subprocess.Popen) -> None:
    """SIGTERM, then after 30 s SIGKILL to it and its children (uvicorn's workers)."""
    import psutil

    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        for child in psutil.Process(process.pid).children(recursive=True):
            child.kill()
        process.kill()
        process.wait(timeout=10)


def failure_reasons(prefix: Path) -> list[str]:
    with open(f"{prefix}_failures.csv", newline="") as handle:
        return [
            f"{row['Occurrences']:>6} × {row['Method']} {row['Name']}: {row['Error'][:150]}"
            for row in csv.DictReader(handle)
        ]


def wait_for_outbox(seconds: float) -> Counter:
    """Until no mail is queued or being sent (or ``seconds`` passed)."""
    deadline = time.monotonic() + seconds
    while True:
        state = asyncio.run(outbox_state())
        if not (state["queued"] or state["sending"]) or time.monotonic() > deadline:
            return state
        time.sleep(2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", required=True, help="PostgreSQL database to wipe")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/11")
    parser.add_argument("--users", type=int, default=2000)
    parser.add_argument("--minutes", type=float, default=5)
    parser.add_argument("--pool-size", type=int, default=8, help="DATABASE_POOL_SIZE")
    parser.add_argument(
        "--profile",
        type=Path,
        help="folder for py-spy's raw stacks of each web process and worker (bench/profile_summary.py)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ecesure-deadline-") as var_name:
        var = Path(var_name)
        smtp_port, web_port = free_port(), free_port()
        env = portal_env(
            var_name,
            database_url=args.database_url,
            redis_url=args.redis_url,
            SMTP_PORT=str(smtp_port),
            DATABASE_POOL_SIZE=str(args.pool_size),
            BASE_URL=f"http://127.0.0.1:{web_port}",
        )
        prepare(env)
        os.environ.update(env)
        started = time.perf_counter()
        (var / "seed.json").write_text(json.dumps(asyncio.run(seed(args.users))))
        print(f"seeded {args.users} candidates in {time.perf_counter() - started:.0f} s")
        (var / "piece.pdf").write_bytes(
            largest_under(lambda side: noise_pdf(random.Random(1), side), PIECE_BYTES)
        )
        (var / "piece.jpg").write_bytes(
            largest_under(lambda side: noise_jpeg(random.Random(2), side), PIECE_BYTES)
        )
        logs = open(var / "processes.log", "wb")  # noqa: SIM115
        processes: list[subprocess.Popen] = []
        with counting_sink(smtp_port, var / "sink.log") as sink:
            try:
                processes.append(
                    subprocess.Popen(
                        [
                            BIN / "uvicorn",
                            *("--factory", "app.asgi:create_app", "--port", str(web_port)),
                            *("--workers", "2", "--no-access-log", "--log-level", "warning"),
                            *("--proxy-headers", "--forwarded-allow-ips=127.0.0.1"),
                            *("--timeout-graceful-shutdown", "10"),
                        ],
                        cwd=ROOT,
                        env=env,
                        stdout=logs,
                        stderr=logs,
                    )
                )
                for _ in range(2):
                    processes.append(
                        subprocess.Popen(
                            [BIN / "arq", "workers.settings.WorkerSettings"],
                            cwd=ROOT,
                            env=env,
                            stdout=logs,
                            stderr=logs,
                        )
                    )
                # Two processes importing the app on a busy machine: give them time.
                wait_for_http(f"http://127.0.0.1:{web_port}/healthz", seconds=300)
                spies = []
                if args.profile:
                    import psutil

                    args.profile.mkdir(parents=True, exist_ok=True)
                    webs = [c.pid for c in psutil.Process(processes[0].pid).children()]
                    spies = [py_spy(pid, args.profile / f"web-{pid}.txt") for pid in webs] + [
                        py_spy(w.pid, args.profile / f"worker-{w.pid}.txt") for w in processes[1:]
                    ]
                spawn_rate = args.users / (args.minutes * 60 - 30)  # the last has 30 s
                load_before = os.getloadavg()
                started = time.perf_counter()
                children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
                # From here on: the start-up (imports, the app built) is not the visits'.
                cpu_before = (
                    cpu_seconds(processes[:1]),
                    cpu_seconds(processes[1:]),
                    database_cpu_seconds(args.database_url),
                )
                locust = subprocess.run(
                    [
                        BIN / "locust",
                        *("-f", str(ROOT / "bench" / "deadline_locustfile.py"), "--headless"),
                        *("-H", f"http://127.0.0.1:{web_port}", "-u", str(args.users)),
                        *("-r", f"{spawn_rate:.3f}", "-t", f"{int(args.minutes * 60 + 120)}s"),
                        *("--csv", str(var / "locust"), "--only-summary", "--loglevel", "WARNING"),
                    ],
                    cwd=ROOT,
                    env={
                        **env,
                        "DEADLINE_CANDIDATES": str(var / "seed.json"),
                        "DEADLINE_FILES": str(var),
                        "DEADLINE_PASSWORD": "Deadline-day-2026",
                    },
                    capture_output=True,
                    text=True,
                )
                seconds = time.perf_counter() - started
                children = resource.getrusage(resource.RUSAGE_CHILDREN)
                locust_cpu = (children.ru_utime - children_before.ru_utime) + (
                    children.ru_stime - children_before.ru_stime
                )
                load_after = os.getloadavg()
                outbox = wait_for_outbox(120)
                drained = time.perf_counter() - started
                web_cpu = cpu_seconds(processes[:1]) - cpu_before[0]
                worker_cpu = cpu_seconds(processes[1:]) - cpu_before[1]
                database_cpu = database_cpu_seconds(args.database_url) - cpu_before[2]
                for spy in spies:
                    spy.send_signal(signal.SIGINT)  # py-spy then writes its file
                for spy in spies:
                    spy.wait(timeout=60)
            finally:
                for process in processes:
                    stop(process)
                logs.close()
            received = sink.message_ids()
        applications, expected, rows = asyncio.run(outcome())
        total, requests = locust_summary(var / "locust")
        failed = failure_reasons(var / "locust")
        errors = [
            line
            for line in (var / "processes.log").read_text(errors="replace").splitlines()
            if "Error" in line or "error" in line
        ]
        if locust.returncode not in (0, 1):
            print(locust.stdout[-3000:], locust.stderr[-3000:])

    once = set(received) == expected and set(received.values()) == {1}
    failures, count = int(total["Failure Count"]), int(total["Request Count"])
    p95 = float(total["95%"])
    print(
        f"load              {args.users} candidates over {args.minutes:g} min; Locust ran {seconds:.0f} s"
    )
    print(
        f"machine load      {load_before[0]:.1f} before Locust, {load_after[0]:.1f} at its end"
        f" (1-minute load average; {os.cpu_count()} cores)"
    )
    print(f"requests          {count}, failures {failures}, {count / seconds:.1f}/s")
    print(
        f"latency           median {total['50%']} ms, p95 {p95:.0f} ms, p99 {total['99%']} ms, max {float(total['Max Response Time']):.0f} ms"
    )
    for row in requests:
        print(
            f"  {row['Name']:<40} {row['Request Count']:>6}  p50 {row['50%']:>5}  p95 {row['95%']:>6}"
            f"  p99 {row['99%']:>6}  failures {row['Failure Count']}"
        )
    mails = sum(received.values())
    per = 1000 / args.users  # seconds in all → milliseconds a candidate
    everything = web_cpu + worker_cpu + database_cpu + locust_cpu
    print(
        f"server CPU        web {web_cpu:.1f} s, workers {worker_cpu:.1f} s (from Locust's start"
        f" to the outbox drained): {(web_cpu + worker_cpu) * per:.0f} ms a candidate (web "
        f"{web_cpu * per:.0f} ms, workers {worker_cpu * per:.0f} ms; workers "
        f"{worker_cpu / max(mails, 1) * 1000:.1f} ms a mail job, idle polling included)"
    )
    print(
        f"other CPU         PostgreSQL backends {database_cpu:.1f} s ({database_cpu * per:.0f} ms a"
        f" candidate), Locust {locust_cpu:.1f} s ({locust_cpu * per:.0f} ms a candidate: the"
        f" load tool shares the cores); in all {everything * per:.0f} ms a candidate, "
        f"{everything / (2 * args.minutes * 60):.0%} of 2 cores over {args.minutes:g} min"
    )
    for line in failed:
        print(f"  failed {line}")
    if errors:
        print(f"server log        {len(errors)} lines with an error, the last: {errors[-1][:300]}")
    print(f"applications      {dict(applications)}")
    print(
        f"outbox            {dict(rows)} (drained {drained:.0f} s after the start; {dict(outbox)})"
    )
    print(f"mails             {mails} received, {len(expected)} expected, each once: {once}")
    ok = (
        failures == 0
        and p95 <= P95_BOUND_MS
        and applications == Counter({"RE": args.users})
        and once
        and seconds <= args.minutes * 60 + 60
    )
    print(
        "PASS"
        if ok
        else f"FAIL (bounds: no failure, p95 ≤ {P95_BOUND_MS} ms, all transmitted, mails once)"
    )


if __name__ == "__main__":
    main()
