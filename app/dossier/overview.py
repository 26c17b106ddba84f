"""What the dossier overview page (/dossier) shows: each section with its state."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from app.accounts.tables import CandidateAccount
from app.dossier.completeness import Completeness, MissingItem, dossier_completeness
from app.dossier.fields import french_date_text
from app.dossier.labels import Section, section_title
from app.dossier.queries import has_live_application
from app.dossier.tables import (
    Address,
    Baccalaureate,
    Candidate,
    InternalStudy,
    Internship,
    PriorStudy,
    WorkExperience,
)
from app.web.i18n import N_, ngettext
from app.web.i18n import gettext as _


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


async def _identity_summary(candidate: dict) -> str:
    names = " ".join(p for p in (candidate["first_name"], candidate["birth_name"]) if p)
    born = french_date_text(candidate["birth_date"])
    return f"{names} – {born}" if names and born else names


async def _address_summary(address_id: int | None) -> str:
    if address_id is None:
        return ""
    row = (
        await Address.select(
            Address.all_columns(),
            Address.commune.name.as_alias("commune_name"),
            Address.country.name_fr.as_alias("country_name"),
        )
        .where(Address.id == address_id)
        .first()
    )
    if row["commune_name"]:
        place = f"{row['postal_code']} {row['commune_name']}"
    else:
        place = ", ".join(p for p in (row["foreign_city"], row["country_name"]) if p)
    return ", ".join(p for p in (row["line1"], place) if p.strip())


async def _bac_summary(candidate_id: int) -> tuple[str, bool]:
    row = (
        await Baccalaureate.select(
            Baccalaureate.year,
            Baccalaureate.from_student_records,
            Baccalaureate.serie.label.as_alias("serie_label"),
        )
        .where(Baccalaureate.candidate == candidate_id)
        .first()
    )
    if row is None:
        return "", False
    summary = row["serie_label"] + (f", {row['year']}" if row["year"] else "")
    return summary, row["from_student_records"]


async def dossier_overview(account_id: int) -> Overview:
    account = (
        await CandidateAccount.select(
            CandidateAccount.login, CandidateAccount.email, CandidateAccount.pending_email
        )
        .where(CandidateAccount.id == account_id)
        .first()
    )
    completeness = await dossier_completeness(account_id)
    candidate = await Candidate.select().where(Candidate.account == account_id).first()
    by_section: dict[Section, list[MissingItem]] = {}
    for item in completeness.missing:
        by_section.setdefault(item.section, []).append(item)
    sections: list[SectionView] = []
    has_application = False
    if candidate is not None:
        cid = candidate["id"]
        has_application = await has_live_application(cid)
        imported = candidate["from_student_records"]
        bac_summary, bac_imported = await _bac_summary(cid)
        sections += [
            SectionView(
                Section.IDENTITY,
                _required_state(completeness.identity_ok, imported),
                await _identity_summary(candidate),
                by_section.get(Section.IDENTITY, []),
            ),
            SectionView(
                Section.ADDRESS,
                _required_state(completeness.address_ok, False),
                await _address_summary(candidate["address"]),
                by_section.get(Section.ADDRESS, []),
            ),
            SectionView(
                Section.BAC,
                _required_state(completeness.bac_ok, bac_imported),
                bac_summary,
                by_section.get(Section.BAC, []),
            ),
        ]
        internal = await InternalStudy.count().where(InternalStudy.candidate == cid)
        if imported or internal:
            state = SectionState.IMPORTED if internal else SectionState.EMPTY
            sections.append(SectionView(Section.INTERNAL_STUDIES, state, _count(internal)))
        for section, table in (
            (Section.PRIOR_STUDIES, PriorStudy),
            (Section.INTERNSHIPS, Internship),
            (Section.EXPERIENCES, WorkExperience),
        ):
            count = await table.count().where(table.candidate == cid)
            sections.append(SectionView(section, _rows_state(count), _count(count)))
    return Overview(
        login=account["login"],
        email=account["email"],
        pending_email=account["pending_email"],
        completeness=completeness,
        sections=sections,
        has_application=has_application,
    )
