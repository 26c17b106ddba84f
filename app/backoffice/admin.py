"""piccolo-admin for staff, mounted at ``/admin/`` (DESIGN.md §6–§7)."""

from __future__ import annotations

from piccolo_admin.endpoints import TableConfig, create_admin
from piccolo_admin.translations.data import ENGLISH, FRENCH

from app.accounts.tables import CandidateAccount
from app.applications.tables import Application, Decision, Note, SubmittedPiece
from app.backoffice.tables import StaffCentre, StaffCommission, StaffProfile
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
from app.dossier.tables import Candidate
from app.mail.tables import MailTemplate, OutboxMail
from app.ops.tables import AppSetting, AuditEvent
from app.refdata.tables import (
    BacMention,
    BacSerie,
    Commune,
    Country,
    Departement,
    DiplomaType,
    Lycee,
)
from app.settings import Settings

CATALOGUE = "Offre de formation"
CANDIDATES = "Candidats et candidatures"
MAIL = "Courriels"
STAFF = "Personnels"
REFERENCE = "Données de référence"
SYSTEM = "Système"


def table_configs() -> list[TableConfig]:
    groups = {
        CATALOGUE: [
            Campaign,
            Centre,
            Commission,
            Programme,
            RequiredPiece,
            ProgrammePiece,
            DecisionType,
            RefusalReason,
        ],
        CANDIDATES: [CandidateAccount, Candidate, Application, SubmittedPiece, Decision, Note],
        MAIL: [MailTemplate, OutboxMail],
        STAFF: [StaffProfile, StaffCentre, StaffCommission],
        REFERENCE: [Country, Departement, Commune, Lycee, BacSerie, BacMention, DiplomaType],
        SYSTEM: [AppSetting, AuditEvent],
    }
    return [
        TableConfig(table, menu_group=group) for group, tables in groups.items() for table in tables
    ]


def create_admin_app(settings: Settings):
    return create_admin(
        tables=table_configs(),
        site_name="eCésure — administration",
        default_language_code="fr",
        translations=[FRENCH, ENGLISH],
        production=settings.is_prod,
        allowed_hosts=list(settings.admin_allowed_hosts),
        sidebar_links={"Portail candidat": "/"},
    )
