"""Is the dossier complete enough to apply? (DESIGN.md §4: identity, address and bac.)

``dossier_completeness(account_id)`` is what the applications code asks before letting
a candidate apply; the overview page lists its ``missing`` items.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.core.i18n import gettext as _
from app.dossier import field_labels as L
from app.dossier.field_labels import Section
from app.dossier.read_model import (
    DossierRows,
    dossier_rows,
    dossier_rows_and_live_applications,
)


@dataclass(frozen=True)
class MissingItem:
    section: Section
    field: str
    """The column name, or "" when the whole section is still to be entered."""
    label: str
    """The field's label (or "à saisir"), in the current language."""


@dataclass(frozen=True)
class Completeness:
    identity_ok: bool
    address_ok: bool
    bac_ok: bool
    missing: tuple[MissingItem, ...]

    @property
    def ok(self) -> bool:
        """Identity, address and bac are complete: the candidate may apply."""
        return self.identity_ok and self.address_ok and self.bac_ok


def identity_missing(candidate: dict, france: int | None) -> list[str]:
    required = ["nationality", "civility", "birth_name", "first_name", "birth_date"]
    required.append("birth_country")
    if candidate["birth_country"] is not None:
        if candidate["birth_country"] == france:
            required += ["birth_departement", "birth_commune"]
        else:
            required.append("birth_city_label")
    return [name for name in required if candidate[name] in (None, "")]


def address_missing(address: dict | None, france: int | None) -> list[str] | None:
    """None when there is no address at all."""
    if address is None:
        return None
    required = (
        ["line1", "postal_code", "commune"]
        if address["country"] == france
        else [
            "line1",
            "foreign_city",
        ]
    )
    return [name for name in required if address[name] in (None, "")]


def bac_missing(bac: dict | None, france: int | None, no_bac: int | None) -> list[str] | None:
    """None when nothing was entered; [] for "sans bac"."""
    if bac is None:
        return None
    if bac["serie"] == no_bac:
        return []
    missing = [name for name in ("year", "serie", "country") if bac[name] is None]
    if bac["country"] == france:
        missing += [name for name in ("departement", "commune") if bac[name] is None]
        if bac["lycee"] is None and not bac["establishment_label"]:
            missing.append("lycee")
    elif bac["country"] is not None and not bac["establishment_label"]:
        missing.append("establishment_label")
    return missing


def _items(section: Section, labels: dict[str, str], names: list[str] | None) -> list[MissingItem]:
    if names is None:
        return [MissingItem(section, "", _("à saisir"))]
    return [MissingItem(section, name, L.label(labels, name)) for name in names]


@dataclass(frozen=True)
class ReferenceIds:
    """The reference rows the rules compare with: France and the "sans bac" series."""

    france: int | None
    no_bac: int | None


async def dossier_completeness(account_id: int) -> Completeness:
    """What is still missing in identity, address and bac before applying (one query)."""
    return completeness_of_rows(await dossier_rows(account_id))


async def completeness_and_live_applications(
    account_id: int,
) -> tuple[Completeness, dict[int, int]]:
    """:func:`dossier_completeness` and the account's applications not cancelled
    (programme id → application id), in one query: what the offer page shows."""
    rows, live = await dossier_rows_and_live_applications(account_id)
    return completeness_of_rows(rows), live


def completeness_of_rows(rows: DossierRows | None) -> Completeness:
    if rows is None or rows.candidate is None:
        return nothing_entered()
    return completeness_of(
        rows.candidate, rows.address, rows.bac, ReferenceIds(rows.france, rows.no_bac)
    )


def nothing_entered() -> Completeness:
    missing = [
        MissingItem(section, "", _("à saisir"))
        for section in (Section.IDENTITY, Section.ADDRESS, Section.BAC)
    ]
    return Completeness(False, False, False, tuple(missing))


def completeness_of(
    candidate: dict, address: dict | None, bac: dict | None, refs: ReferenceIds
) -> Completeness:
    """The rules on rows already read (the overview page reads them with their labels)."""
    identity = identity_missing(candidate, refs.france)
    address_gaps = address_missing(address, refs.france)
    bac_gaps = bac_missing(bac, refs.france, refs.no_bac)
    items = [
        *_items(Section.IDENTITY, L.IDENTITY, identity),
        *_items(Section.ADDRESS, L.ADDRESS, address_gaps),
        *_items(Section.BAC, L.BAC, bac_gaps),
    ]
    return Completeness(
        identity_ok=not identity,
        address_ok=address_gaps == [],
        bac_ok=bac_gaps == [],
        missing=tuple(items),
    )
