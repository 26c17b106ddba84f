"""What several benchmarks share: a throw-away portal environment, free ports, server
memory, a counting SMTP sink and a wait for the HTTP server.

Not a test helper: the benchmarks run the real processes (uvicorn, arq) against it.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def portal_env(var_dir: str, *, database_url: str | None, redis_url: str, **extra: str) -> dict:
    """The environment of every process of one bench run: its own folder, database and
    Redis database (flushed by :func:`prepare`)."""
    env = {**os.environ, "VAR_DIR": var_dir, "ENV": "dev", "PYTHONPATH": str(ROOT)}
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    env["REDIS_URL"] = redis_url
    env.update(extra)
    return env


def prepare(env: dict) -> None:
    """An empty schema (PostgreSQL: dropped and recreated), the mail templates, the
    reference data, and an empty Redis database."""
    url = env.get("DATABASE_URL")
    if url:
        drop = (
            "DROP SCHEMA public CASCADE; CREATE SCHEMA public; "
            "GRANT ALL ON SCHEMA public TO public;"
        )
        subprocess.run(["psql", url, "-q", "-c", drop], check=True, stdout=subprocess.DEVNULL)
    for command in (["migrate"], ["load-refdata"]):
        subprocess.run(
            [sys.executable, "-m", "app.cli", *command],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import os, redis; redis.Redis.from_url(os.environ['REDIS_URL']).flushdb()",
        ],
        env=env,
        check=True,
    )


def py_spy(pid: int, output: Path) -> subprocess.Popen:
    """py-spy sampling ``pid`` (its threads apart) into ``output`` as raw collapsed stacks
    until the process ends or py-spy gets SIGINT; summarise with bench/profile_summary.py."""
    return subprocess.Popen(
        [
            *(BIN / "py-spy", "record", "--pid", str(pid), "--rate", "200", "--format", "raw"),
            *("--threads", "--nonblocking", "--output", str(output)),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_for_http(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(url).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} never answered")


class CountingSink:
    """An SMTP server on 127.0.0.1:port in its own process (``bench/counting_sink.py``):
    it appends the Message-ID of every message it receives to a file, one a line."""

    def __init__(self, port: int, log_path: Path) -> None:
        self.port, self.log_path = port, log_path

    def message_ids(self) -> Counter[str]:
        if not self.log_path.exists():
            return Counter()
        return Counter(self.log_path.read_text().splitlines())

    @property
    def total(self) -> int:
        return sum(self.message_ids().values())


@contextmanager
def counting_sink(port: int, log_path: Path) -> Iterator[CountingSink]:
    """Start the sink process, wait until it answers, stop it at the end."""
    log_path.unlink(missing_ok=True)
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "bench" / "counting_sink.py"), str(port), str(log_path)]
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("the SMTP sink did not start") from None
                time.sleep(0.05)
        yield CountingSink(port, log_path)
    finally:
        process.terminate()
        process.wait(timeout=10)
