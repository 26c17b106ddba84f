"""The INE checks, driven by the reference vectors (app/refdata/data/ine_vectors.csv)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from app.dossier.ine import IneVariant, ine_variant, is_valid_ine, normalise_ine

VECTORS_PATH = Path(__file__).resolve().parents[2] / "app" / "refdata" / "data" / "ine_vectors.csv"


def vectors() -> list[dict[str, str]]:
    with VECTORS_PATH.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_file_holds_the_22_documented_vectors():
    rows = vectors()
    assert len(rows) == 22
    assert sum(r["expected_valid"] == "true" for r in rows) == 10


@pytest.mark.parametrize("row", vectors(), ids=lambda row: row["input"])
def test_every_vector_gives_the_expected_result(row):
    expected_valid = row["expected_valid"] == "true"
    assert is_valid_ine(row["input"]) is expected_valid
    variant = ine_variant(row["input"])
    assert (variant.value if variant else "invalid") == row["variant"]


@pytest.mark.parametrize("row", [r for r in vectors() if r["expected_valid"] == "true"])
def test_spaces_and_lower_case_are_accepted(row):
    typed = " ".join([row["input"][:4], row["input"][4:8], row["input"][8:]]).lower()
    assert is_valid_ine(f"  {typed}\t") is True
    assert normalise_ine(typed) == row["input"].upper()


@pytest.mark.parametrize(
    ("typed", "variant"),
    [
        ("123456789AB", IneVariant.INES),  # 9 digits and 2 letters (RNIE, since 2018)
        ("123456789ab", IneVariant.INES),
        ("1234A12345F", IneVariant.SIFA),  # apprentices: 4 digits, A, 5 digits, a letter
        ("2019a 00001 k", IneVariant.SIFA),
    ],
)
def test_ines_and_sifa_are_accepted_on_format(typed, variant):
    assert ine_variant(typed) is variant


@pytest.mark.parametrize(
    "typed",
    ["", "12345678AB", "1234567890AB", "123456789A1", "1234B12345F", "1234A1234FF", "0100-007108D"],
)
def test_other_shapes_are_refused(typed):
    assert ine_variant(typed) is None
