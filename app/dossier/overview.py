"""What the dossier overview page (/dossier) shows: each section with its state."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from app.core.dates import french_date_text
from app.core.i18n import N_, ngettext
from app.core.i18n import gettext as _
from app.dossier.completeness import (
    Completeness,
    MissingItem,
    completeness_of_rows,
    nothing_entered,
)
from app.dossier.field_labels import Section, section_title
from app.dossier.read_model import dossier_rows
from app.sql import one_connection


class SectionState(StrEnum):
    COMPLETE = "complete"
    INCOMPLETE = "incomplete"
    IMPORTED = "imported"
    EMPTY = "empty"  # an optional section with nothing entered


STATE_LABELS = {
    SectionState.COMPLETE: N_("Complet"),
    SectionState.INCOMPLETE: N_("Incomplet"),
    SectionState.IMPORTED: N_("Importé de l'université"),
    SectionState.EMPTY: N_("Non renseigné (facultatif)"),
}


@dataclass
class SectionView:
    section: Section
    state: SectionState
    summary: str = ""
    missing: list[MissingItem] = field(default_factory=list)

    @property
    def title(self) -> str:
        return section_title(self.section)

    @property
    def state_label(self) -> str:
        return _(STATE_LABELS[self.state])

    @property
    def url(self) -> str:
        return f"/dossier/{self.section.value}"


@dataclass
class Overview:
    login: str
    email: str
    pending_email: str | None
    completeness: Completeness
    sections: list[SectionView]
    has_application: bool


def _required_state(ok: bool, imported: bool) -> SectionState:
    if not ok:
        return SectionState.INCOMPLETE
    return SectionState.IMPORTED if imported else SectionState.COMPLETE


def _rows_state(count: int) -> SectionState:
    return SectionState.COMPLETE if count else SectionState.EMPTY


def _count(count: int) -> str:
    return ngettext("%(num)d ligne saisie", "%(num)d lignes saisies", count) if count else ""


def _identity_summary(candidate: dict) -> str:
    names = " ".join(p for p in (candidate["first_name"], candidate["birth_name"]) if p)
    born = french_date_text(candidate["birth_date"])
    return f"{names} – {born}" if names and born else names


def _address_summary(row: dict | None) -> str:
    if row is None:
        return ""
    if row["commune_name"]:
        place = f"{row['postal_code']} {row['commune_name']}"
    else:
        place = ", ".join(p for p in (row["foreign_city"], row["country_name"]) if p)
    return ", ".join(p for p in (row["line1"], place) if p.strip())


def _bac_summary(row: dict | None) -> str:
    if row is None:
        return ""
    return row["serie_label"] + (f", {row['year']}" if row["year"] else "")


async def dossier_overview(account_id: int) -> Overview:
    """One query, whatever the dossier holds (``app.dossier.read_model``)."""
    async with one_connection():
        rows = await dossier_rows(account_id)
    if rows is None:
        raise LookupError(f"no candidate account {account_id}")
    candidate, address, bac, counts = rows.candidate, rows.address, rows.bac, rows.counts
    if candidate is None:
        return Overview(
            login=rows.account["login"],
            email=rows.account["email"],
            pending_email=rows.account["pending_email"],
            completeness=nothing_entered(),
            sections=[],
            has_application=False,
        )
    completeness = completeness_of_rows(rows)
    by_section: dict[Section, list[MissingItem]] = {}
    for item in completeness.missing:
        by_section.setdefault(item.section, []).append(item)
    imported = candidate["from_student_records"]
    sections = [
        SectionView(
            Section.IDENTITY,
            _required_state(completeness.identity_ok, imported),
            _identity_summary(candidate),
            by_section.get(Section.IDENTITY, []),
        ),
        SectionView(
            Section.ADDRESS,
            _required_state(completeness.address_ok, False),
            _address_summary(address),
            by_section.get(Section.ADDRESS, []),
        ),
        SectionView(
            Section.BAC,
            _required_state(completeness.bac_ok, bool(bac and bac["from_student_records"])),
            _bac_summary(bac),
            by_section.get(Section.BAC, []),
        ),
    ]
    internal = counts["internal"]
    if imported or internal:
        state = SectionState.IMPORTED if internal else SectionState.EMPTY
        sections.append(SectionView(Section.INTERNAL_STUDIES, state, _count(internal)))
    for section, name in (
        (Section.PRIOR_STUDIES, "prior"),
        (Section.INTERNSHIPS, "internships"),
        (Section.EXPERIENCES, "experiences"),
    ):
        sections.append(SectionView(section, _rows_state(counts[name]), _count(counts[name])))
    return Overview(
        login=rows.account["login"],
        email=rows.account["email"],
        pending_email=rows.account["pending_email"],
        completeness=completeness,
        sections=sections,
        has_application=counts["live_applications"] > 0,
    )
