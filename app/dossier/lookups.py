"""Reference-data lists offered by the dossier forms (option values are row ids).

Each list is one small query: the reference tables are read-only at run time, and the
longest list (the communes of a département) has under a thousand rows.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass

from app.core.i18n import current_language
from app.core.i18n import gettext as _
from app.input_rules import is_ascii_digits
from app.tables.refdata import (
    Commune,
    Country,
    Departement,
)

FRANCE_COG = "99100"
NO_BAC_CODE = "0000"

FORMER_KINDS = ("commune-deleguee", "commune-associee")

# nationality_fr comes unchanged from i18n-nationality (refdata README): a few values
# are plural, lack their hyphen or are not adjectives. Fixed here by ISO code; the
# country name stands in where there is no usable adjective.
NATIONALITY_FIXES = {
    "CV": "Cap-Verdien",
    "KI": "Kiribatien",
    "KP": "Nord-Coréen",
    "KR": "Sud-Coréen",
    "PS": "Palestinien",
    "SL": "Sierra-Léonais",
    "ZA": "Sud-Africain",
}
NOT_AN_ADJECTIVE = frozenset({"VA"})


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    group: str = ""
    """Options sharing a group are shown under an <optgroup> of that label."""


def sort_key(label: str) -> str:
    """Alphabetical order as a French reader expects it (É with E, case ignored)."""
    decomposed = unicodedata.normalize("NFKD", label)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _country_name(row: dict) -> str:
    if current_language.get() == "en" and row.get("name_en"):
        return row["name_en"]
    return row["name_fr"]


def _france_first(choices: list[Choice], france: str | None) -> list[Choice]:
    ordered = sorted(choices, key=lambda c: sort_key(c.label))
    return sorted(ordered, key=lambda c: c.value != france)


async def france_id() -> int | None:
    row = await Country.select(Country.id).where(Country.cog_code == FRANCE_COG).first()
    return row["id"] if row else None


async def country_choices() -> list[Choice]:
    """Countries and territories with their own INSEE code, France first."""
    rows = await Country.select(Country.id, Country.cog_code, Country.name_fr, Country.name_en)
    france = next((str(r["id"]) for r in rows if r["cog_code"] == FRANCE_COG), None)
    return _france_first([Choice(str(r["id"]), _country_name(r)) for r in rows], france)


# The Country columns :func:`nationality_label` reads.
NATIONALITY_COLUMNS = ("name_fr", "name_en", "iso2", "nationality_fr", "nationality_en")


def nationality_label(row: dict) -> str:
    """The nationality as an adjective ("Français" / "French"); the country's name
    where the reference data has no usable one."""
    iso2 = row.get("iso2") or ""
    if current_language.get() == "en":
        if iso2 in NOT_AN_ADJECTIVE or not row.get("nationality_en"):
            return _country_name(row)
        return row["nationality_en"]
    if iso2 in NOT_AN_ADJECTIVE or not row.get("nationality_fr"):
        return row["name_fr"]
    return NATIONALITY_FIXES.get(iso2, row["nationality_fr"])


async def nationality_choices() -> list[Choice]:
    """One nationality per State (territories share their State's), France first."""
    rows = await Country.select(
        Country.id,
        Country.cog_code,
        Country.iso2,
        Country.name_fr,
        Country.name_en,
        Country.nationality_fr,
        Country.nationality_en,
    ).where(Country.kind == "country")
    france = next((str(r["id"]) for r in rows if r["cog_code"] == FRANCE_COG), None)
    return _france_first([Choice(str(r["id"]), nationality_label(r)) for r in rows], france)


def departement_label(row: dict) -> str:
    return f"{row['code']} – {row['name']}"


async def departement_choices() -> list[Choice]:
    rows = await Departement.select(Departement.id, Departement.code, Departement.name)
    # The file order: 01…19, 2A, 2B, 21…95, then the overseas codes.
    return [Choice(str(r["id"]), departement_label(r)) for r in sorted(rows, key=lambda r: r["id"])]


def commune_label(row: dict, parent_name: str = "") -> str:
    if row["kind"] in FORMER_KINDS:
        if parent_name:
            return _(
                "%(name)s (ancienne commune, %(parent)s)", name=row["name"], parent=parent_name
            )
        return _("%(name)s (ancienne commune)", name=row["name"])
    return row["name"]


def _commune_choices(rows: list[dict], parents: dict[str, str]) -> list[Choice]:
    # A déléguée commune carrying its own new commune's code repeats that commune.
    rows = [
        r for r in rows if not (r["kind"] in FORMER_KINDS and r["parent_code"] == r["insee_code"])
    ]
    labels = [commune_label(r, parents.get(r["parent_code"] or "", "")) for r in rows]
    twice = {label for label, count in Counter(labels).items() if count > 1}
    choices = []
    for row, label in zip(rows, labels, strict=True):
        if label in twice:  # homonyms: the postal code tells them apart
            label = f"{label} ({row['postal_codes'].split(' ')[0] or row['insee_code']})"
        choices.append(Choice(str(row["id"]), label))
    return sorted(choices, key=lambda c: sort_key(c.label))


_COMMUNE_COLUMNS = (
    Commune.id,
    Commune.insee_code,
    Commune.kind,
    Commune.name,
    Commune.postal_codes,
    Commune.parent_code,
)


async def commune_choices(departement_id: int | None) -> list[Choice]:
    """Every commune of the département, former (déléguée, associée) ones included."""
    if departement_id is None:
        return []
    rows = await Commune.select(*_COMMUNE_COLUMNS).where(Commune.departement == departement_id)
    parents = {r["insee_code"]: r["name"] for r in rows if r["kind"] == "commune-actuelle"}
    return _commune_choices(rows, parents)


async def communes_for_postal_code(postal_code: str) -> list[Choice]:
    """Communes whose postal codes include ``postal_code``; former communes have none
    of their own and take their new commune's."""
    if not (len(postal_code) == 5 and is_ascii_digits(postal_code)):
        return []
    candidates = await Commune.select(*_COMMUNE_COLUMNS).where(
        Commune.postal_codes.like(f"%{postal_code}%")
    )
    current = [r for r in candidates if postal_code in r["postal_codes"].split(" ")]
    parents = {r["insee_code"]: r["name"] for r in current if r["kind"] == "commune-actuelle"}
    former = []
    if parents:
        former = await Commune.select(*_COMMUNE_COLUMNS).where(
            Commune.kind.is_in(list(FORMER_KINDS)) & Commune.parent_code.is_in(list(parents))
        )
    return _commune_choices(current + former, parents)


async def commune_postal_codes(commune_id: int) -> list[str]:
    row = (
        await Commune.select(Commune.postal_codes, Commune.parent_code, Commune.kind)
        .where(Commune.id == commune_id)
        .first()
    )
    if row is None:
        return []
    codes = row["postal_codes"]
    if not codes and row["parent_code"]:
        parent = (
            await Commune.select(Commune.postal_codes)
            .where(
                (Commune.insee_code == row["parent_code"]) & (Commune.kind == "commune-actuelle")
            )
            .first()
        )
        codes = parent["postal_codes"] if parent else ""
    return [code for code in codes.split(" ") if code]
