"""Loading the reference data: exact counts, exact rows, idempotence, updates."""

from __future__ import annotations

import csv
import gzip
import shutil
from pathlib import Path

import pytest

from app.refdata.load import DATA_DIR, TableSync, load_reference_data, sync_reference_data
from app.tables.refdata import (
    BacMention,
    BacSerie,
    Commune,
    Country,
    Departement,
    DiplomaType,
    Lycee,
)

EXPECTED_COUNTS = {
    "countries": 229,
    "departements": 109,
    "communes": 37_590,
    "lycees": 5_150,
    "bac_series": 45,
    "bac_mentions": 5,
    "diploma_types": 34,
}


@pytest.fixture(scope="module")
async def loaded(database) -> dict[str, int]:
    """Reference tables survive between tests: load them once for this module."""
    return await load_reference_data()


def _csv_rows(name: str) -> int:
    path = DATA_DIR / (f"{name}.csv.gz" if name == "communes" else f"{name}.csv")
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as handle:
        return sum(1 for _ in csv.DictReader(handle))


async def test_counts_equal_the_csv_rows(loaded):
    assert loaded == EXPECTED_COUNTS
    assert {name: _csv_rows(name) for name in EXPECTED_COUNTS} == EXPECTED_COUNTS
    assert await Commune.count() == 37_590
    assert await Lycee.count() == 5_150


async def test_second_run_changes_nothing(loaded):
    report = await sync_reference_data()
    assert report == {
        name: TableSync(inserted=0, updated=0, total=total)
        for name, total in EXPECTED_COUNTS.items()
    }
    assert await load_reference_data() == EXPECTED_COUNTS


async def test_france_and_a_territory(loaded):
    france = await Country.select().where(Country.cog_code == "99100").first()
    assert {k: france[k] for k in ("iso2", "iso3", "name_fr", "name_en", "nationality_fr")} == {
        "iso2": "FR",
        "iso3": "FRA",
        "name_fr": "France",
        "name_en": "France",
        "nationality_fr": "Français",
    }
    assert france["kind"] == "country"
    assert await Country.count().where(Country.kind == "territory") == 32
    aruba = await Country.select().where(Country.iso2 == "AW").first()
    assert aruba["nationality_fr"] is None  # empty CSV field → no value


async def test_departement_codes_stay_text(loaded):
    corse = await Departement.select().where(Departement.code == "2A").first()
    assert (corse["name"], corse["region_code"], corse["zone"]) == ("Corse-du-Sud", "94", "metro")
    ain = await Departement.select().where(Departement.code == "01").first()
    assert ain["name"] == "Ain"
    clipperton = await Departement.select().where(Departement.code == "989").first()
    assert (clipperton["zone"], clipperton["region_code"]) == ("com", None)


async def test_communes_keep_leading_zeros_and_kinds(loaded):
    first = (
        await Commune.select(Commune.all_columns(), Commune.departement.code.as_alias("dep"))
        .where((Commune.insee_code == "01001") & (Commune.kind == "commune-actuelle"))
        .first()
    )
    assert (first["name"], first["dep"], first["postal_codes"], first["parent_code"]) == (
        "L'Abergement-Clémenciat",
        "01",
        "01400",
        None,
    )
    # 01015 exists twice: the current commune and the former one it absorbed.
    rows = await Commune.select(Commune.kind, Commune.name, Commune.parent_code).where(
        Commune.insee_code == "01015"
    )
    assert sorted((r["kind"], r["name"], r["parent_code"]) for r in rows) == [
        ("commune-actuelle", "Arboys en Bugey", None),
        ("commune-deleguee", "Arbignieu", "01015"),
    ]
    afa = (
        await Commune.select(Commune.name, Commune.former_codes, Commune.departement.code)
        .where(Commune.insee_code == "2A001")
        .first()
    )
    assert afa == {"name": "Afa", "former_codes": "20001", "departement.code": "2A"}
    assert await Commune.count().where(Commune.kind == "arrondissement-municipal") == 45


async def test_lycees_series_mentions_and_diplomas(loaded):
    lycee = await Lycee.select().where(Lycee.uai == "0010001W").first()
    assert (lycee["name"], lycee["postal_code"], lycee["country_iso2"]) == (
        "LYCÉE PROFESSIONNEL ALEXANDRE BÉRARD",
        "01505",
        "FR",
    )
    series = {
        row["code"]: row
        for row in await BacSerie.select().where(BacSerie.code.is_in(["0000", "S", "BG"]))
    }
    assert (series["S"]["first_year"], series["S"]["last_year"], series["S"]["kind"]) == (
        1995,
        2020,
        "G",
    )
    assert (series["BG"]["first_year"], series["BG"]["last_year"]) == (2021, None)
    assert bool(series["0000"]["verified"]) is True
    assert bool(series["S"]["verified"]) is False
    mentions = await BacMention.select(BacMention.code, BacMention.min_average).order_by(
        BacMention.min_average
    )
    assert [(m["code"], m["min_average"]) for m in mentions] == [
        ("P", 10),
        ("AB", 12),
        ("B", 14),
        ("TB", 16),
        ("TBF", 18),
    ]
    but = await DiplomaType.select().where(DiplomaType.code == "BUT").first()
    assert but["label"] == "Bachelor universitaire de technologie"


def _rewrite(path: Path, change) -> None:
    """Apply ``change`` to every row of a (possibly gzipped) CSV file."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fields, rows = reader.fieldnames, [change(row) for row in reader]
    path.unlink()  # a copy keeps the source permissions, which may be read-only
    with opener(path, "wt", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(row for row in rows if row is not None)


async def test_changed_labels_are_updated_and_missing_rows_kept(loaded, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)

    def rename_country(row):
        if row["cog_code"] == "99100":
            row["name_en"] = "French Republic"
        return row

    def rename_commune(row):
        if (row["insee_code"], row["kind"]) == ("01015", "commune-deleguee"):
            row["name"] = "Arbignieu (ancienne commune)"
        return row

    def drop_but(row):
        return None if row["code"] == "BUT" else row

    _rewrite(data / "countries.csv", rename_country)
    _rewrite(data / "communes.csv.gz", rename_commune)
    _rewrite(data / "diploma_types.csv", drop_but)
    try:
        report = await sync_reference_data(data)
        assert {name: (s.inserted, s.updated) for name, s in report.items()} == {
            "countries": (0, 1),
            "departements": (0, 0),
            "communes": (0, 1),
            "lycees": (0, 0),
            "bac_series": (0, 0),
            "bac_mentions": (0, 0),
            "diploma_types": (0, 0),
        }
        assert report["diploma_types"].total == 34  # a row gone from the CSV stays
        france = await Country.select(Country.name_en).where(Country.cog_code == "99100").first()
        assert france["name_en"] == "French Republic"
        renamed = (
            await Commune.select(Commune.name)
            .where((Commune.insee_code == "01015") & (Commune.kind == "commune-deleguee"))
            .first()
        )
        assert renamed["name"] == "Arbignieu (ancienne commune)"
    finally:
        restored = await sync_reference_data()
    assert (restored["countries"].updated, restored["communes"].updated) == (1, 1)
    france = await Country.select(Country.name_en).where(Country.cog_code == "99100").first()
    assert france["name_en"] == "France"
