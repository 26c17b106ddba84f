"""The faster SQLite converters give Piccolo's results (app/sqlite_converters.py), and
they are the ones SQLite calls."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from decimal import InvalidOperation

import pytest
from piccolo.engine.sqlite import (
    convert_boolean_out,
    convert_int_out,
    convert_timestamptz_out,
)

from app.sqlite_converters import FASTER

PICCOLO = {
    "INTEGER": convert_int_out,
    "TIMESTAMPTZ": convert_timestamptz_out,
    "BOOLEAN": convert_boolean_out,
}

INTEGERS = [
    b"0",
    b"7",
    b"-42",
    b"9223372036854775807",
    b"-9223372036854775808",
    b"1.0",
    b"12.5",
    b"1e3",
    b" 8 ",
]


@pytest.mark.parametrize("value", INTEGERS)
def test_an_integer_converts_as_piccolo_converts_it(value):
    ours, piccolo = FASTER["INTEGER"](value), PICCOLO["INTEGER"](value)
    assert (ours, type(ours)) == (piccolo, int)


def test_text_in_an_integer_column_is_refused_as_piccolo_refuses_it():
    with pytest.raises(InvalidOperation):
        PICCOLO["INTEGER"](b"hello")
    with pytest.raises(InvalidOperation):
        FASTER["INTEGER"](b"hello")


@pytest.mark.parametrize(
    "value", [b"2026-11-30 17:45:12.123456", b"2026-11-30 17:45:12", b"2026-11-30T00:00:00"]
)
def test_a_timestamp_converts_to_the_same_utc_datetime(value):
    ours = FASTER["TIMESTAMPTZ"](value)
    assert ours == PICCOLO["TIMESTAMPTZ"](value)
    assert ours.tzinfo is UTC


@pytest.mark.parametrize("value", [b"1", b"0"])
def test_a_boolean_converts_as_piccolo_converts_it(value):
    assert FASTER["BOOLEAN"](value) is PICCOLO["BOOLEAN"](value)


def test_sqlite_calls_them_for_the_declared_types():
    import app.sqlite_engine  # noqa: F401  (what the portal imports)

    connection = sqlite3.connect(":memory:", detect_types=sqlite3.PARSE_DECLTYPES)
    connection.execute("CREATE TABLE t (n INTEGER, at TIMESTAMPTZ, ok BOOLEAN)")
    connection.execute("INSERT INTO t VALUES (5, '2026-11-30 17:45:12', 1), (2.0, NULL, 0)")
    rows = connection.execute("SELECT n, at, ok FROM t ORDER BY rowid").fetchall()
    assert rows == [
        (5, datetime(2026, 11, 30, 17, 45, 12, tzinfo=UTC), True),
        (2, None, False),
    ]
    assert type(rows[1][0]) is int
    for declared, converter in FASTER.items():
        assert sqlite3.converters[declared] is converter
