"""The password rule of the candidate guide, and argon2id hashing.

Hashing and verifying take tens of milliseconds of CPU on purpose: request handlers
use the ``*_in_thread`` forms, so the event loop keeps serving meanwhile, and call
them before opening a write transaction, never inside one (a lock held for the
length of a hash would queue every other sign-up on SQLite).
"""

from __future__ import annotations

import re

import anyio.to_thread
from argon2 import Parameters, PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

from app.core.i18n import gettext as _

SPECIAL_CHARACTERS = "@#$%^&+=-!*"
MIN_LENGTH = 10

# argon2id with the parameters of the OWASP Password Storage Cheat Sheet
# (https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html:
# "a minimum configuration of 19 MiB of memory, an iteration count of 2, and 1 degree
# of parallelism"), not argon2-cffi's default (RFC 9106's low-memory profile: 64 MiB,
# 3 passes, 4 lanes). Why: a verification costs ~20 ms of CPU here instead of ~190 ms,
# so that 2,000 candidates can sign in within the five minutes of deadline day on two
# cores (docs/benchmarks.md, "Deadline day"), at the strength OWASP sets for argon2id.
# A hash made with other parameters is replaced at its owner's next sign-in
# (``needs_rehash``, app/accounts/credentials.py).
PARAMETERS = Parameters(
    type=Type.ID,
    version=19,
    salt_len=16,
    hash_len=32,
    time_cost=2,
    memory_cost=19_456,  # KiB: 19 MiB
    parallelism=1,
)
_hasher = PasswordHasher.from_parameters(PARAMETERS)
# Verified when the login is unknown, so both answers take the same time.
_DUMMY_HASH = _hasher.hash("not-a-real-password-Aa1!")


def password_problems(password: str) -> list[str]:
    """One message per broken rule, in the order the guide lists them."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(_("Le mot de passe doit contenir au moins 10 caractères."))
    if not re.search(r"[a-z]", password):
        problems.append(_("Le mot de passe doit contenir au moins une lettre minuscule."))
    if not re.search(r"[A-Z]", password):
        problems.append(_("Le mot de passe doit contenir au moins une lettre majuscule."))
    if not re.search(r"[0-9]", password):
        problems.append(_("Le mot de passe doit contenir au moins un chiffre."))
    if not any(c in SPECIAL_CHARACTERS for c in password):
        problems.append(
            _(
                "Le mot de passe doit contenir au moins un caractère spécial (@ # $ % ^ & + = - ! *)."
            )
        )
    if re.search(r"\s", password):
        problems.append(_("Le mot de passe ne doit pas contenir d'espace."))
    return problems


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with older parameters: rehash at the next sign-in."""
    return _hasher.check_needs_rehash(password_hash)


async def hash_password_in_thread(password: str) -> str:
    return await anyio.to_thread.run_sync(hash_password, password)


async def verify_password_in_thread(password_hash: str | None, password: str) -> bool:
    return await anyio.to_thread.run_sync(verify_password, password_hash, password)
