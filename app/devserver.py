"""``make run``: set up, then run web, worker and the dev mail sink together.

Redis comes from ``REDIS_URL``; when nothing answers there and it points to this
machine, a local ``redis-server`` is started (in ``var/``) if the binary exists.
Ctrl-C stops every process started here.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from urllib.parse import urlsplit

import redis

from app.settings import get_settings

HOST = os.environ.get("HOST", "127.0.0.1")
PORT = int(os.environ.get("PORT", "8000"))
BIN = os.path.dirname(sys.executable)


def redis_answers(url: str) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=0.5).ping())
    except (redis.ConnectionError, redis.TimeoutError, OSError):
        return False


def ensure_redis(url: str, var_dir) -> subprocess.Popen | None:
    """Use the Redis at ``url``; start a local one when possible; else stop, saying what to do."""
    if redis_answers(url):
        return None
    parts = urlsplit(url)
    local = parts.hostname in {"127.0.0.1", "localhost"}
    server = shutil.which("redis-server")
    if not (local and server):
        sys.exit(
            f"Redis does not answer at {url}.\n"
            "Install it (Debian/Ubuntu: sudo apt-get install redis-server) "
            "or set REDIS_URL to a running Redis."
        )
    print(f"Starting a local redis-server on port {parts.port or 6379}...")
    process = subprocess.Popen(
        [
            server,
            "--bind",
            "127.0.0.1",
            "--port",
            str(parts.port or 6379),
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(var_dir),
        ],
        stdout=subprocess.DEVNULL,
    )
    for _ in range(50):
        if redis_answers(url):
            return process
        time.sleep(0.1)
    process.terminate()
    sys.exit(f"redis-server did not start on {url}")


def _stop_on_sigterm(*_: object) -> None:
    raise KeyboardInterrupt  # same clean stop as Ctrl-C


def main() -> None:
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    settings = get_settings()
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    children: list[subprocess.Popen] = []
    redis_process = ensure_redis(settings.redis_url, settings.var_dir)
    if redis_process:
        children.append(redis_process)
    try:
        subprocess.run([sys.executable, "-m", "app.cli", "setup"], check=True)
        children += [
            subprocess.Popen([sys.executable, "-m", "app.mail.sink"]),
            subprocess.Popen([os.path.join(BIN, "arq"), "workers.settings.WorkerSettings"]),
            subprocess.Popen(
                [
                    os.path.join(BIN, "uvicorn"),
                    "--factory",
                    "app.asgi:create_app",
                    "--host",
                    HOST,
                    "--port",
                    str(PORT),
                ]
            ),
        ]
        print(
            "\neCésure is running:\n"
            f"  portal            http://{HOST}:{PORT}/\n"
            f"  staff back office http://{HOST}:{PORT}/admin/\n"
            f"  mails (dev sink)  http://{HOST}:{PORT}/dev/mails\n"
            f"  health            http://{HOST}:{PORT}/healthz  /readyz\n"
            "Demo logins are listed above. Ctrl-C stops everything.\n",
            flush=True,
        )
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
        failed = [c.args[0] for c in children if c.poll() not in (None, 0)]
        if failed:
            print(f"Stopped because a process exited: {failed}", file=sys.stderr)
    except KeyboardInterrupt:
        pass
    finally:
        for child in reversed(children):
            if child.poll() is None:
                child.send_signal(signal.SIGINT)
        deadline = time.monotonic() + 10
        for child in children:
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()


if __name__ == "__main__":
    main()
