"""``python -m app.cli`` as an operator runs it: a subprocess on its own SQLite file."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from app.settings import PROJECT_ROOT


@pytest.fixture
def cli_env(tmp_path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"STAFF_PASSWORD", "SECRET_KEY"}}
    env.update(
        ENV="dev",
        VAR_DIR=str(tmp_path / "var"),
        DATABASE_URL=f"sqlite:///{tmp_path / 'cli.db'}",
    )
    return env


def run_cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def query(env: dict[str, str], sql: str) -> list[tuple]:
    path = Path(env["DATABASE_URL"].removeprefix("sqlite:///"))
    with sqlite3.connect(path) as connection:
        return connection.execute(sql).fetchall()


def test_setup_twice_then_create_staff(cli_env):
    """One database for the whole story: ``setup`` costs seconds."""
    first = run_cli(cli_env, "setup")
    assert first.returncode == 0, first.stderr
    assert "Reference data loaded: 229 countries, 109 departements, 37590 communes" in first.stdout
    assert "Demo campaign CESURE2026" in first.stdout
    assert "admin          Admin-ecesure-2026" in first.stdout
    assert "scolarite      Scolarite-ecesure-2026     role central" in first.stdout
    assert "cmartin        Camille-ecesure-2026" in first.stdout

    second = run_cli(cli_env, "setup")
    assert second.returncode == 0, second.stderr
    assert "created by this run: nothing (already up to date)" in second.stdout
    assert query(cli_env, "SELECT count(*) FROM programme") == [(11,)]
    assert query(cli_env, "SELECT count(*) FROM ref_commune") == [(37590,)]

    created = run_cli(
        {**cli_env, "STAFF_PASSWORD": "Scolarite-centrale-2026"},
        "create-staff",
        "--username",
        "jdupont",
        "--email",
        "J.Dupont@Univ-Toulouse.example",
        "--role",
        "central",
    )
    assert created.returncode == 0, created.stderr
    assert created.stdout.strip() == "Staff 'jdupont' created (central)."
    manager = run_cli(
        {**cli_env, "STAFF_PASSWORD": "Gestion-iut-2026!"},
        "create-staff",
        *("--username", "iut", "--email", "iut@univ-toulouse.example"),
        *("--role", "centre", "--centre", "SANTE-MED"),
    )
    assert manager.returncode == 0, manager.stderr
    # Only the central office (and the technical administrator) enter the admin.
    assert query(
        cli_env,
        "SELECT u.username, u.email, u.admin, u.superuser, p.role FROM piccolo_user u "
        "JOIN staff_profile p ON p.user = u.id WHERE u.username IN ('jdupont', 'iut') "
        "ORDER BY u.username",
    ) == [
        ("iut", "iut@univ-toulouse.example", 0, 0, "centre"),
        ("jdupont", "j.dupont@univ-toulouse.example", 1, 0, "central"),
    ]

    refused = run_cli(
        {**cli_env, "STAFF_PASSWORD": "Gestion-iut-2026!"},
        "create-staff",
        "--username",
        "iut2",
        "--email",
        "iut2@univ-toulouse.example",
        "--role",
        "centre",
        "--centre",
        "IUTT",
    )
    assert refused.returncode == 1
    assert refused.stderr.strip() == "error: centre inconnu(s) : IUTT"
    assert query(cli_env, "SELECT count(*) FROM piccolo_user WHERE username = 'iut2'") == [(0,)]


def test_demo_data_is_refused_in_production(cli_env):
    result = run_cli({**cli_env, "ENV": "prod"}, "load-demo")
    assert result.returncode == 1
    assert "refusing to load demo data with ENV=prod" in result.stderr
