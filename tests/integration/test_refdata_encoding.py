"""Issue 12 item 7: the garbled lycée names ("FRANÈAISE") are fixed in the project's
reference files, and the loader refuses mis-encoded text instead of storing it."""

from __future__ import annotations

import csv
import gzip
import shutil

import pytest

from app.refdata.encoding import GarbledText, garbling
from app.refdata.load import DATA_DIR, load_reference_data, read_csv, sync_reference_data
from app.tables.refdata import Lycee
from tests.integration.test_refdata_load import _rewrite


@pytest.fixture(scope="module")
async def loaded(database) -> dict[str, int]:
    return await load_reference_data()


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("ÉCOLE DENTAIRE FRANÈAISE PRIVÉE", "« ÈA » where « ç » is expected"),
        ("Besanèon", "« èo » where « ç » is expected"),
        ("LEGTA LUÈON PÉTRÉ", "« ÈO » where « ç » is expected"),
        ("LYCÃ‰E", "UTF-8 read as Latin-1/cp1252"),  # "LYCÉE" read as cp1252
        ("BÃ©rard", "UTF-8 read as Latin-1/cp1252"),
        ("Ã\x89cole", "UTF-8 read as Latin-1/cp1252"),  # "École" read as Latin-1
    ],
)
def test_garbled_text_is_recognised(value, reason):
    assert garbling(value) == reason


@pytest.mark.parametrize(
    "value",
    [
        "ÉCOLE DENTAIRE FRANÇAISE PRIVÉE",
        "LYCÉE GÉNÉRAL CHANZY",
        "CHARLEVILLE-MEZIÈRES",
        "Saint-Pourçain-sur-Sioule",
        "LYCÉE DE LA COTIÈRE",
        "Réunion",
        "Côte d’Ivoire",
        "Œuvre",
        "0010001W",
        "",
    ],
)
def test_correct_french_is_accepted(value):
    assert garbling(value) is None


def test_no_reference_file_holds_garbled_text():
    """Every file of app/refdata/data reads through the checked reader."""
    files = sorted(DATA_DIR.glob("*.csv")) + sorted(DATA_DIR.glob("*.csv.gz"))
    assert len(files) == 8
    for path in files:
        assert sum(1 for _ in read_csv(path)) > 0


async def test_the_lycee_names_are_fixed_at_their_source(loaded):
    rows = {
        r["uai"]: (r["name"], r["city"])
        for r in await Lycee.select(Lycee.uai, Lycee.name, Lycee.city).where(
            Lycee.uai.is_in(["0312188K", "0031047X", "0250013D", "0610746E", "0261069W"])
        )
    }
    assert rows == {
        "0312188K": ("ÉCOLE DENTAIRE FRANÇAISE PRIVÉE", "Toulouse"),
        "0031047X": ("LYCÉE AGRICOLE MONTLUÇON-LAREQUILLE", "Durdat-Larequille"),
        "0250013D": ("LYCÉE PROFESSIONNEL PIERRE-ADRIEN PÂRIS", "Besançon"),
        "0610746E": ("LYCÉE PROFESSIONNEL AGRICOLE D'ALENÇON", "Alençon"),
        "0261069W": ("LYCÉE DRÔME PROVENÇALE", "Saint-Paul-Trois-Châteaux"),
    }
    stored = await Lycee.select(Lycee.name, Lycee.city)
    assert [r for r in stored if garbling(r["name"]) or garbling(r["city"])] == []


async def test_a_garbled_file_is_refused_and_nothing_is_written(loaded, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)

    def damage(row):
        if row["uai"] == "0312188K":
            row["name"] = "ÉCOLE DENTAIRE FRANÈAISE PRIVÉE"
        if row["uai"] == "0010001W":
            row["name"] = "LYCÉE PROFESSIONNEL ALEXANDRE BÉRARD (renamed)"
        return row

    _rewrite(data / "lycees.csv", damage)
    with pytest.raises(GarbledText) as caught:
        await sync_reference_data(data)
    assert str(caught.value) == (
        "lycees.csv, line 1208, column name: 'ÉCOLE DENTAIRE FRANÈAISE PRIVÉE' "
        "(« ÈA » where « ç » is expected)"
    )
    names = {
        r["uai"]: r["name"]
        for r in await Lycee.select(Lycee.uai, Lycee.name).where(
            Lycee.uai.is_in(["0312188K", "0010001W"])
        )
    }
    assert names == {
        "0312188K": "ÉCOLE DENTAIRE FRANÇAISE PRIVÉE",
        "0010001W": "LYCÉE PROFESSIONNEL ALEXANDRE BÉRARD",
    }


def test_a_gzipped_file_is_checked_too(tmp_path):
    path = tmp_path / "communes.csv.gz"
    with gzip.open(path, "wt", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerows([["insee_code", "name"], ["25056", "Besanèon"]])
    with pytest.raises(GarbledText, match=r"communes.csv.gz, line 2, column name: 'Besanèon'"):
        list(read_csv(path))
