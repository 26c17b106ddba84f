"""Refuse garbled text in the reference data before it reaches the database.

Two kinds of damage are known in the sources (refdata README):

- UTF-8 read as Latin-1/cp1252 ("LYCÃ‰E" for "LYCÉE"): such text turns back into
  valid UTF-8 once encoded as cp1252 (or Latin-1), which correct French text never
  does, since its accented letters are single characters that no UTF-8 sequence starts
  with on their own.
- "Ç" transcoded as "È" by the lycées' source ("FRANÈAISE", "Besanèon"): French
  writes "ç" only before a, o, u, and never "è" there (no French word has "èa",
  "èo", "èu"), so an "è" before one of these vowels is refused.
"""

from __future__ import annotations

import re

_GRAVE_BEFORE_BACK_VOWEL = re.compile(r"[Èè][AOUaou]")


def _round_trips_as_mojibake(value: str) -> bool:
    if value.isascii():
        return False
    for codec in ("cp1252", "latin-1"):
        try:
            repaired = value.encode(codec).decode("utf-8")
        except UnicodeError:
            continue
        if repaired != value:
            return True
    return False


def garbling(value: str) -> str | None:
    """Why ``value`` looks garbled, or None when it reads as correct text."""
    if _round_trips_as_mojibake(value):
        return "UTF-8 read as Latin-1/cp1252"
    match = _GRAVE_BEFORE_BACK_VOWEL.search(value)
    if match:
        return f"« {match.group()} » where « ç » is expected"
    return None


class GarbledText(ValueError):
    """A reference file holds mis-encoded text; nothing was loaded."""


def check_row(source: str, line: int, row: dict[str, str]) -> None:
    for column, value in row.items():
        reason = garbling(value or "")
        if reason:
            raise GarbledText(f"{source}, line {line}, column {column}: {value!r} ({reason})")
