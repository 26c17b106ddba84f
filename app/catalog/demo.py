"""Demo data: the eCesure 2026/2027 campaign of the candidate guide, ready to click through.

Idempotent: every row is found by its code and brought up to date, so a second run
creates nothing, and switching between development dates and the guide's dates only
updates the dates. Not for production: the staff passwords are public.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, NamedTuple

from piccolo.table import Table

from app import clock
from app.applications.codes import ProcessingType, Verdict
from app.backoffice.codes import StaffRole
from app.backoffice.staff_members import upsert_staff_user
from app.catalog.demo_application import DemoCandidate, ensure_demo_application
from app.catalog.tables import (
    Campaign,
    Centre,
    Commission,
    DecisionType,
    Programme,
    ProgrammePiece,
    RefusalReason,
    RequiredPiece,
)
from app.db import write_transaction

CAMPAIGN_CODE = "CESURE2026"
CAMPAIGN_LABEL_FR = "Campagne eCesure 2026/2027"  # as in the guide's mails
GROUP_LABEL = "DEMANDE DE CESURE"  # the middle level of the guide's offer tree
CONTACT = {"address_lines": "118 route de Narbonne", "postal_code": "31062", "city": "TOULOUSE"}
MAIL_DOMAIN = "univ-toulouse.example"  # reserved TLD: demo mails can reach no one
DEMO_STUDENTS_PATH = Path(__file__).resolve().parent.parent / "accounts" / "demo_students.json"

MEDECINE = "SANTE-MED"
_MED = "GESTION CESURE MEDECINE DE LA 2E A LA 6E ANNEE"


class DemoCentre(NamedTuple):
    code: str
    label: str  # as in the guide's offer tree; its commission has the same label
    programmes: tuple[tuple[str, str], ...]  # (code, label)


CENTRES = (
    DemoCentre(
        "DOCT-SCI",
        "DEMANDE DE CESURE - DOCTORAT SCIENCES",
        (("CES-DOCT-SCI-AN", "GESTION CESURE DOCTORAT SCIENCES (ANNEE)"),),
    ),
    DemoCentre(
        "SANTE-ODONTO",
        "DEMANDE DE CESURE - FACULTE DE SANTE - DEPARTEMENT D'ODONTOLOGIE",
        (("CES-ODONTO-AN", "GESTION CESURE ODONTOLOGIE (ANNEE)"),),
    ),
    DemoCentre(
        "SANTE-PHARMA",
        "DEMANDE DE CESURE - FACULTE DE SANTE - DEPARTEMENT DES SCIENCES PHARMACEUTIQUES",
        (("CES-PHARMA-AN", "GESTION CESURE SCIENCES PHARMACEUTIQUES (ANNEE)"),),
    ),
    DemoCentre(
        "SANTE-PARAMED",
        "DEMANDE DE CESURE - FACULTE DE SANTE - DEPARTEMENT MMP - FORMATIONS PARAMEDICALES",
        (("CES-PARAMED-AN", "GESTION CESURE FORMATIONS PARAMEDICALES (ANNEE)"),),
    ),
    DemoCentre(
        MEDECINE,
        "DEMANDE DE CESURE - FACULTE DE SANTE - DEPARTEMENT MMP - MEDECINE",
        (
            ("CES-MED-ETR-AN", f"{_MED} A L'ETRANGER (ANNEE)"),
            ("CES-MED-ETR-S1", f"{_MED} A L'ETRANGER (SEMESTRE 1)"),
            ("CES-MED-FR-AN", f"{_MED} EN FRANCE (ANNEE)"),
            ("CES-MED-FR-S1", f"{_MED} EN FRANCE (SEMESTRE 1)"),
        ),
    ),
    DemoCentre(
        "F2SMH",
        "DEMANDE DE CESURE - FACULTE DES SCIENCES DU SPORT ET DU MOUVEMENT HUMAIN (F2SMH)",
        (("CES-F2SMH-ETR-AN", "GESTION CESURE F2SMH DE LA L2 AU M2 A L'ETRANGER (ANNEE)"),),
    ),
    DemoCentre(
        "FSI",
        "DEMANDE DE CESURE - FACULTE SCIENCES ET INGENIERIE (FSI)",
        (("CES-FSI-L1-AN", "GESTION CESURE FSI L1 (ANNEE)"),),
    ),
    DemoCentre("IUT", "DEMANDE DE CESURE - IUT", (("CES-IUT-AN", "GESTION CESURE IUT (ANNEE)"),)),
)


class DemoPiece(NamedTuple):
    code: str
    label_fr: str
    label_en: str
    common: bool = False
    conditional: bool = False


# The six pieces of the guide (§05.2), in its order. The identity document and the CV
# are the same for every request (common); the Parcoursup / Mon Master screenshot only
# concerns students entering through those platforms (conditional: "non concerné").
PIECES = (
    DemoPiece("IDENTITE", "Copie de la pièce d'identité", "Copy of an identity document", True),
    DemoPiece("CV", "CURRICULUM VITAE", "Curriculum vitae", common=True),
    DemoPiece("FICHE-ADM", "Fiche de renseignements administratifs", "Administrative form"),
    DemoPiece(
        "PARCOURSUP",
        "CAPTURE D'ECRAN : COCHE CESURE SUR PARCOURSUP - MON MASTER",
        "Screenshot: gap year ticked on Parcoursup / Mon Master",
        conditional=True,
    ),
    DemoPiece("PROJETS", "JUSTIFICATIFS DES PROJETS DE CESURE", "Evidence of the gap-year plans"),
    DemoPiece("MOTIVATION", "LETTRE DE MOTIVATION", "Cover letter"),
)


class DemoDecisionType(NamedTuple):
    code: str
    verdict: Verdict
    label_fr: str
    label_en: str
    final: bool


DECISION_TYPES = (
    DemoDecisionType("FAVORABLE", Verdict.FAVOURABLE, "Avis favorable", "Approved", True),
    DemoDecisionType("DEFAVORABLE", Verdict.UNFAVOURABLE, "Avis défavorable", "Refused", True),
    DemoDecisionType(
        "LISTE-ATTENTE", Verdict.WAITING_LIST, "Liste d'attente", "Waiting list", False
    ),
    DemoDecisionType(
        "LISTE-COMPL", Verdict.COMPLEMENTARY_LIST, "Liste complémentaire", "Reserve list", False
    ),
    DemoDecisionType("PRESELECTION", Verdict.PRESELECTION, "Présélection", "Shortlisted", False),
)

# (code, label_fr, label_en)
REFUSAL_REASONS = (
    ("PROJET-IMPRECIS", "Projet de césure insuffisamment construit", "Plans not developed enough"),
    ("HORS-CURSUS", "Projet sans lien avec la formation suivie", "Plans unrelated to the studies"),
    ("DOSSIER-INCOMPLET", "Dossier incomplet à la date limite", "Incomplete at the deadline"),
    ("NON-ELIGIBLE", "Année d'études non éligible à la césure", "Year of study not eligible"),
)


@dataclass(frozen=True)
class DemoStaff:
    username: str
    password: str
    role: StaffRole
    display_name: str
    centre_codes: tuple[str, ...] = ()
    commission_codes: tuple[str, ...] = ()

    @property
    def email(self) -> str:
        return f"{self.username}@{MAIL_DOMAIN}"


STAFF = (
    DemoStaff("admin", "Admin-ecesure-2026", StaffRole.TECH_ADMIN, "Administrateur technique"),
    # The central office and the technical administrator are the only ones in /admin/.
    DemoStaff(
        "scolarite", "Scolarite-ecesure-2026", StaffRole.CENTRAL_OFFICE, "Scolarité centrale"
    ),
    DemoStaff(
        "gestionnaire",
        "Gestion-ecesure-2026",
        StaffRole.CENTRE_MANAGER,
        "Gestionnaire césure médecine",
        centre_codes=(MEDECINE,),
    ),
    DemoStaff(
        "commission",
        "Commission-ecesure-2026",
        StaffRole.COMMISSION_MEMBER,
        "Membre de la commission médecine",
        commission_codes=(MEDECINE,),
    ),
)


# A candidate with a transmitted application to SANTE-MED, so that the desk is not empty
# and ``commission`` can run the whole review; the candidate signs in at /connexion.
DEMO_CANDIDATE = DemoCandidate(
    login="DEMOMED1",
    password="Candidat-ecesure-2026",
    email=f"lea.durand@{MAIL_DOMAIN}",
    first_name="Léa",
    last_name="DURAND",
    programme_code="CES-MED-FR-AN",
)


@dataclass(frozen=True)
class DemoDates:
    campaign_start: date
    campaign_end: date
    deposit_start: date
    deposit_end: date
    return_date: date
    jury_date: date
    publication_date: date
    confirmation_date: date


def dev_dates(today: date) -> DemoDates:
    """A window open today, so that every screen can be tried at once."""
    deposit_end = today + timedelta(days=28)
    return_date = deposit_end + timedelta(days=7)
    jury = return_date + timedelta(days=7)
    publication = jury + timedelta(days=3)
    confirmation = publication + timedelta(days=14)
    return DemoDates(
        campaign_start=today - timedelta(days=30),
        campaign_end=confirmation + timedelta(days=60),
        deposit_start=today - timedelta(days=7),
        deposit_end=deposit_end,
        return_date=return_date,
        jury_date=jury,
        publication_date=publication,
        confirmation_date=confirmation,
    )


# The guide gives the deposit window and the return date (01/06/2026 → 01/07/2026,
# "Date limite de retour : 01/07/2026"); the later dates are plausible choices.
GUIDE_DATES = DemoDates(
    campaign_start=date(2026, 4, 1),
    campaign_end=date(2026, 9, 30),
    deposit_start=date(2026, 6, 1),
    deposit_end=date(2026, 7, 1),
    return_date=date(2026, 7, 1),
    jury_date=date(2026, 7, 8),
    publication_date=date(2026, 7, 10),
    confirmation_date=date(2026, 7, 24),
)


@dataclass(frozen=True)
class DemoStudent:
    cas_login: str
    password: str
    student_number: str
    name: str


@dataclass
class DemoSummary:
    campaign_code: str
    campaign_label: str
    dates: DemoDates
    counts: dict[str, int]
    """Rows of the demo per kind (centres, programmes...)."""
    created: Counter[str] = field(default_factory=Counter)
    """Rows this run created, per kind: empty on a second run."""
    updated: Counter[str] = field(default_factory=Counter)
    staff: tuple[DemoStaff, ...] = STAFF
    students: list[DemoStudent] = field(default_factory=list)
    candidate: DemoCandidate = DEMO_CANDIDATE
    application: str = ""
    """What became of the demo application: created, present, or why it was skipped."""


def demo_students() -> list[DemoStudent]:
    """The university students of the development directory (``demo_students.json``)."""
    data = json.loads(DEMO_STUDENTS_PATH.read_text(encoding="utf-8"))
    return [
        DemoStudent(
            cas_login=s["cas_login"],
            password=s["password"],
            student_number=s["student_number"],
            name=f"{s['first_name']} {s['birth_name']}",
        )
        for s in data["students"]
    ]


class _Upserter:
    """Find a row by its key, insert it or update what differs, and count both."""

    def __init__(self) -> None:
        self.created: Counter[str] = Counter()
        self.updated: Counter[str] = Counter()

    async def __call__(self, table: type[Table], key: dict[str, Any], **values: Any) -> int:
        kind = table._meta.tablename
        conditions = [getattr(table, name) == value for name, value in key.items()]
        row = await table.select().where(*conditions).first()
        if row is None:
            inserted = await table.insert(table(**key, **values))
            self.created[kind] += 1
            return inserted[0]["id"]
        changes = {name: value for name, value in values.items() if row[name] != value}
        if changes:
            await table.update(changes).where(table.id == row["id"])
            self.updated[kind] += 1
        return row["id"]


async def _campaign(upsert: _Upserter, dates: DemoDates) -> int:
    # Exactly one campaign may be active (partial unique index): the demo takes over.
    await Campaign.update({Campaign.active: False}).where(
        Campaign.active.eq(True) & (Campaign.code != CAMPAIGN_CODE)
    )
    return await upsert(
        Campaign,
        {"code": CAMPAIGN_CODE},
        label_fr=CAMPAIGN_LABEL_FR,
        label_en="eCesure campaign 2026/2027",
        academic_year="2026/2027",
        start_date=dates.campaign_start,
        end_date=dates.campaign_end,
        active=True,
    )


async def _pieces(upsert: _Upserter, campaign_id: int) -> list[int]:
    return [
        await upsert(
            RequiredPiece,
            {"campaign": campaign_id, "code": piece.code},
            label_fr=piece.label_fr,
            label_en=piece.label_en,
            position=position,
            common=piece.common,
            conditional=piece.conditional,
        )
        for position, piece in enumerate(PIECES, 1)
    ]


async def _centre(upsert: _Upserter, campaign_id: int, position: int, code: str, label: str) -> int:
    slug = code.lower()
    centre_id = await upsert(
        Centre,
        {"campaign": campaign_id, "code": code},
        label=label,
        position=position,
        active=True,
        contact_email=f"cesure-{slug}@{MAIL_DOMAIN}",
        **CONTACT,
    )
    return await upsert(
        Commission,
        {"centre": centre_id, "code": code},
        label=label,
        email=f"commission-{slug}@{MAIL_DOMAIN}",
        signatory="La présidence de la commission césure",
        # The demo's commission members run the whole review (pieces, status, decisions).
        members_process=True,
        members_decide=True,
        return_instructions_fr="Procédure dématérialisée : déposez vos pièces en ligne, "
        "puis transmettez votre candidature avant la date limite de retour.",
        return_instructions_en="Online procedure: upload your documents, then submit your "
        "application before the return deadline.",
        **CONTACT,
    )


async def _programme(
    upsert: _Upserter, commission_id: int, code: str, label: str, dates: DemoDates
) -> int:
    return await upsert(
        Programme,
        {"commission": commission_id, "code": code},
        label=label,
        group_label=GROUP_LABEL,
        keywords="césure",
        active=True,
        online_documents=True,
        processing_type=ProcessingType.CONTROLLED.value,
        deposit_start=dates.deposit_start,
        deposit_end=dates.deposit_end,
        return_date=dates.return_date,
        jury_date=dates.jury_date,
        publication_date=dates.publication_date,
        confirmation_date=dates.confirmation_date,
    )


async def _catalogue(upsert: _Upserter, dates: DemoDates) -> None:
    campaign_id = await _campaign(upsert, dates)
    piece_ids = await _pieces(upsert, campaign_id)
    for position, centre in enumerate(CENTRES, 1):
        commission_id = await _centre(upsert, campaign_id, position, centre.code, centre.label)
        for code, label in centre.programmes:
            programme_id = await _programme(upsert, commission_id, code, label, dates)
            for piece_id in piece_ids:
                await upsert(ProgrammePiece, {"programme": programme_id, "piece": piece_id})
    for decision in DECISION_TYPES:
        await upsert(
            DecisionType,
            {"code": decision.code},
            label_fr=decision.label_fr,
            label_en=decision.label_en,
            verdict=decision.verdict.value,
            final=decision.final,
            active=True,
        )
    for code, label_fr, label_en in REFUSAL_REASONS:
        await upsert(RefusalReason, {"code": code}, label_fr=label_fr, label_en=label_en)


async def load_demo_data(*, guide_dates: bool = False) -> DemoSummary:
    """Create or refresh the demo campaign, its offer, decision types, staff and students.

    ``guide_dates`` uses the candidate guide's dates (deposit 01/06/2026 → 01/07/2026)
    instead of a window open today. Runs in one transaction.
    """
    dates = GUIDE_DATES if guide_dates else dev_dates(clock.today())
    upsert = _Upserter()
    async with write_transaction():
        await _catalogue(upsert, dates)
        for staff in STAFF:
            result = await upsert_staff_user(
                username=staff.username,
                email=staff.email,
                password=staff.password,
                role=staff.role,
                centre_codes=staff.centre_codes,
                commission_codes=staff.commission_codes,
                display_name=staff.display_name,
                campaign_code=CAMPAIGN_CODE,
            )
            if result.created:
                upsert.created["staff"] += 1
    # After the catalogue's transaction: the lifecycle runs its own, as for a candidate.
    application = await ensure_demo_application(DEMO_CANDIDATE, CAMPAIGN_CODE)
    if application == "created":
        upsert.created["application"] += 1
    programmes = sum(len(centre.programmes) for centre in CENTRES)
    return DemoSummary(
        campaign_code=CAMPAIGN_CODE,
        campaign_label=CAMPAIGN_LABEL_FR,
        dates=dates,
        counts={
            "centres": len(CENTRES),
            "commissions": len(CENTRES),
            "programmes": programmes,
            "pieces": len(PIECES),
            "decision_types": len(DECISION_TYPES),
            "refusal_reasons": len(REFUSAL_REASONS),
            "staff": len(STAFF),
        },
        created=upsert.created,
        updated=upsert.updated,
        students=demo_students(),
        application=application,
    )
