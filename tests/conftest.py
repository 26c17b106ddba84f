"""Test configuration. The environment is set here, before any app module is imported,
so that settings (cached) and the Piccolo engine see the test values.

- Database: ``DATABASE_URL`` when it is set (PostgreSQL run; the database name must
  contain "test", since its schema is dropped), otherwise a fresh SQLite file.
- Redis: ``TEST_REDIS_URL`` or database 15 of the local server (flushed between tests).
  Never ``REDIS_URL``: a developer's exported Redis (their dev portal's queue and
  sessions) must not be flushed by a test run.
- SMTP: a real aiosmtpd sink on a free local port (tests/fixtures/mail.py).

Parallel runs (pytest-xdist, ``-n 2``): each worker process imports this file and gets
a run folder (SQLite file, files, mail sink) and an SMTP port of its own; worker ``gwK``
uses Redis database D−K (D: the database of ``TEST_REDIS_URL``, 15 by default) and, on
PostgreSQL, the database ``<name>_gwK``, created when missing (the test role may
create databases: scripts/create-test-database.sh).
"""

from __future__ import annotations

import logging
import os
import shutil
import socket
import tempfile
from pathlib import Path

import pytest

WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")  # "gw0", "gw1"… under xdist, else ""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _worker_redis_url(url: str) -> str:
    """Worker gwK flushes database D−K, never its neighbour's."""
    if not WORKER:
        return url
    base, _, database = url.rpartition("/")
    number = int(database or 0) - int(WORKER.removeprefix("gw"))
    if number < 0:
        raise RuntimeError(f"TEST_REDIS_URL {url}: no Redis database left for worker {WORKER}")
    return f"{base}/{number}"


def _worker_postgres_url(url: str) -> str:
    """Worker gwK's own PostgreSQL database ``<name>_gwK``, created when missing."""
    if not WORKER or not url.startswith(("postgres://", "postgresql://")):
        return url
    import asyncio

    import asyncpg

    server, _, name = url.rpartition("/")
    own = f"{name}_{WORKER}"

    async def create_if_missing() -> None:
        connection = await asyncpg.connect(url)
        try:
            if not await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", own):
                await connection.execute(f'CREATE DATABASE "{own}"')
        finally:
            await connection.close()

    asyncio.run(create_if_missing())
    return f"{server}/{own}"


_VAR = Path(tempfile.mkdtemp(prefix=f"ecesure-tests-{WORKER}-" if WORKER else "ecesure-tests-"))
os.environ["ENV"] = "dev"
os.environ["VAR_DIR"] = str(_VAR)
# xdist workers inherit the environment this file set in the main process: they read
# the DATABASE_URL the run was given from a variable of its own.
os.environ.setdefault("ECESURE_TESTS_DATABASE_URL", os.environ.get("DATABASE_URL", ""))
if os.environ["ECESURE_TESTS_DATABASE_URL"]:
    os.environ["DATABASE_URL"] = _worker_postgres_url(os.environ["ECESURE_TESTS_DATABASE_URL"])
else:
    os.environ["DATABASE_URL"] = f"sqlite:///{_VAR / 'test.db'}"
os.environ["REDIS_URL"] = _worker_redis_url(
    os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
)
os.environ["SMTP_HOST"] = "127.0.0.1"
os.environ["SMTP_PORT"] = str(_free_port())
os.environ["BASE_URL"] = "http://testserver.local"
os.environ["OFFER_CACHE_SECONDS"] = "0"  # tests change the catalogue and look at once
os.environ["GC_FREEZE"] = "0"  # an app for each test: a full collection each time is slow
os.environ.pop("SECRET_KEY", None)


# httpx logs every request at INFO, through Litestar's queued handler: a record still in
# the queue when a capsys test ends was written to its closed stream ("Logging error"
# in the output of one run in two). The tests read the portal's own logs (structlog).
logging.getLogger("httpx").setLevel(logging.WARNING)


def pytest_unconfigure(config):
    """The run's folder (SQLite file, files, sink) goes with the run: nothing left in /tmp."""
    shutil.rmtree(_VAR, ignore_errors=True)


@pytest.fixture(autouse=True)
def fast_staff_password_hashing(monkeypatch):
    """Piccolo hashes staff passwords with 600,000 PBKDF2 rounds (0.3 s each); no test
    depends on the count."""
    from piccolo.apps.user.tables import BaseUser

    monkeypatch.setattr(BaseUser, "_pbkdf2_iteration_count", 1_000)


pytest_plugins = [
    "tests.fixtures.db",
    "tests.fixtures.refdata",
    "tests.fixtures.campaign",
    "tests.fixtures.settings",
    "tests.fixtures.web",
    "tests.fixtures.clock",
    "tests.fixtures.mail",
    "tests.fixtures.worker",
]


@pytest.hookimpl(tryfirst=True)  # before ``-m`` selects by these marks
def pytest_collection_modifyitems(items):
    """Each test is marked by the layers it crosses, so that a run can choose them
    (``make test-postgres``): ``browser`` (Chromium drives the live server), ``database``
    (it uses the migrated test database)."""
    for item in items:
        names = getattr(item, "fixturenames", ())
        if "browser" in names:
            item.add_marker(pytest.mark.browser)
        if "database" in names:
            item.add_marker(pytest.mark.database)
