"""Throughput of the home page (offer tree, demo data) against ``/healthz``.

Not a test: run it by hand, ``.venv/bin/python bench/http_pages.py``. It sets up a
fresh SQLite database with the demo data in a temporary folder, starts uvicorn on a
free loopback port, loads each path for a bounded time with ``wrk`` (Debian package
``wrk``; a Python client would be the bottleneck) or, without it, with a bounded
number of httpx requests, and prints requests per second plus the ratio
page/baseline measured in the same run. Record results in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    """A free port; within ``BENCH_PORTS`` (``8600-8649``) when set, on a machine
    whose users share port ranges out."""
    first, _, last = os.environ.get("BENCH_PORTS", "").partition("-")
    candidates = range(int(first), int(last or first) + 1) if first else [0]
    for port in candidates:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return sock.getsockname()[1]
    raise RuntimeError(f"no free port in BENCH_PORTS={os.environ['BENCH_PORTS']}")


async def hammer(url: str, total: int, concurrency: int) -> float:
    """Requests per second for ``total`` GETs with ``concurrency`` in flight."""
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(total):
        queue.put_nowait(i)

    async def worker(client: httpx.AsyncClient) -> None:
        while not queue.empty():
            queue.get_nowait()
            response = await client.get(url)
            response.raise_for_status()

    limits = httpx.Limits(max_connections=concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:
        await client.get(url)  # warm-up
        start = time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
        return total / (time.perf_counter() - start)


def wrk(url: str, seconds: int, concurrency: int) -> float:
    """Requests per second measured by wrk (one thread: the server has the other core)."""
    out = subprocess.run(
        ["wrk", "-t1", f"-c{concurrency}", f"-d{seconds}s", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    line = next(line for line in out.splitlines() if line.startswith("Requests/sec:"))
    return float(line.split()[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per path")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ecesure-bench-") as var:
        env = {**os.environ, "VAR_DIR": var, "ENV": "dev"}
        env.pop("DATABASE_URL", None)
        subprocess.run(
            [sys.executable, "-m", "app.cli", "setup"],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        port = free_port()
        server = subprocess.Popen(
            [
                BIN / "uvicorn",
                "--factory",
                "app.asgi:create_app",
                "--port",
                str(port),
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(100):
                try:
                    if httpx.get(f"{base}/healthz").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
            if shutil.which("wrk"):
                baseline = wrk(f"{base}/healthz", args.seconds, args.concurrency)
                home = wrk(f"{base}/", args.seconds, args.concurrency)
            else:
                baseline = asyncio.run(hammer(f"{base}/healthz", args.requests, args.concurrency))
                home = asyncio.run(hammer(f"{base}/", args.requests, args.concurrency))
        finally:
            server.terminate()
            server.wait(timeout=10)
    print(f"/healthz  {baseline:8.0f} req/s  (baseline)")
    print(f"/         {home:8.0f} req/s  ratio {home / baseline:.2f} of baseline")


if __name__ == "__main__":
    main()
