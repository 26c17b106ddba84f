"""Piccolo app config: every eCésure table, migrations in ``migrations/``."""

from __future__ import annotations

from pathlib import Path

from piccolo.conf.apps import AppConfig

from app.tables.accounts import AccountToken, CandidateAccount, DossierNumberHistory
from app.tables.applications import Application, Decision, Note, ReturnReminder, SubmittedPiece
from app.tables.backoffice import StaffCentre, StaffCommission, StaffProfile, StaffToken
from app.tables.catalog import (
    Campaign,
    Centre,
    Commission,
    DecisionType,
    Programme,
    ProgrammePiece,
    RefusalReason,
    RequiredPiece,
)
from app.tables.documents import StoredFile
from app.tables.dossier import (
    Address,
    Baccalaureate,
    Candidate,
    DuplicateDismissal,
    InternalStudy,
    Internship,
    PriorStudy,
    WorkExperience,
)
from app.tables.letters import IssuedLetter
from app.tables.mail import MailTemplate, OutboxMail
from app.tables.ops import AppSetting, AuditEvent, CampaignStatistics, DataExport
from app.tables.refdata import (
    BacMention,
    BacSerie,
    Commune,
    Country,
    Departement,
    DiplomaType,
    Lycee,
)

TABLES = [
    # reference data first: everything else points at it
    Country,
    Departement,
    Commune,
    Lycee,
    BacSerie,
    BacMention,
    DiplomaType,
    Campaign,
    Centre,
    Commission,
    Programme,
    RequiredPiece,
    ProgrammePiece,
    DecisionType,
    RefusalReason,
    CandidateAccount,
    DossierNumberHistory,
    AccountToken,
    Address,
    Candidate,
    Baccalaureate,
    PriorStudy,
    InternalStudy,
    Internship,
    WorkExperience,
    DuplicateDismissal,
    StoredFile,
    Application,
    SubmittedPiece,
    Decision,
    Note,
    ReturnReminder,
    IssuedLetter,
    MailTemplate,
    OutboxMail,
    StaffProfile,
    StaffCentre,
    StaffCommission,
    StaffToken,
    AuditEvent,
    AppSetting,
    CampaignStatistics,
    DataExport,
]

APP_CONFIG = AppConfig(
    app_name="ecesure",
    migrations_folder_path=str(Path(__file__).resolve().parent.parent / "migrations"),
    table_classes=TABLES,
    migration_dependencies=[
        "piccolo.apps.user.piccolo_app",
        "piccolo_api.session_auth.piccolo_app",
    ],
    commands=[],
)
