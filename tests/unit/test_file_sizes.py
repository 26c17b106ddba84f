"""Issue 14: a module holds one job and stays under 300 lines, so a reader sees it whole;
a file that grows past that is split along its seams, not waved through."""

from __future__ import annotations

from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "app"
MAX_LINES = 300

# Not code: gettext catalogs (written by pybabel) and the reference data files.
NOT_CODE = ("translations", "refdata/data")


def line_counts() -> dict[str, int]:
    counts = {}
    for path in APP.rglob("*"):
        name = path.relative_to(APP).as_posix()
        if not path.is_file() or "__pycache__" in path.parts or name.startswith(NOT_CODE):
            continue
        with path.open("rb") as file:
            counts[name] = sum(1 for _ in file)
    return counts


def test_no_file_in_app_is_over_300_lines():
    over = {name: lines for name, lines in line_counts().items() if lines > MAX_LINES}
    assert over == {}


def test_the_count_sees_the_modules_and_skips_what_is_not_code():
    counts = line_counts()
    assert "settings.py" in counts and "asgi.py" in counts
    assert not any(name.startswith(NOT_CODE) for name in counts)
    assert (APP / "translations/en/LC_MESSAGES/messages.po").is_file()
    assert (APP / "refdata/data/lycees.csv").is_file()
