"""The review desk over 100,000 applications (issue 13, target 7).

Not a test. Run it by hand::

    .venv/bin/python bench/desk_at_scale.py                        # SQLite, temporary file
    .venv/bin/python bench/desk_at_scale.py --database-url postgres://postgres@127.0.0.1:5432/ecesure_bench

A PostgreSQL database is EMPTIED first (its ``public`` schema dropped and recreated).
The script migrates, loads the reference data, writes a campaign of 100,000 applications
(bench/large_campaign.py), vacuums a PostgreSQL database (as autovacuum would), creates
a central-office member and a centre manager (one centre of eight), starts one uvicorn
process and signs both in. Then, for each of
several filter / sort / page combinations of ``/staff/candidatures``, it times
``--repeat`` requests one after the other and prints the median (the issue's bound:
150 ms), next to the median of ``/healthz`` measured in the same run (ratio). Last, the
central office downloads the CSV and the XLSX export of the whole queue while the
server's resident memory is sampled every 20 ms (bound: growth under 100 MB). Record
results in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.dossiers_zip import download, rss_kb  # noqa: E402
from bench.http_pages import BIN, free_port  # noqa: E402
from bench.jobs_at_scale import empty_postgres  # noqa: E402
from bench.large_campaign import generate, setup_database  # noqa: E402

PASSWORD = "Bureau-ecesure-2026"
BOUND_MS, BOUND_MB = 150.0, 100.0
QUEUE = "/staff/candidatures"


def combinations(programme: int) -> dict[str, str]:
    """Label → query string: the default view, deep pages, every kind of filter and sort."""
    return {
        "default (transmission ↑)": "",
        "page 200, by name": "tri=nom&page=200",
        "complete + validated, by decision ↓": "statut=CO&decision=validee&tri=decision&ordre=desc",
        "pieces to check, by pieces ↓": "a_verifier=1&tri=pieces&ordre=desc",
        "search 'martin'": "q=martin",
        "one programme, by dossier": f"formation={programme}&tri=dossier",
        "no answer, by birth date": "reponse=aucune&tri=naissance",
        "last page, by nationality ↓": "tri=nationalite&ordre=desc&page=100000",
    }


async def vacuum(database_url: str) -> None:
    """What autovacuum does to a live database: the visibility map, without which no
    index-only scan skips the heap (the generator's rows are all fresh)."""
    import asyncpg

    connection = await asyncpg.connect(database_url)
    try:
        await connection.execute("VACUUM (ANALYZE)")
    finally:
        await connection.close()


def create_staff(env: dict, campaign: str, centre: str) -> None:
    for username, role, scope in (
        ("bench-central", "central", []),
        ("bench-centre", "centre", ["--centre", centre]),
    ):
        subprocess.run(
            [sys.executable, "-m", "app.cli", "create-staff", "--username", username,
             "--email", f"{username}@univ.example", "--role", role, "--campaign", campaign,
             *scope],
            cwd=ROOT, env={**env, "STAFF_PASSWORD": PASSWORD}, check=True,
            stdout=subprocess.DEVNULL,
        )  # fmt: skip


def sign_in(base: str, username: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=600)
    client.get("/staff/connexion")
    token = client.cookies["ecesure_csrf"]
    signed = client.post(
        "/staff/connexion",
        data={"username": username, "password": PASSWORD, "_csrf_token": token},
    )
    assert signed.status_code == 303, signed.status_code
    return client


def median_ms(client: httpx.Client, url: str, repeat: int) -> tuple[float, int]:
    """(median milliseconds, rows on the page) over ``repeat`` requests after one warm-up."""
    client.get(url).raise_for_status()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        response.raise_for_status()
    return statistics.median(times), response.text.count('name="ids" value=')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="PostgreSQL database to EMPTY and use")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/6")
    parser.add_argument("--applications", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--reuse", action="store_true", help="keep the PostgreSQL data as is")
    parser.add_argument("--port", type=int, help="the server's port (default: any free one)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ecesure-desk-") as var:
        database_url = args.database_url or f"sqlite:///{var}/bench.db"
        env = {**os.environ, "DATABASE_URL": database_url, "VAR_DIR": var, "ENV": "dev",
               "REDIS_URL": args.redis_url, "PYTHONPATH": str(ROOT)}  # fmt: skip
        os.environ.update(env)
        if not args.reuse:
            if args.database_url:
                asyncio.run(empty_postgres(database_url))
            setup_database(database_url)
            generated = asyncio.run(generate(database_url, applications=args.applications))
            print(
                f"generated {sum(generated.written.values()):,} rows in {generated.seconds:.0f} s"
            )
            campaign, programme = generated.campaign_id, generated.programme_ids[0]
            if args.database_url:
                asyncio.run(vacuum(database_url))
            create_staff(env, f"BENCH{campaign}", "C0")
        else:
            campaign, programme = 1, 1
        port = args.port or free_port()
        server = subprocess.Popen(
            [BIN / "uvicorn", "--factory", "app.asgi:create_app", "--port", str(port),
             "--log-level", "warning"],
            cwd=ROOT, env=env,
        )  # fmt: skip
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(200):
                try:
                    if httpx.get(f"{base}/healthz").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
            report(base, server.pid, campaign, programme, args)
        finally:
            server.terminate()
            server.wait(timeout=30)


def report(base: str, pid: int, campaign: int, programme: int, args) -> None:
    print(f"database {'PostgreSQL' if args.database_url else 'SQLite'}; "
          f"load average {os.getloadavg()[0]:.1f}")  # fmt: skip
    with httpx.Client(base_url=base) as anonymous:
        health, _ = median_ms(anonymous, "/healthz", args.repeat)
    print(f"baseline /healthz median {health:.1f} ms")
    medians = []
    for username in ("bench-central", "bench-centre"):
        with closing(sign_in(base, username)) as client:
            for label, query in combinations(programme).items():
                url = f"{QUEUE}?campagne={campaign}&{query}"
                ms, rows = median_ms(client, url, args.repeat)
                medians.append(ms)
                print(f"{username:14} {label:38} {ms:8.1f} ms  ×{ms / health:6.1f} healthz"
                      f"  {rows:3} rows  {'ok' if ms <= BOUND_MS else 'SLOW'}")  # fmt: skip
    print(f"median of medians {statistics.median(medians):.1f} ms (bound {BOUND_MS:.0f} ms)")
    with closing(sign_in(base, "bench-central")) as client:
        for extension in ("csv", "xlsx"):
            url = f"{QUEUE}/export.{extension}?campagne={campaign}"
            before = rss_kb(pid)
            size, peak, seconds = download(client, url, pid)
            growth = (peak - before) / 1024
            print(f"export {extension:4} {size / 2**20:6.1f} MB in {seconds:5.1f} s; RSS "
                  f"{before / 1024:.0f} → {peak / 1024:.0f} MB, growth {growth:.1f} MB "
                  f"({'ok' if growth < BOUND_MB else 'OVER'} < {BOUND_MB:.0f} MB)")  # fmt: skip


if __name__ == "__main__":
    main()
