"""The INE (identifiant national étudiant), pure functions.

An INE has 11 characters. Four families are accepted (DESIGN.md §4, refdata README):

- BEA: 10 digits and a key letter, ``ABCDEFGHJKLMNPRSTUVWXYZ``[first 10 digits mod 23];
  ten identical digits are refused (the keys I, O and Q never occur);
- NNE36 (base 36, the INE given by universities): 10 base-36 characters and a key digit,
  the last digit of 6 × Σ(characters 1–9) + character 10; ten identical digits and ten
  letters are refused;
- INES (RNIE, since 2018): 9 digits and 2 letters, accepted on format only (eCandidat
  asks a remote service we do not have);
- SIFA (apprentices): 4 digits, ``A``, 5 digits and a letter, accepted on format only.

Candidates type it with spaces or in lower case: :func:`normalise_ine` removes white
space and upper-cases before any check.
"""

from __future__ import annotations

import re
from enum import StrEnum

from app.input_rules import is_ascii_digits

BEA_KEYS = "ABCDEFGHJKLMNPRSTUVWXYZ"
INE_LENGTH = 11

_BEA = re.compile(r"\d{10}[A-Z]")
_NNE36 = re.compile(r"[0-9A-Z]{10}\d")
_INES = re.compile(r"\d{9}[A-Z]{2}")
_SIFA = re.compile(r"\d{4}A\d{5}[A-Z]")


class IneVariant(StrEnum):
    """The names used by ``ine_vectors.csv``."""

    BEA = "BEA"
    NNE36 = "NNE36"
    INES = "INES-format"
    SIFA = "SIFA-format"


def normalise_ine(raw: str) -> str:
    """Without any white space, upper-cased."""
    return re.sub(r"\s+", "", raw).upper()


def _ten_identical_digits(body: str) -> bool:
    return is_ascii_digits(body) and len(set(body)) == 1


def bea_key_ok(ine: str) -> bool:
    if not _BEA.fullmatch(ine) or _ten_identical_digits(ine[:10]):
        return False
    return BEA_KEYS[int(ine[:10]) % 23] == ine[10]


def nne36_key_ok(ine: str) -> bool:
    if not _NNE36.fullmatch(ine):
        return False
    body = ine[:10]
    if _ten_identical_digits(body) or body.isalpha():
        return False
    values = [int(character, 36) for character in body]
    return (6 * sum(values[:9]) + values[9]) % 10 == int(ine[10])


def ine_variant(raw: str) -> IneVariant | None:
    """The family ``raw`` belongs to, or None when it is not a valid INE."""
    ine = normalise_ine(raw)
    if len(ine) != INE_LENGTH:
        return None
    if bea_key_ok(ine):
        return IneVariant.BEA
    if nne36_key_ok(ine):
        return IneVariant.NNE36
    if _INES.fullmatch(ine):
        return IneVariant.INES
    if _SIFA.fullmatch(ine):
        return IneVariant.SIFA
    return None


def is_valid_ine(raw: str) -> bool:
    return ine_variant(raw) is not None
