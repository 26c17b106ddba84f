"""What any input may hold before it reaches the database, whoever reads it (pages,
the admin's forms, jobs): ids an ``integer`` column can hold, text without control
characters. No HTTP here: ``app.web.inputs`` applies these rules to requests.

Every id column is a PostgreSQL ``integer`` (Piccolo ``Serial`` and foreign keys):
1 to 2**31 - 1. A larger id makes PostgreSQL refuse the query (a 500), as does a NUL
byte in any text.
"""

from __future__ import annotations

import re

MIN_ID = 1
MAX_ID = 2**31 - 1  # PostgreSQL integer

# C0 controls except TAB, LF and CR; DEL; C1 controls.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
LINE_BREAKS = re.compile(r"[\r\n]")


def is_ascii_digits(value: str) -> bool:
    """Only the digits 0 to 9: ``str.isdigit`` also accepts ``²`` or ``٣``, which
    ``int()`` then refuses."""
    return value.isascii() and value.isdigit()


def is_database_id(value: int) -> bool:
    return MIN_ID <= value <= MAX_ID


def has_control_characters(value: str, *, multiline: bool = False) -> bool:
    """Whether ``value`` holds a character no one types; CR and LF count unless the
    text may span lines."""
    return bool(CONTROL_CHARACTERS.search(value) or (not multiline and LINE_BREAKS.search(value)))


def without_control_characters(value: str, *, multiline: bool = False) -> str:
    value = CONTROL_CHARACTERS.sub("", value)
    return value if multiline else LINE_BREAKS.sub("", value)
