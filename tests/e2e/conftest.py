"""Browser tests: a real uvicorn server and Debian's Chromium driven by Playwright.

- ``live_server``: the app served by uvicorn on a free 127.0.0.1 port, with the test
  environment (same database, Redis and var folder as the test process), for the whole
  session. Rows written by a test are seen by the server at once.
- ``browser``: one headless Chromium for the session (skipped when Debian's Chromium is
  missing); ``page``: a fresh context (no cookies) per test, whose console errors, CSP
  violations and uncaught exceptions are recorded in ``page_problems``.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from piccolo.apps.user.tables import BaseUser
from redis.asyncio import Redis

from app.piccolo_app import TABLES
from app.settings import PROJECT_ROOT, get_settings

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-quic",
    "--disable-sync",
]
SERVER_START_SECONDS = 90  # a loaded 2-core machine took 27 s to import the app
SERVER_STOP_SECONDS = 10

# Chromium logs CSP violations on the console itself; the DOM event is logged too, so
# that a violation reported only as an event is not missed (init scripts run before the
# page's own scripts and are not subject to its CSP).
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(
    `Content Security Policy violation: ${event.violatedDirective} blocked `
    + `${event.blockedURI || "inline"} (${event.sourceFile}:${event.lineNumber})`
  );
});
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_healthy(process: subprocess.Popen, base_url: str, log_path: Path) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"uvicorn exited early:\n{log_path.read_text()[-3000:]}")
        try:
            if httpx.get(f"{base_url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"uvicorn did not answer /healthz:\n{log_path.read_text()[-3000:]}")


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=SERVER_STOP_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(autouse=True)
async def delete_children_first():
    """On SQLite the harness empties tables in creation order while foreign keys are
    still enforced (its ``PRAGMA foreign_keys = OFF`` runs on a connection of its own):
    leave no rows behind, children first."""
    yield
    for table in reversed(TABLES):
        if not table._meta.tablename.startswith("ref_"):
            await table.delete(force=True)
    await BaseUser.delete(force=True)


JOBS_REFRESH_SECONDS = 2
"""The live server's jobs page refreshes every 2 s (5 by default)."""


@pytest.fixture(scope="session")
def live_server(database) -> Iterator[str]:
    """Base URL of the app served by uvicorn. ``database`` has migrated the schema the
    server uses; the environment set by tests/conftest.py is handed down, with BASE_URL
    set to the server's own address."""
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    log_path = get_settings().var_dir / f"uvicorn-{port}.log"
    command = [
        str(PROJECT_ROOT / ".venv" / "bin" / "uvicorn"),
        "--factory",
        "app.asgi:create_app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
    ]
    with log_path.open("w") as log:
        process = subprocess.Popen(
            command,
            cwd=PROJECT_ROOT,
            # BASE_URL: links and CAS service URLs; the jobs page's refresh: its test waits
            # for one
            env={
                **os.environ,
                "BASE_URL": base_url,
                "JOBS_REFRESH_SECONDS": str(JOBS_REFRESH_SECONDS),
            },
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_until_healthy(process, base_url, log_path)
            yield base_url
        finally:
            _stop(process)


@pytest.fixture(scope="session")
async def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        await chromium.close()


@dataclass
class PageProblems:
    """What went wrong in the page, as a person with the developer tools open sees it."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    @property
    def csp_console_errors(self) -> list[str]:
        return [text for text in self.console_errors if "Content Security Policy" in text]


@pytest.fixture
def page_problems() -> PageProblems:
    return PageProblems()


async def forget_rate_limits() -> None:
    """Every browser signs in from 127.0.0.1: without this, the per-address sign-in limit
    counts the sign-ins of all the tests run within its window."""
    client = Redis.from_url(get_settings().redis_url)
    try:
        keys = [key async for key in client.scan_iter(match="ecesure:ratelimit:*")]
        if keys:
            await client.delete(*keys)
    finally:
        await client.aclose()


@pytest.fixture
async def page(browser, live_server, page_problems):
    await forget_rate_limits()
    context = await browser.new_context(base_url=live_server, locale="fr-FR")
    await context.add_init_script(REPORT_CSP_VIOLATIONS)
    new_page = await context.new_page()
    new_page.on(
        "console",
        lambda message: (
            page_problems.console_errors.append(message.text) if message.type == "error" else None
        ),
    )
    new_page.on("pageerror", lambda error: page_problems.page_errors.append(str(error)))
    yield new_page
    await context.close()


@pytest.fixture(autouse=True)
async def _empty_tables(clean_tables):
    """Every test here uses the database and starts from empty domain tables
    (tests/fixtures/db.py); a module may override ``clean_tables``."""
