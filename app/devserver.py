"""``make run``: set up, then run web, worker and the dev mail sink together.

Redis comes from ``REDIS_URL``; when nothing answers there and it points to this
machine, a local ``redis-server`` is started (in ``var/``) if the binary exists.
A worker that dies is started again, after a growing pause (a crash loop does not
spin); any other process that stops stops everything. Ctrl-C stops every process
started here.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
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
        process_group=0,  # stopped by the launcher, not by the terminal's Ctrl-C
    )
    for _ in range(50):
        if redis_answers(url):
            return process
        time.sleep(0.1)
    process.terminate()
    sys.exit(f"redis-server did not start on {url}")


def spawn(command: Sequence[str]) -> subprocess.Popen:
    """Start a child in its own process group.

    Ctrl-C reaches only the launcher, which then stops each child with exactly one
    SIGINT: a child in the terminal's group would get two and print a traceback.
    """
    return subprocess.Popen(list(command), process_group=0)


def port_is_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def wait_until_serving(url: str, server: subprocess.Popen, timeout: float = 60.0) -> bool:
    """True once ``url`` answers; False if the server exits or ``timeout`` passes first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and server.poll() is None:
        try:
            with urllib.request.urlopen(url, timeout=1):
                return True
        except urllib.error.HTTPError:
            return True  # it answered, even if not 200
        except OSError:
            time.sleep(0.2)
    return False


RESTART_DELAYS = (1.0, 2.0, 5.0, 10.0, 30.0)
"""Seconds before each restart in a row; the last one repeats."""
STABLE_SECONDS = 60.0
"""A process that ran this long before dying starts again from the first delay."""


class Supervised:
    """A child process started again whenever it exits, saying so."""

    def __init__(
        self,
        name: str,
        command: Sequence[str],
        *,
        delays: Sequence[float] = RESTART_DELAYS,
        stable_seconds: float = STABLE_SECONDS,
        say: Callable[[str], None] = lambda line: print(line, file=sys.stderr, flush=True),
    ) -> None:
        self.name = name
        self.command = list(command)
        self.delays = tuple(delays)
        self.stable_seconds = stable_seconds
        self.say = say
        self.failures = 0  # exits in a row, each after less than stable_seconds
        self.restarts = 0
        self.restart_at: float | None = None
        self.started_at = 0.0
        self.process = self._start()

    def _start(self) -> subprocess.Popen:
        self.started_at = time.monotonic()
        return spawn(self.command)

    def check(self) -> None:
        """Call often: notices an exit, and starts the process again once its pause is over."""
        now = time.monotonic()
        if self.restart_at is None:
            code = self.process.poll()
            if code is None:
                return
            if now - self.started_at >= self.stable_seconds:
                self.failures = 0
            delay = self.delays[min(self.failures, len(self.delays) - 1)]
            self.failures += 1
            self.restart_at = now + delay
            self.say(f"The {self.name} exited (code {code}); restarting it in {delay:g} s.")
        elif now >= self.restart_at:
            self.restart_at = None
            self.process = self._start()
            self.restarts += 1
            self.say(f"The {self.name} was restarted (pid {self.process.pid}).")

    def poll(self) -> int | None:
        """None while running or about to restart: for the caller, it never stops."""
        return None

    def send_signal(self, sig: int) -> None:
        self.restart_at = None  # stopping: no restart
        if self.process.poll() is None:
            self.process.send_signal(sig)

    def wait(self, timeout: float | None = None) -> int:
        return self.process.wait(timeout=timeout)

    def kill(self) -> None:
        self.process.kill()


def _stop_on_sigterm(*_: object) -> None:
    raise KeyboardInterrupt  # same clean stop as Ctrl-C


def main() -> None:
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    if not port_is_free(HOST, PORT):
        sys.exit(
            f"Port {PORT} on {HOST} is already in use (another `make run`?).\n"
            "Stop that process or choose another port: PORT=8001 make run"
        )
    settings = get_settings()
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    children: list[subprocess.Popen | Supervised] = []
    failed: list[str] = []
    redis_process = ensure_redis(settings.redis_url, settings.var_dir)
    if redis_process:
        children.append(redis_process)
    try:
        subprocess.run([sys.executable, "-m", "app.cli", "setup"], check=True)
        children.append(spawn([sys.executable, "-m", "app.mail.sink"]))
        worker = Supervised("worker", [os.path.join(BIN, "arq"), "workers.settings.WorkerSettings"])
        web = spawn(
            [
                os.path.join(BIN, "uvicorn"),
                "--factory",
                "app.asgi:create_app",
                "--host",
                HOST,
                "--port",
                str(PORT),
            ]
        )
        children += [worker, web]
        if not wait_until_serving(f"http://{HOST}:{PORT}/healthz", web):
            failed.append(f"the web server did not start on {HOST}:{PORT} (see its output above)")
        else:
            print(
                "\neCésure is running:\n"
                f"  portal            http://{HOST}:{PORT}/\n"
                f"  staff back office http://{HOST}:{PORT}/admin/\n"
                f"  mails (dev sink)  http://{HOST}:{PORT}/dev/mails\n"
                f"  health            http://{HOST}:{PORT}/healthz  /readyz\n"
                "Demo logins are listed above. A worker that dies is restarted.\n"
                "Ctrl-C stops everything.\n",
                flush=True,
            )
            while all(child.poll() is None for child in children):
                worker.check()
                time.sleep(0.5)
            failed += [str(c.args[0]) for c in children if c.poll() not in (None, 0)]
    except KeyboardInterrupt:
        pass
    except subprocess.CalledProcessError as error:
        failed.append(f"{' '.join(map(str, error.cmd))} exited with code {error.returncode}")
    finally:
        for child in reversed(children):
            if child.poll() is None:  # a Supervised one: always, it signals its process
                child.send_signal(signal.SIGINT)
        deadline = time.monotonic() + 10
        for child in children:
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
    if failed:
        sys.exit("eCésure stopped: " + "; ".join(failed))


if __name__ == "__main__":
    main()
