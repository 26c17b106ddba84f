"""The candidate's whole dossier as the desk's application page shows it, read only:
the candidate's own queries and display values (``app.dossier``), one truth for both."""

from __future__ import annotations

from dataclasses import dataclass

from app.applications.queries import ApplicationView
from app.dossier import field_labels as L
from app.dossier.forms import bac as bac_form
from app.dossier.forms import identity as identity_form
from app.dossier.forms.row_sections import outcome_choices
from app.dossier.queries import (
    bac_of,
    experiences_of,
    internal_studies_of,
    internships_of,
    prior_studies_of,
)
from app.tables.dossier import Address, Candidate


@dataclass
class Dossier:
    email: str
    identity: list[tuple[str, str]]
    address: list[str]
    bac: list[tuple[str, str]]
    prior_studies: list[dict]
    internal_studies: list[dict]
    internships: list[dict]
    experiences: list[dict]


IDENTITY_SHOWN = (
    "civility",
    "birth_name",
    "usual_name",
    "first_name",
    "other_first_name",
    "birth_date",
    "birth_country",
    "birth_departement",
    "birth_commune",
    "nationality",
    "ine",
    "phone",
    "mobile",
)
BAC_SHOWN = ("has_bac", "year", "serie", "mention", "country", "departement", "commune", "lycee")


def _outcome_label(code: str) -> str:
    """The label the candidate chose from (the dossier form's own list)."""
    return {choice.value: choice.label for choice in outcome_choices()}.get(code, code)


async def _address_lines(address_id: int | None) -> list[str]:
    if address_id is None:
        return []
    row = (
        await Address.select(
            Address.all_columns(),
            Address.commune.name.as_alias("commune_name"),
            Address.country.name_fr.as_alias("country_name"),
        )
        .where(Address.id == address_id)
        .first()
    )
    if row is None:
        return []
    if row["commune_name"]:
        place = f"{row['postal_code']} {row['commune_name']}"
    else:
        place = " ".join(p for p in (row["postal_code"], row["foreign_city"]) if p)
    lines = [row["line1"], row["line2"], row["line3"], place, row["country_name"] or ""]
    return [line.strip() for line in lines if line and line.strip()]


async def dossier_of(application: ApplicationView) -> Dossier:
    candidate = (
        await Candidate.select(Candidate.id, Candidate.address)
        .where(Candidate.id == application.candidate_id)
        .first()
    )
    shown = await identity_form.displayed_values(candidate["id"])
    identity = [(L.label(L.IDENTITY, name), shown[name]) for name in IDENTITY_SHOWN if shown[name]]
    bac = await bac_of(candidate["id"])
    bac_rows: list[tuple[str, str]] = []
    if bac is not None:
        values = await bac_form.displayed_values(bac["id"])
        bac_rows = [(L.label(L.BAC, name), values[name]) for name in BAC_SHOWN if values[name]]
    prior = [
        {**row, "outcome_label": _outcome_label(row["outcome"])}
        for row in await prior_studies_of(candidate["id"])
    ]
    return Dossier(
        email=application.email,
        identity=identity,
        address=await _address_lines(candidate["address"]),
        bac=bac_rows,
        prior_studies=prior,
        internal_studies=await internal_studies_of(candidate["id"]),
        internships=await internships_of(candidate["id"]),
        experiences=await experiences_of(candidate["id"]),
    )
