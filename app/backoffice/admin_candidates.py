"""The admin's "Candidats et candidatures" and "Courriels" groups: read-only candidate
data (identity, address, dossier sections, files), lifecycle rows whose states only the lifecycle functions change, and the mails."""

from __future__ import annotations

from piccolo_admin.endpoints import TableConfig

from app.backoffice.admin_files import StoredFileMedia
from app.backoffice.admin_table import (
    FILES_REASON,
    LIFECYCLE_REASON,
    NOTES_REASON,
    candidate_data_table,
    dossier_rows_table,
    read_only_table,
    stamp_updated_at,
    table,
)
from app.backoffice.mail_templates import mail_template_rules
from app.backoffice.validators import fixed_rows
from app.tables.accounts import CandidateAccount
from app.tables.applications import Application, Decision, Note, ReturnReminder, SubmittedPiece
from app.tables.documents import StoredFile
from app.tables.dossier import (
    Address,
    Baccalaureate,
    Candidate,
    InternalStudy,
    Internship,
    PriorStudy,
    WorkExperience,
)
from app.tables.mail import MailTemplate, OutboxMail


def candidate_configs() -> list[TableConfig]:
    return [
        candidate_data_table(
            CandidateAccount,
            columns="login last_name first_name email campaign activated_at last_login_at",
            filters="login email last_name first_name campaign activated_at",
            link="login",
            order="-created_at",
        ),
        candidate_data_table(
            Candidate,
            columns="account civility birth_name usual_name first_name birth_date ine "
            "from_student_records",
            filters="account birth_name usual_name first_name birth_date ine",
            link="birth_name",
            order="birth_name first_name",
        ),
        candidate_data_table(
            Address,
            columns="line1 line2 postal_code commune foreign_city country",
            filters="postal_code commune country",
            link="line1",
            order="-id",
        ),
        *dossier_section_configs(),
        read_only_table(
            StoredFile,
            FILES_REASON,
            columns="original_name owner content_type size_bytes kind created_at storage_key",
            filters="owner kind content_type created_at",
            link="original_name",
            order="-created_at",
            # The eye opens the file through the admin's authorised route.
            media=[StoredFileMedia()],
        ),
        table(
            Application,
            columns="id candidate programme status processing_type processing_type_validated "
            "answer created_at transmitted_at opi_code",
            filters="programme candidate status processing_type processing_type_validated "
            "answer created_at transmitted_at cancelled_at",
            order="-created_at",
            # Deadline overrides change through the audited date functions (the
            # lifecycle forms, app.applications.staff_dates), never raw here.
            validators=fixed_rows(editable=[Application.opi_code], reason=LIFECYCLE_REASON),
        ),
        table(
            SubmittedPiece,
            columns="id application piece status file comment changed_at changed_by superseded_at",
            filters="application piece status changed_by changed_at superseded_at",
            order="-changed_at",
            # Status and the comment shown to the candidate change together, through the
            # audited piece functions (the lifecycle forms), never raw here.
            validators=fixed_rows(editable=[], reason=LIFECYCLE_REASON),
        ),
        table(
            Decision,
            columns="id application decision_type refusal_reason validated rank entered_at "
            "validated_at",
            filters="application decision_type refusal_reason validated entered_at validated_at",
            order="-entered_at",
            validators=fixed_rows(editable=[], reason=LIFECYCLE_REASON),
        ),
        read_only_table(
            Note,
            NOTES_REASON,
            columns="message application author_kind created_at",
            filters="application author_kind",
            link="message",
            order="-created_at",
        ),
        read_only_table(
            ReturnReminder,
            "les rappels sont envoyés par la tâche quotidienne.",
            columns="application return_date days_before sent_at",
            filters="application days_before sent_at",
            order="-sent_at",
        ),
    ]


def dossier_section_configs() -> list[TableConfig]:
    """The dossier's sections as the candidate filled them in, for reading."""
    return [
        candidate_data_table(
            Baccalaureate,
            columns="candidate serie year mention country departement commune lycee "
            "establishment_label from_student_records",
            filters="candidate serie year mention country lycee from_student_records",
            link="year",
            order="candidate",
        ),
        dossier_rows_table(
            PriorStudy,
            columns="label diploma_type outcome mention country commune establishment_label",
            filters="diploma_type outcome country",
            link="label",
        ),
        dossier_rows_table(
            InternalStudy,
            columns="programme_code programme_label mark mention result",
            filters="programme_code",
            link="programme_label",
            reason="le cursus interne est lu dans le logiciel de scolarité.",
        ),
        dossier_rows_table(
            Internship,
            columns="employer duration hours_per_week description",
            filters="employer",
            link="employer",
        ),
        dossier_rows_table(
            WorkExperience,
            columns="title employer duration description",
            filters="employer",
            link="title",
        ),
    ]


def mail_configs() -> list[TableConfig]:
    return [
        table(
            MailTemplate,
            columns="code language subject updated_at",
            filters="code language",
            link="subject",
            order="code language",
            hooks=[stamp_updated_at(MailTemplate)],
            validators=mail_template_rules(),
        ),
        read_only_table(
            OutboxMail,
            "chaque courriel est écrit et envoyé par l'application.",
            columns="subject to_address template_code status attempts created_at sent_at",
            filters="status template_code to_address account application created_at sent_at",
            link="subject",
            order="-created_at",
        ),
    ]
