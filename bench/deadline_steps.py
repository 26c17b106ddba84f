"""Deadline day, step by step: the server CPU each step of a candidate's visit costs
(issue 13, target 8), measured one request at a time so that nothing else runs.

Not a test: ``.venv/bin/python bench/deadline_steps.py --database-url
postgres://postgres@127.0.0.1:5432/ecesure_bench [--candidates 40]
[--redis-url redis://127.0.0.1:6379/11] [--profile /tmp/steps]``. The database's
``public`` schema is DROPPED and recreated, and the Redis database flushed.

The candidates and pieces are ``bench/deadline_day.py``'s (seeded set-based, three
pieces of 200 KB). One uvicorn process and one arq worker serve them; the candidates go
through the visit one after the other (the same requests as
``bench/deadline_locustfile.py``). Around each request the bench reads the on-CPU time
of the web process (its CPU-time clock, in nanoseconds: every thread, the event loop and
the threads argon2 and file writes run in), so each figure is that request's CPU alone,
wherever the machine's load is: waiting for a core is not counted.
The worker's CPU is read before the first candidate and once the outbox is empty, and
divided by the mails sent.

With ``--profile DIR``, py-spy samples the web process during the visits
(``DIR/web.txt``, raw collapsed stacks) and the worker (``DIR/worker.txt``); each is
summarised per step: the share of samples under the step's handler, and the functions
most often on the stack (``bench/profile_summary.py``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import httpx

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.deadline_day import PIECE_BYTES, seed, stop, wait_for_outbox
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

PASSWORD = "Deadline-day-2026"


def cpu_ns(pid: int) -> int:
    """CPU time of ``pid`` in nanoseconds, every thread included, those already ended
    too (argon2 at its former parameters ran its four lanes in threads of their own):
    the process's CPU-time clock, ``clock_gettime(MAKE_PROCESS_CPUCLOCK(pid, SCHED))``
    as the Linux kernel encodes it."""
    return time.clock_gettime_ns(((~pid) << 3) | 2)


def visit(client: httpx.Client, login: str, application_id: int, pieces: list[int], files):
    """The candidate's requests, as the Locust scenario sends them: (step, method, url,
    expected status, keyword arguments)."""
    summary = f"/candidatures/{application_id}"

    def token() -> dict:
        return {"_csrf_token": client.cookies.get("ecesure_csrf", "")}

    yield "GET /connexion", "GET", "/connexion", 200, {}
    yield (
        "POST /connexion",
        "POST",
        "/connexion",
        303,
        {"data": {"identifier": login, "password": PASSWORD, **token()}},
    )
    yield "GET summary (first)", "GET", summary, 200, {}
    for n, (piece_id, file) in enumerate(zip(pieces, files, strict=True), 1):
        yield (
            f"POST upload {n}",
            "POST",
            f"{summary}/pieces/{piece_id}",
            303,
            {"data": token(), "files": {"fichier": file}},
        )
        yield f"GET summary (after upload {n})", "GET", summary, 200, {}
    yield "GET transmettre", "GET", f"{summary}/transmettre", 200, {}
    yield "POST transmettre", "POST", f"{summary}/transmettre", 303, {"data": token()}
    yield "GET summary (transmitted)", "GET", summary, 200, {}


def run_visits(base_url: str, web_pid: int, seeded: dict, files) -> dict[str, list[int]]:
    """Every candidate's visit, one request at a time; CPU nanoseconds per step."""
    spent: dict[str, list[int]] = defaultdict(list)
    for n, (login, application_id) in enumerate(seeded["candidates"]):
        headers = {"X-Forwarded-For": f"10.{n // 62500}.{n // 250 % 250}.{n % 250 + 1}"}
        with httpx.Client(base_url=base_url, headers=headers, timeout=60) as client:
            steps = visit(client, login, application_id, seeded["pieces"], files)
            for name, method, url, status, kwargs in steps:
                before = cpu_ns(web_pid)
                response = client.request(method, url, **kwargs)
                time.sleep(0.02)  # work the server does after sending the answer
                spent[name].append(cpu_ns(web_pid) - before)
                if response.status_code != status:
                    raise SystemExit(f"{name}: {response.status_code}, expected {status}")
    return spent


