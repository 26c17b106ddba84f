"""The traps a newcomer fell into in their first hour (issue 14), each kept from coming back.

The others have their own tests: Ctrl-C, the busy port, the banner and BASE_URL in
``test_devserver.py``; ``make lint`` runs in ``make test``, so in CI.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

from packaging.specifiers import SpecifierSet
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
SUPPORTED = ("3.11", "3.12", "3.13")
NOT_IN_THE_REPOSITORY = {".git", ".venv", "var", "node_modules", "__pycache__"}
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def _repository_text_files():
    for path in ROOT.rglob("*"):
        parts = set(path.relative_to(ROOT).parts)
        if (
            path.is_file()
            and not parts & NOT_IN_THE_REPOSITORY
            and not path.name.endswith("egg-info")
        ):
            try:
                yield path, path.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                continue  # images, fonts, compiled catalogues


def test_the_repository_stands_alone_without_the_workplace_folder():
    """A clone elsewhere has no ``../shared``: nothing may send a reader or a script there."""
    this_file = Path(__file__).resolve()
    pointing_out = [
        str(path.relative_to(ROOT))
        for path, text in _repository_text_files()
        if path != this_file and ("../shared" in text or "/work/shared" in text)
    ]
    assert pointing_out == []


def test_every_supported_python_is_accepted_and_looked_for():
    requires = SpecifierSet(PYPROJECT["project"]["requires-python"])
    assert [version for version in SUPPORTED if f"{version}.0" in requires] == list(SUPPORTED)
    assert "3.14.0" not in requires  # not tested: refused rather than half-working
    looked_for = "python3.11 python3.12 python3.13"
    assert looked_for in (ROOT / "Makefile").read_text()
    assert looked_for in (ROOT / ".ci" / "run").read_text()


def test_the_licence_is_declared_the_way_setuptools_no_longer_warns_about():
    """PEP 639: an SPDX expression, no licence classifier, a setuptools that reads it
    (setuptools warned about the old licence table at every install)."""
    assert PYPROJECT["project"]["license"] == "AGPL-3.0-or-later"
    classifiers = PYPROJECT["project"].get("classifiers", [])
    assert [c for c in classifiers if c.startswith("License ::")] == []
    (setuptools,) = [r for r in PYPROJECT["build-system"]["requires"] if r.startswith("setuptools")]
    assert Version("77") in SpecifierSet(setuptools.removeprefix("setuptools"))
    assert Version("76.1") not in SpecifierSet(setuptools.removeprefix("setuptools"))


def test_a_test_run_takes_its_folder_in_tmp_away_with_it(tmp_path):
    """The conftest makes one folder for the run (SQLite file, stored files, mail sink)."""
    clean = {k: v for k, v in os.environ.items() if k not in {"VAR_DIR", "DATABASE_URL"}}
    subprocess.run(
        [sys.executable, "-c", "import tests.conftest as c; c.pytest_unconfigure(None)"],
        env={**clean, "TMPDIR": str(tmp_path)},
        cwd=ROOT,
        check=True,
    )
    assert list(tmp_path.iterdir()) == []
