"""One arq worker delivers 10,000 outbox mails to a local SMTP sink (issue 13, target 5:
≤ 60 s).

Not a test: ``.venv/bin/python bench/mail_throughput.py [--mails 10000]
[--database-url postgres://…/ecesure_bench] [--redis-url redis://127.0.0.1:6379/11]
[--sink-ports 8650,8651]``.
Without ``--database-url`` the database is a fresh SQLite file in a temporary folder;
with one, that database's ``public`` schema is DROPPED and recreated: give it a database
of its own. The Redis database is flushed.

It writes the mails to the outbox as the portal does (``queued`` rows, one ``send_mail``
job each, job ids from the rows), then:

1. baseline: the same mails (the same MIME messages, built before the clock starts)
   sent with raw aiosmtplib over one connection to the sink: the floor of this SMTP
   client and this sink on this machine;
2. the real worker, ``arq --burst workers.settings.WorkerSettings``, in its own process,
   timed from its start to its exit (it exits when the queue is empty).

Then it checks that the sink received every mail exactly once (by Message-ID) and that
every row is ``sent`` after one attempt, and prints mails/s and the ratio to the
baseline. Record results in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.support import BIN, ROOT, counting_sink, free_port, portal_env, prepare

LIMIT_SECONDS = 60
CHUNK = 1000
PARAGRAPH = (
    "Votre candidature à la formation « Césure – Master Droit des affaires » a été "
    "transmise le 30/11/2026. Son statut est « Réceptionné » : le gestionnaire de votre "
    "dossier va maintenant examiner vos pièces justificatives. "
)


async def seed(mails: int) -> None:
    """Queued rows in chunks of one insert each, then one job per mail."""
    from arq import create_pool
    from arq.connections import RedisSettings

    from app.core.codes.mail import MailCode, MailStatus
    from app.mail.outbox import enqueue_mails
    from app.settings import get_settings
    from app.tables.mail import OutboxMail

    html = "".join(f"<p>{PARAGRAPH}</p>" for _ in range(6))
    for start in range(0, mails, CHUNK):
        rows = [
            OutboxMail(
                to_address=f"candidat{n}@example.org",
                subject=f"eCésure : candidature transmise ({n})",
                html=f"<p>Bonjour Candidat {n},</p>{html}",
                text=f"Bonjour Candidat {n},\n\n" + (PARAGRAPH + "\n\n") * 6,
                template_code=MailCode.APPLICATION_TRANSMITTED.value,
                status=MailStatus.QUEUED.value,
            )
            for n in range(start, min(start + CHUNK, mails))
        ]
        await OutboxMail.insert(*rows)
    ids = [row["id"] for row in await OutboxMail.select(OutboxMail.id).order_by(OutboxMail.id)]
    pool = await create_pool(RedisSettings.from_dsn(get_settings().redis_url))
    try:
        assert await enqueue_mails(pool, ids) == mails
    finally:
        await pool.aclose()


async def baseline(port: int) -> tuple[float, float]:
    """Seconds (wall, CPU) to send every outbox mail with raw aiosmtplib over one
    connection."""
    import aiosmtplib

    from app.mail.sender import build_message
    from app.settings import get_settings
    from app.tables.mail import OutboxMail

    settings = get_settings()
    messages = [build_message(row, settings=settings) for row in await OutboxMail.select()]
    start, cpu = time.perf_counter(), time.process_time()
    async with aiosmtplib.SMTP(hostname="127.0.0.1", port=port) as smtp:
        for message in messages:
            await smtp.send_message(message)
    return time.perf_counter() - start, time.process_time() - cpu


async def outcome() -> tuple[set[str], dict[tuple[str, int], int]]:
    """The Message-IDs the rows should have reached the sink with, and the rows counted
    by (status, attempts)."""
    from collections import Counter

    from app.mail.sender import message_id
    from app.settings import get_settings
    from app.tables.mail import OutboxMail

    rows = await OutboxMail.select(
        OutboxMail.id, OutboxMail.created_at, OutboxMail.status, OutboxMail.attempts
    )
    expected = {message_id(r["id"], r["created_at"], get_settings()) for r in rows}
    return expected, dict(Counter((r["status"], r["attempts"]) for r in rows))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mails", type=int, default=10_000)
    parser.add_argument("--database-url", help="PostgreSQL database to wipe and use")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/11")
    parser.add_argument(
        "--sink-ports",
        help="two ports for the SMTP sinks (worker's, baseline's), e.g. 8650,8651; default: free ones",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ecesure-bench-") as var:
        if args.sink_ports:
            worker_port, baseline_port = (int(p) for p in args.sink_ports.split(","))
        else:
            worker_port, baseline_port = free_port(), free_port()
        env = portal_env(
            var,
            database_url=args.database_url,
            redis_url=args.redis_url,
            SMTP_PORT=str(worker_port),
            BASE_URL="http://ecesure.localhost",
        )
        prepare(env)
        os.environ.update(env)  # this process reads and checks the same database
        asyncio.run(seed(args.mails))
        print(f"seeded {args.mails} queued mails, one job each")

        with counting_sink(baseline_port, Path(var) / "baseline-sink.log") as sink:
            baseline_seconds, baseline_cpu = asyncio.run(baseline(baseline_port))
        assert sink.total == args.mails, sink.total

        with counting_sink(worker_port, Path(var) / "worker-sink.log") as sink:
            start, children = time.perf_counter(), os.times()
            subprocess.run(
                [BIN / "arq", "--burst", "workers.settings.WorkerSettings"],
                cwd=ROOT,
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
                stderr=open(os.path.join(var, "worker.log"), "wb"),  # noqa: SIM115
            )
            seconds = time.perf_counter() - start
            after = os.times()
            worker_cpu = (after.children_user - children.children_user) + (
                after.children_system - children.children_system
            )
            received = dict(sink.message_ids())
        expected, rows = asyncio.run(outcome())

    once = set(received) == expected and set(received.values()) == {1}
    rate, base_rate = args.mails / seconds, args.mails / baseline_seconds
    print(f"database          {'PostgreSQL' if args.database_url else 'SQLite'}")
    print(
        f"baseline          {baseline_seconds:8.1f} s  {base_rate:8.0f} mails/s (raw aiosmtplib, one connection)"
    )
    print(f"worker            {seconds:8.1f} s  {rate:8.0f} mails/s (process start to exit)")
    per_mail = 1000 / args.mails
    print(
        f"CPU per mail      baseline {baseline_cpu * per_mail:.2f} ms, worker {worker_cpu * per_mail:.2f} ms"
        " (the worker's includes its start, ~1 s)"
    )
    print(f"ratio             {rate / base_rate:8.2f} of the baseline's rate")
    print(
        f"received          {sum(received.values())} messages, {len(received)} Message-IDs, each once: {once}"
    )
    print(f"rows              {rows}")
    ok = once and rows == {("sent", 1): args.mails} and seconds <= LIMIT_SECONDS
    print("PASS" if ok else f"FAIL (bound: {LIMIT_SECONDS} s, every mail once)")


if __name__ == "__main__":
    main()
