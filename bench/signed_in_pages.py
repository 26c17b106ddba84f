"""Signed-in candidate pages against the anchor app (issue 13, targets 1 and 2).

Not a test: run it by hand (needs Debian's ``wrk``)::

    .venv/bin/python bench/signed_in_pages.py                      # SQLite, the default
    .venv/bin/python bench/signed_in_pages.py --database-url postgres://…/ecesure_bench

It sets up a database with the demo data (the PostgreSQL one must exist), signs in as
the demo candidate, applies to programmes until the candidate holds five applications,
then loads each page with wrk (one thread, 20 connections; the server has the other
core) and prints requests/s, p99 and the ratio against the anchor app
(bench/anchor_app.py: a Jinja template, one Redis GET, one query, same server and
database) measured just before and just after each page (its mean is the ratio's
base: on a shared machine the load drifts during a run). Record results in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.http_pages import BIN, free_port  # noqa: E402

APPLICATIONS = 5
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(url: str, seconds: int, concurrency: int, cookie: str) -> tuple[float, float, int, int]:
    """(requests/s, p99 in ms, failed responses, requests) measured by wrk."""
    out = subprocess.run(
        ["wrk", "-t1", f"-c{concurrency}", f"-d{seconds}s", "--latency"]
        + (["-H", f"Cookie: {cookie}"] if cookie else [])
        + [url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    value, unit = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", out, re.M).groups()
    failed = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: .*", out)
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    failures = int(failed.group(1)) if failed else (1 if errors else 0)
    return rps, float(value) * UNITS[unit], failures, requests


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(server: subprocess.Popen, url: str, args, cookie: str) -> tuple:
    """wrk's figures, plus the server's CPU milliseconds per request: on a machine
    shared with other work, throughput follows the load; CPU per request much less.
    A first second of load is not measured: a page's first requests compile its
    templates and open connections, work a long-running process does once."""
    if args.warmup:
        wrk(url, args.warmup, args.concurrency, cookie)
    before = cpu_seconds(server.pid)
    rps, p99, failed, requests = wrk(url, args.seconds, args.concurrency, cookie)
    cpu_ms = (cpu_seconds(server.pid) - before) * 1000 / max(requests, 1)
    return rps, p99, failed, cpu_ms


def serve(factory: str, env: dict) -> tuple[subprocess.Popen, str]:
    port = free_port()
    server = subprocess.Popen(
        [BIN / "uvicorn", "--factory", factory, "--port", str(port), "--log-level", "warning"],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            httpx.get(base + "/", timeout=1)
            return server, base
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError(f"{factory} did not start")


def signed_in_candidate(base: str) -> tuple[str, int]:
    """The demo candidate's cookie header, once they hold five applications."""
    client = httpx.Client(base_url=base, headers={"Accept-Language": "fr"})

    def post(path: str, data: dict) -> httpx.Response:
        token = re.search(r'name="_csrf_token" value="([^"]+)"', client.get(path).text)
        return client.post(path, data={"_csrf_token": token.group(1), **data})

    signed = post("/connexion", {"identifier": "DEMOMED1", "password": "Candidat-ecesure-2026"})
    assert signed.status_code == 303, signed.text
    offer = client.get("/candidatures/nouvelle").text
    for programme in sorted(set(re.findall(r"/candidatures/nouvelle/(\d+)", offer))):
        if len(re.findall(r'href="/candidatures/(\d+)"', client.get("/candidatures").text)) >= 5:
            break
        post(f"/candidatures/nouvelle/{programme}", {"reponse": "oui"})
    ids = re.findall(r'href="/candidatures/(\d+)"', client.get("/candidatures").text)
    assert len(ids) >= APPLICATIONS, f"only {len(ids)} applications"
    cookie = "; ".join(f"{name}={value}" for name, value in client.cookies.items())
    return cookie, int(ids[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default="", help="PostgreSQL; SQLite if empty")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/12")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=1, help="seconds of load not measured")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: sudo apt-get install wrk")
    with tempfile.TemporaryDirectory(prefix="ecesure-bench-") as var:
        env = {**os.environ, "VAR_DIR": var, "ENV": "dev", "REDIS_URL": args.redis_url}
        # As in production (ENV=prod's default): templates read once, not stat'ed per page.
        env["TEMPLATES_AUTO_RELOAD"] = "0"
        env.pop("DATABASE_URL", None)
        if args.database_url:
            env["DATABASE_URL"] = args.database_url
        subprocess.run(
            [sys.executable, "-m", "app.cli", "setup"],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        portal, base = serve("app.asgi:create_app", env)
        anchor, anchor_base = serve("bench.anchor_app:create_app", env)
        try:
            cookie, first = signed_in_candidate(base)
            import redis

            redis.Redis.from_url(args.redis_url).set("bench:anchor-session", b"x" * 200)
            # The anchor runs before and after each page: on a shared machine the load
            # drifts, and each page is compared with the anchor measured around it.
            anchors = [measure(anchor, f"{anchor_base}/anchor", args, "")]
            rows = []
            for path in (
                "/candidatures",
                f"/candidatures/{first}",
                "/dossier",
                "/candidatures/nouvelle",
            ):
                rows.append((path, *measure(portal, base + path, args, cookie)))
                anchors.append(measure(anchor, f"{anchor_base}/anchor", args, ""))
        finally:
            for server in (portal, anchor):
                server.terminate()
                server.wait(timeout=10)
    database = "PostgreSQL" if args.database_url else "SQLite"
    print(f"{database}, {args.concurrency} connections, {args.seconds} s per run")
    print(
        f"{'page':24} {'req/s':>6} {'p99 ms':>7} {'failed':>6} {'anchor/s':>8} {'ratio':>6}"
        f" {'CPU ms':>7} {'anchor':>7} {'CPU ratio':>9}"
    )
    for n, (path, rps, p99, failed, cpu_ms) in enumerate(rows):
        around = (anchors[n][0] + anchors[n + 1][0]) / 2
        anchor_cpu = (anchors[n][3] + anchors[n + 1][3]) / 2
        print(
            f"{path:24} {rps:6.0f} {p99:7.1f} {failed:6d} {around:8.0f} {rps / around:6.2f}"
            f" {cpu_ms:7.2f} {anchor_cpu:7.2f} {anchor_cpu / cpu_ms:9.2f}"
        )
    print(
        f"anchor: {min(a[0] for a in anchors):.0f}–{max(a[0] for a in anchors):.0f} req/s, "
        f"p99 ≤ {max(a[1] for a in anchors):.1f} ms, {sum(a[2] for a in anchors)} failed"
    )
    print("CPU ratio: the anchor's CPU time per request / the page's (1.0 = as cheap)")


if __name__ == "__main__":
    main()