def spawn(command: list, env: dict, logs) -> subprocess.Popen:
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=logs, stderr=logs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", required=True, help="PostgreSQL database to wipe")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/11")
    parser.add_argument("--candidates", type=int, default=40)
    parser.add_argument("--profile", type=Path, help="folder for py-spy's raw stacks")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ecesure-steps-") as var_name:
        var = Path(var_name)
        smtp_port, web_port = free_port(), free_port()
        env = portal_env(
            var_name,
            database_url=args.database_url,
            redis_url=args.redis_url,
            SMTP_PORT=str(smtp_port),
            BASE_URL=f"http://127.0.0.1:{web_port}",
        )
        prepare(env)
        os.environ.update(env)
        seeded = asyncio.run(seed(args.candidates))
        pdf = largest_under(lambda side: noise_pdf(random.Random(1), side), PIECE_BYTES)
        jpeg = largest_under(lambda side: noise_jpeg(random.Random(2), side), PIECE_BYTES)
        files = [
            ("scan.pdf", pdf, "application/pdf"),
            ("photo.jpg", jpeg, "image/jpeg"),
            ("releve.pdf", pdf, "application/pdf"),
        ]
        logs = open(var / "processes.log", "wb")  # noqa: SIM115
        with counting_sink(smtp_port, var / "sink.log") as sink:
            web = spawn(
                [
                    *(BIN / "uvicorn", "--factory", "app.asgi:create_app"),
                    *("--port", str(web_port), "--no-access-log", "--log-level", "warning"),
                    *("--proxy-headers", "--forwarded-allow-ips=127.0.0.1"),
                ],
                env,
                logs,
            )
            worker = spawn([BIN / "arq", "workers.settings.WorkerSettings"], env, logs)
            spies: list[subprocess.Popen] = []
            try:
                base_url = f"http://127.0.0.1:{web_port}"
                wait_for_http(f"{base_url}/healthz", seconds=300)
                # Warm-up (imports, first queries, template compilation): a visit of
                # its own, not measured, on the first candidate.
                warm = {"candidates": seeded["candidates"][:1], "pieces": seeded["pieces"]}
                run_visits(base_url, web.pid, warm, files)
                wait_for_outbox(60)
                measured = {"candidates": seeded["candidates"][1:], "pieces": seeded["pieces"]}
                if args.profile:
                    args.profile.mkdir(parents=True, exist_ok=True)
                    spies = [
                        py_spy(web.pid, args.profile / "web.txt"),
                        py_spy(worker.pid, args.profile / "worker.txt"),
                    ]
                    time.sleep(1)
                sent_before = sink.total
                worker_before = cpu_ns(worker.pid)
                started = time.perf_counter()
                spent = run_visits(base_url, web.pid, measured, files)
                visits_seconds = time.perf_counter() - started
                outbox = wait_for_outbox(120)
                worker_ns = cpu_ns(worker.pid) - worker_before
                mails = sink.total - sent_before
            finally:
                for spy in spies:
                    spy.send_signal(signal.SIGINT)  # py-spy then writes its file
                for process in (web, worker):
                    stop(process)
                for spy in spies:
                    spy.wait(timeout=30)
                logs.close()

    visitors = len(measured["candidates"])
    print(f"{visitors} candidates one after the other in {visits_seconds:.0f} s (1 warm-up)")
    print(f"{'step':<32} {'count':>5} {'CPU mean':>9} {'median':>7} {'max':>7}  (ms)")
    total = 0.0
    for name, values in spent.items():
        mean = statistics.fmean(values) / 1e6
        total += mean * len(values) / visitors
        print(
            f"{name:<32} {len(values):>5} {mean:>9.1f} {statistics.median(values) / 1e6:>7.1f}"
            f" {max(values) / 1e6:>7.1f}"
        )
    print(f"web CPU a candidate              {total:.0f} ms")
    print(
        f"worker CPU                       {worker_ns / 1e6:.0f} ms for {mails} mails: "
        f"{worker_ns / 1e6 / max(mails, 1):.1f} ms a mail, {worker_ns / 1e6 / visitors:.1f} ms a"
        f" candidate (idle polling included); outbox {dict(outbox)}"
    )
    print(json.dumps({k: statistics.fmean(v) / 1e6 for k, v in spent.items()}))


if __name__ == "__main__":
    main()
