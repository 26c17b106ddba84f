"""The key that finds one person under two accounts (issue 15): birth name, first name
and birth date, with accents, case, hyphens and spacing ignored.

Stored in ``Candidate.identity_key`` (indexed) whenever the identity is written, so the
desk compares keys with one indexed equality instead of normalising every name in Python.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

_NOT_LETTERS = re.compile(r"[^0-9a-z]+")


def normalised_name(text: str) -> str:
    """« Éloïse-Marie  O'Brien » → "eloise marie o brien": decomposed (NFKD), combining
    accents dropped, case folded, every run of other characters one space."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    # casefold turns ß into ss and œ stays œ: spell the ligatures out as people type them.
    folded = bare.casefold().replace("œ", "oe").replace("æ", "ae")
    return _NOT_LETTERS.sub(" ", folded).strip()


def identity_key(birth_name: str, first_name: str, birth_date: date | None) -> str | None:
    """The comparison key, or None while any of the three parts is missing (an
    incomplete identity matches nobody)."""
    name, first = normalised_name(birth_name), normalised_name(first_name)
    if not name or not first or birth_date is None:
        return None
    return f"{name}|{first}|{birth_date.isoformat()}"
