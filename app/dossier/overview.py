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
    completeness_of,
    nothing_entered,
    reference_ids,
)
from app.dossier.field_labels import Section, section_title
from app.tables.accounts import CandidateAccount
from app.tables.applications import Application
from app.tables.dossier import (
    Address,
    Baccalaureate,
    Candidate,
    InternalStudy,
    Internship,
    PriorStudy,
    WorkExperience,
)


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


async def _address_with_names(address_id: int | None) -> dict | None:
    if address_id is None:
        return None
    return (
        await Address.select(
            Address.all_columns(),
            Address.commune.name.as_alias("commune_name"),
            Address.country.name_fr.as_alias("country_name"),
        )
        .where(Address.id == address_id)
        .first()
    )


def _address_summary(row: dict | None) -> str:
    if row is None:
        return ""
    if row["commune_name"]:
        place = f"{row['postal_code']} {row['commune_name']}"
    else:
        place = ", ".join(p for p in (row["foreign_city"], row["country_name"]) if p)
    return ", ".join(p for p in (row["line1"], place) if p.strip())


async def _bac_with_label(candidate_id: int) -> dict | None:
    return (
        await Baccalaureate.select(
            Baccalaureate.all_columns(), Baccalaureate.serie.label.as_alias("serie_label")
        )
        .where(Baccalaureate.candidate == candidate_id)
        .first()
    )


def _bac_summary(row: dict | None) -> str:
    if row is None:
        return ""
    return row["serie_label"] + (f", {row['year']}" if row["year"] else "")


COUNTED = {
    "live_applications": Application,
    "internal": InternalStudy,
    "prior": PriorStudy,
    "internships": Internship,
    "experiences": WorkExperience,
}


async def _counts(candidate_id: int) -> dict[str, int]:
    """Rows per table of the dossier (live applications: not cancelled), in one query."""
    counts = ", ".join(
        f"(SELECT COUNT(*) FROM {table._meta.tablename} WHERE candidate = {{}}"
        + (" AND cancelled_at IS NULL" if table is Application else "")
        + f") AS {name}"
        for name, table in COUNTED.items()
    )
    rows = await Candidate.raw(f"SELECT {counts}", *[candidate_id] * len(COUNTED))
    return rows[0]


async def dossier_overview(account_id: int) -> Overview:
    """Five queries, whatever the dossier holds."""
    candidate = (
        await Candidate.select(
            Candidate.all_columns(),
            Candidate.account.login.as_alias("account_login"),
            Candidate.account.email.as_alias("account_email"),
            Candidate.account.pending_email.as_alias("account_pending_email"),
        )
        .where(Candidate.account == account_id)
        .first()
    )
    if candidate is None:
        account = (
            await CandidateAccount.select(
                CandidateAccount.login, CandidateAccount.email, CandidateAccount.pending_email
            )
            .where(CandidateAccount.id == account_id)
            .first()
        )
        return Overview(
            login=account["login"],
            email=account["email"],
            pending_email=account["pending_email"],
            completeness=nothing_entered(),
            sections=[],
            has_application=False,
        )
    cid = candidate["id"]
    address = await _address_with_names(candidate["address"])
    bac = await _bac_with_label(cid)
    counts = await _counts(cid)
    completeness = completeness_of(candidate, address, bac, await reference_ids())
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
        login=candidate["account_login"],
        email=candidate["account_email"],
        pending_email=candidate["account_pending_email"],
        completeness=completeness,
        sections=sections,
        has_application=counts["live_applications"] > 0,
    )
