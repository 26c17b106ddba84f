"""Demo data, the rows themselves: the guide's campaign, centres, pieces, staff, dates
and the development directory's students (loaded by ``app.demo.seed``). Not for
production: the staff passwords are public.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import NamedTuple

from app.core.codes.applications import Verdict
from app.core.codes.staff import StaffRole
from app.demo.application import DemoCandidate

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
