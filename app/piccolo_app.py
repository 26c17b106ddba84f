"""Piccolo app config: every eCésure table, migrations in ``migrations/``."""

from __future__ import annotations

from pathlib import Path

from piccolo.conf.apps import AppConfig

from app.accounts.tables import AccountToken, CandidateAccount, DossierNumberHistory
from app.applications.tables import Application, Decision, Note, ReturnReminder, SubmittedPiece
from app.backoffice.tables import StaffCentre, StaffCommission, StaffProfile, StaffToken
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
from app.documents.letter_table import IssuedLetter
from app.documents.tables import StoredFile
from app.dossier.tables import (
    Address,
    Baccalaureate,
    Candidate,
    DuplicateDismissal,
    InternalStudy,
    Internship,
    PriorStudy,
    WorkExperience,
)
from app.mail.tables import MailTemplate, OutboxMail
from app.ops.tables import AppSetting, AuditEvent, CampaignStatistics, DataExport
from app.refdata.tables import (
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
