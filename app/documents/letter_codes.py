"""Verification codes printed on letters: random, unguessable, easy to type back.

16 characters from 32 (no 0/O, 1/I look-alikes): 80 random bits from ``secrets``, so a
code cannot be guessed even without the rate limit of the verification page. Printed
in groups of four; read back in any case, with or without the dashes and spaces.
"""

from __future__ import annotations

import secrets

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
LENGTH = 16


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def printed(code: str) -> str:
    """ "ABCD-EFGH-JKLM-NPQR": how the letter shows it."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def normalised(typed: str) -> str | None:
    """The stored form of a typed code, or None when it cannot be one (→ 404 without
    asking the database)."""
    code = "".join(typed.split()).replace("-", "").upper()
    if len(code) != LENGTH or any(c not in ALPHABET for c in code):
        return None
    return code
