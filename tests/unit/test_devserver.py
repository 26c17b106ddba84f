"""The dev launcher restarts a worker that dies, with growing pauses, and says so."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

from app.devserver import Supervised, port_is_free, spawn, wait_until_serving
from app.settings import load_settings


def run_until(supervised: Supervised, done, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while not done():
        assert time.monotonic() < deadline, "the supervised process was not restarted in time"
        supervised.check()
        time.sleep(0.01)


def test_a_dying_worker_is_restarted_after_growing_pauses_and_it_says_so():
    lines: list[str] = []
    crashing = Supervised(
        "worker",
        [sys.executable, "-c", "raise SystemExit(3)"],
        delays=(0.2, 0.5),
        say=lines.append,
    )
    restarted_at = []
    for expected in (1, 2, 3):
        died = time.monotonic()
        run_until(crashing, lambda expected=expected: crashing.restarts == expected)
        restarted_at.append(time.monotonic() - died)
    run_until(crashing, lambda: len(lines) == 7)  # the third restart's exit, noticed

    assert lines == [
        "The worker exited (code 3); restarting it in 0.2 s.",
        f"The worker was restarted (pid {lines[1].split('pid ')[1][:-2]}).",
        "The worker exited (code 3); restarting it in 0.5 s.",
        lines[3],
        "The worker exited (code 3); restarting it in 0.5 s.",  # the last delay repeats
        lines[5],
        "The worker exited (code 3); restarting it in 0.5 s.",
    ]
    assert all(line.startswith("The worker was restarted (pid ") for line in lines[1::2])
    # Each restart waited its pause (the first also waited for the process to exit).
    assert restarted_at[1] >= 0.5 and restarted_at[2] >= 0.5
    assert crashing.poll() is None  # for the launcher, a supervised worker never stops


def test_a_worker_that_ran_long_enough_starts_again_from_the_first_pause():
    lines: list[str] = []
    crashing = Supervised(
        "worker",
        [sys.executable, "-c", "import time; time.sleep(0.3); raise SystemExit(1)"],
        delays=(0.05, 5.0),
        stable_seconds=0.2,
        say=lines.append,
    )
    run_until(crashing, lambda: crashing.restarts == 2)
    assert lines[0] == lines[2] == "The worker exited (code 1); restarting it in 0.05 s."
    crashing.send_signal(signal.SIGINT)
    crashing.wait(timeout=5)


def test_a_running_worker_is_left_alone_and_stopping_it_does_not_restart_it():
    lines: list[str] = []
    sleeping = Supervised(
        "worker", [sys.executable, "-c", "import time; time.sleep(30)"], say=lines.append
    )
    for _ in range(20):
        sleeping.check()
        time.sleep(0.01)
    assert (lines, sleeping.restarts) == ([], 0)
    sleeping.send_signal(signal.SIGTERM)
    assert sleeping.wait(timeout=5) == -signal.SIGTERM
    assert sleeping.restart_at is None


def test_children_run_in_their_own_process_group_so_ctrl_c_reaches_them_once():
    child = spawn([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        assert os.getpgid(child.pid) == child.pid != os.getpgid(0)
    finally:
        child.kill()
        child.wait(timeout=5)


def test_a_busy_port_stops_the_launcher_before_anything_starts_with_the_reason(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert port_is_free("127.0.0.1", port) is False
        done = subprocess.run(
            [sys.executable, "-m", "app.devserver"],
            env={**os.environ, "PORT": str(port), "VAR_DIR": str(tmp_path)},
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode == 1
    assert done.stdout == ""  # no banner, no setup
    assert done.stderr == (
        f"Port {port} on 127.0.0.1 is already in use (another `make run`?).\n"
        "Stop that process or choose another port: PORT=8001 make run\n"
    )
    assert port_is_free("127.0.0.1", port) is True


def test_the_banner_waits_for_an_answer_and_a_server_that_dies_is_reported():
    with socket.socket() as reserved:
        reserved.bind(("127.0.0.1", 0))
        port = reserved.getsockname()[1]
    server = spawn([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"])
    try:
        assert wait_until_serving(f"http://127.0.0.1:{port}/healthz", server) is True
    finally:
        server.kill()
        server.wait(timeout=5)
    dying = spawn([sys.executable, "-c", "raise SystemExit(1)"])
    started = time.monotonic()
    assert wait_until_serving(f"http://127.0.0.1:{port}/", dying, timeout=30) is False
    assert time.monotonic() - started < 10  # noticed the exit, did not wait for the timeout


def test_mail_links_follow_the_port_make_run_serves_unless_base_url_is_set(monkeypatch):
    monkeypatch.delenv("BASE_URL", raising=False)
    monkeypatch.setenv("PORT", "8101")
    monkeypatch.setenv("HOST", "0.0.0.0")
    assert load_settings().base_url == "http://127.0.0.1:8101"
    monkeypatch.setenv("HOST", "192.0.2.7")
    assert load_settings().base_url == "http://192.0.2.7:8101"
    monkeypatch.setenv("BASE_URL", "https://cesure.example.fr/")
    assert load_settings().base_url == "https://cesure.example.fr"


def test_a_test_run_never_uses_the_exported_redis_url(tmp_path):
    def tests_redis(**env: str) -> str:
        ours = {"REDIS_URL", "TEST_REDIS_URL", "PYTEST_XDIST_WORKER"}
        clean = {k: v for k, v in os.environ.items() if k not in ours}
        done = subprocess.run(
            [sys.executable, "-c", "import os, tests.conftest; print(os.environ['REDIS_URL'])"],
            env={**clean, **env, "TMPDIR": str(tmp_path)},  # its run folder goes with tmp_path
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout.strip()

    assert tests_redis(REDIS_URL="redis://127.0.0.1:6379/0") == "redis://127.0.0.1:6379/15"
    assert (
        tests_redis(REDIS_URL="redis://127.0.0.1:6379/0", TEST_REDIS_URL="redis://127.0.0.1:6379/4")
        == "redis://127.0.0.1:6379/4"
    )
    # a parallel run's second worker flushes the database below, not its neighbour's
    assert tests_redis(PYTEST_XDIST_WORKER="gw1") == "redis://127.0.0.1:6379/14"
