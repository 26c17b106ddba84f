"""Reference-data lists of the bac and studies sections: lycées, bac séries and
mentions, diploma types (option values are row ids)."""

from __future__ import annotations

from app.core.i18n import N_
from app.core.i18n import gettext as _
from app.dossier.lookups import NO_BAC_CODE, Choice, commune_postal_codes, sort_key
from app.tables.refdata import BacMention, BacSerie, Departement, DiplomaType, Lycee

# Truncated or misspelt labels of the Apogée diploma-type table (refdata README).
DIPLOMA_LABEL_FIXES = {
    "H": "Diplôme universitaire de 2nd cycle (hors ingénieur universitaire)",
    "J": "Diplôme universitaire de 3e cycle (hors ingénieur universitaire)",
    "K": "Attestation de fin de 1ère année de médecine, de pharmacie et d'odontologie",
}


def uai_prefix(departement_code: str) -> str:
    """The first characters of the UAI of an establishment of that département."""
    if departement_code in ("2A", "2B"):
        return "620" if departement_code == "2A" else "720"
    return departement_code.zfill(3)


async def lycee_choices(*, commune_id: int | None, departement_id: int | None) -> list[Choice]:
    """The commune's lycées (by postal code) first, then the rest of the département."""
    if departement_id is None:
        return []
    departement = (
        await Departement.select(Departement.code).where(Departement.id == departement_id).first()
    )
    if departement is None:
        return []
    codes = await commune_postal_codes(commune_id) if commune_id else []
    where = Lycee.uai.like(f"{uai_prefix(departement['code'])}%")
    if codes:
        where = where | Lycee.postal_code.is_in(codes)
    rows = await Lycee.select(Lycee.id, Lycee.name, Lycee.city, Lycee.postal_code).where(where)
    in_commune, elsewhere = (
        _("Établissements de la commune"),
        _("Autres établissements du département"),
    )
    choices = [
        Choice(
            str(r["id"]),
            f"{r['name']} – {r['city']}" if r["city"] else r["name"],
            group=in_commune if r["postal_code"] in codes else elsewhere,
        )
        for r in rows
    ]
    choices.sort(key=lambda c: (c.group != in_commune, sort_key(c.label)))
    if not codes:
        return [Choice(c.value, c.label) for c in choices]
    return choices


SERIE_GROUPS = {
    "G": N_("Baccalauréat général"),
    "T": N_("Baccalauréat technologique"),
    "P": N_("Baccalauréat professionnel"),
    "E": N_("Titre étranger"),
    "X": N_("Autres titres et équivalences"),
}


async def serie_choices(year: int | None) -> list[Choice]:
    """Séries open in ``year`` (between first_year and last_year, when they are known),
    grouped by kind; "sans bac" is not one of them."""
    if year is None:
        return []
    rows = await BacSerie.select(BacSerie.id, BacSerie.code, BacSerie.label, BacSerie.kind).where(
        (BacSerie.code != NO_BAC_CODE)
        & (BacSerie.first_year.is_null() | (BacSerie.first_year <= year))
        & (BacSerie.last_year.is_null() | (BacSerie.last_year >= year))
    )
    order = list(SERIE_GROUPS)
    rows.sort(key=lambda r: (order.index(r["kind"]), sort_key(r["label"])))
    return [Choice(str(r["id"]), r["label"], group=_(SERIE_GROUPS[r["kind"]])) for r in rows]


async def no_bac_serie_id() -> int | None:
    row = await BacSerie.select(BacSerie.id).where(BacSerie.code == NO_BAC_CODE).first()
    return row["id"] if row else None


async def mention_choices() -> list[Choice]:
    rows = await BacMention.select(BacMention.id, BacMention.label).order_by(BacMention.min_average)
    return [Choice(str(r["id"]), r["label"]) for r in rows]


def diploma_label(row: dict) -> str:
    return DIPLOMA_LABEL_FIXES.get(row["code"], row["label"])


async def diploma_type_choices() -> list[Choice]:
    """The Apogée list, without its duplicate labels (2/P, S/Y, T/Z)."""
    rows = await DiplomaType.select(DiplomaType.id, DiplomaType.code, DiplomaType.label).order_by(
        DiplomaType.id
    )
    seen: set[str] = set()
    choices = []
    for row in rows:
        label = diploma_label(row)
        if label not in seen:
            seen.add(label)
            choices.append(Choice(str(row["id"]), label))
    return sorted(choices, key=lambda c: sort_key(c.label))
