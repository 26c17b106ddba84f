"""Dossier numbers: the 8-character login, random and never reissued."""

from __future__ import annotations

import secrets
import string

from app.tables.accounts import DossierNumberHistory

ALPHABET = string.digits + string.ascii_uppercase
LENGTH = 8
MAX_DRAWS = 20


def draw_login() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


async def issue_login() -> str:
    """Draw numbers until one was never issued, and remember it (call in a transaction).

    36^8 ≈ 2.8e12 numbers: a collision is rare, twenty in a row means something is broken.
    """
    for _ in range(MAX_DRAWS):
        login = draw_login()
        if not await DossierNumberHistory.exists().where(DossierNumberHistory.login == login):
            await DossierNumberHistory.insert(DossierNumberHistory(login=login))
            return login
    raise RuntimeError("could not draw an unused dossier number")


def looks_like_login(value: str) -> bool:
    value = value.strip().upper()
    return len(value) == LENGTH and all(c in ALPHABET for c in value)
