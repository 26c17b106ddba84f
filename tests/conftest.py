"""Test configuration. The environment is set here, before any app module is imported,
so that settings (cached) and the Piccolo engine see the test values.

- Database: ``DATABASE_URL`` when it is set (PostgreSQL run; the database name must
  contain "test", since its schema is dropped), otherwise a fresh SQLite file.
- Redis: ``TEST_REDIS_URL`` or database 15 of the local server (flushed between tests).
  Never ``REDIS_URL``: a developer's exported Redis (their dev portal's queue and
  sessions) must not be flushed by a test run.
- SMTP: a real aiosmtpd sink on a free local port (tests/fixtures/mail.py).
"""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
from pathlib import Path

import pytest


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


_VAR = Path(tempfile.mkdtemp(prefix="ecesure-tests-"))
os.environ["ENV"] = "dev"
os.environ["VAR_DIR"] = str(_VAR)
os.environ.setdefault("DATABASE_URL", f"sqlite:///{_VAR / 'test.db'}")
os.environ["REDIS_URL"] = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
os.environ["SMTP_HOST"] = "127.0.0.1"
os.environ["SMTP_PORT"] = str(_free_port())
os.environ["BASE_URL"] = "http://testserver.local"
os.environ["OFFER_CACHE_SECONDS"] = "0"  # tests change the catalogue and look at once
os.environ.pop("SECRET_KEY", None)


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
