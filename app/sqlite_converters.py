"""Faster SQLite column converters for the types every page reads, with Piccolo's results.

Piccolo registers a converter per declared column type (``sqlite3.register_converter``,
process-wide). Its INTEGER one turns each value into text, then into a ``Decimal``, then
into an ``int``, through a wrapper that decodes bytes: every id, foreign key and count
of every row read pays for it. On the candidate's pages the converters were about a
twentieth of the CPU (issue 13's profiles). These do the common case directly and fall
back to Piccolo's converter for anything else, so the results are Piccolo's:
``tests/unit/test_sqlite_converters.py`` compares them.

Importing this module registers them; ``app.sqlite_engine`` does.
"""

from __future__ import annotations

import datetime
import sqlite3

from piccolo.engine.sqlite import convert_int_out


def int_out(value: bytes) -> int:
    """An INTEGER column's value. SQLite hands converters the value as text: digits
    for an integer, else what was stored (``1.0``, or text Piccolo refuses too)."""
    try:
        return int(value)
    except ValueError:
        return convert_int_out(value)


def timestamptz_out(value: bytes) -> datetime.datetime:
    """A TIMESTAMPTZ column's value: Piccolo stores UTC in ISO format."""
    return datetime.datetime.fromisoformat(value.decode()).replace(tzinfo=datetime.UTC)


def boolean_out(value: bytes) -> bool:
    return value == b"1"


FASTER = {"INTEGER": int_out, "TIMESTAMPTZ": timestamptz_out, "BOOLEAN": boolean_out}

for _declared_type, _converter in FASTER.items():
    sqlite3.register_converter(_declared_type, _converter)
