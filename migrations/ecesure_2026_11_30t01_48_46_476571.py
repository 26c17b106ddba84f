from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from enum import Enum
from piccolo.columns.choices import Choice
from piccolo.columns.column_types import Varchar

ID = "2026-11-30T01:48:46:476571"
VERSION = "1.38.0"
DESCRIPTION = ""


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="ecesure", description=DESCRIPTION
    )

    manager.alter_column(
        table_class_name="Programme",
        tablename="programme",
        column_name="processing_type",
        db_column_name="processing_type",
        params={
            "choices": Enum(
                "ProcessingType",
                {
                    "CONTROLLED": Choice(
                        value="AC", display_name="Accès contrôlé"
                    ),
                    "DIRECT": Choice(value="AD", display_name="Accès direct"),
                    "PENDING": Choice(value="AT", display_name="En attente"),
                },
            )
        },
        old_params={
            "choices": Enum(
                "ProcessingType",
                {"CONTROLLED": "AC", "DIRECT": "AD", "PENDING": "AT"},
            )
        },
        column_class=Varchar,
        old_column_class=Varchar,
        schema=None,
    )

    manager.alter_column(
        table_class_name="RequiredPiece",
        tablename="required_piece",
        column_name="processing_type",
        db_column_name="processing_type",
        params={
            "choices": Enum(
                "ProcessingType",
                {
                    "CONTROLLED": Choice(
                        value="AC", display_name="Accès contrôlé"
                    ),
                    "DIRECT": Choice(value="AD", display_name="Accès direct"),
                    "PENDING": Choice(value="AT", display_name="En attente"),
                },
            )
        },
        old_params={
            "choices": Enum(
                "ProcessingType",
                {"CONTROLLED": "AC", "DIRECT": "AD", "PENDING": "AT"},
            )
        },
        column_class=Varchar,
        old_column_class=Varchar,
        schema=None,
    )

    manager.alter_column(
        table_class_name="DecisionType",
        tablename="decision_type",
        column_name="verdict",
        db_column_name="verdict",
        params={
            "choices": Enum(
                "Verdict",
                {
                    "FAVOURABLE": Choice(value="FA", display_name="Favorable"),
                    "UNFAVOURABLE": Choice(
                        value="DE", display_name="Défavorable"
                    ),
                    "WAITING_LIST": Choice(
                        value="LA", display_name="Liste d'attente"
                    ),
                    "COMPLEMENTARY_LIST": Choice(
                        value="LC", display_name="Liste complémentaire"
                    ),
                    "PRESELECTION": Choice(
                        value="PR", display_name="Présélection"
                    ),
                },
            )
        },
        old_params={
            "choices": Enum(
                "Verdict",
                {
                    "FAVOURABLE": "FA",
                    "UNFAVOURABLE": "DE",
                    "WAITING_LIST": "LA",
                    "COMPLEMENTARY_LIST": "LC",
                    "PRESELECTION": "PR",
                },
            )
        },
        column_class=Varchar,
        old_column_class=Varchar,
        schema=None,
    )

    manager.alter_column(
        table_class_name="Candidate",
        tablename="candidate",
        column_name="civility",
        db_column_name="civility",
        params={
            "choices": Enum(
                "Civility",
                {
                    "MR": Choice(value="M", display_name="M."),
                    "MRS": Choice(value="MME", display_name="Mme"),
                },
            )
        },
        old_params={"choices": Enum("Civility", {"MR": "M", "MRS": "MME"})},
        column_class=Varchar,
        old_column_class=Varchar,
        schema=None,
    )

    manager.alter_column(
        table_class_name="PriorStudy",
        tablename="prior_study",
        column_name="outcome",
        db_column_name="outcome",
        params={
            "choices": Enum(
                "StudyOutcome",
                {
                    "OBTAINED": Choice(value="O", display_name="Obtenu"),
                    "NOT_OBTAINED": Choice(value="N", display_name="Non obtenu"),
                    "IN_PROGRESS": Choice(value="E", display_name="En cours"),
                },
            )
        },
        old_params={
            "choices": Enum(
                "StudyOutcome",
                {"OBTAINED": "O", "NOT_OBTAINED": "N", "IN_PROGRESS": "E"},
            )
        },
        column_class=Varchar,
        old_column_class=Varchar,
        schema=None,
    )

    manager.alter_column(
        table_class_name="Application",
        tablename="application",
        column_name="status",
        db_column_name="status",
        params={
            "choices": Enum(
                "DossierStatus",
                {
                    "WAITING": Choice(value="AT", display_name="En attente"),
                    "RECEIVED": Choice(value="RE", display_name="Réceptionné"),
                    "INCOMPLETE": Choice(value="IN", display_name="Incomplet"),
                    "COMPLETE": Choice(value="CO", display_name="Complet"),
                },
            )
        },
        old_params={
            "choices": Enum(
                "DossierStatus",
                {
                    "WAITING": "AT",
                    "RECEIVED": "RE",
                    "INCOMPLETE": "IN",
                    "COMPLETE": "CO",
                },
            )
        },
        column_class=Varchar,
        old_column_class=Varchar,
        schema=None,
    )

    manager.alter_column(
        table_class_name="Application",
        tablename="application",
        column_name="processing_type",
        db_column_name="processing_type",
        params={
            "choices": Enum(
                "ProcessingType",
                {
                    "CONTROLLED": Choice(
                        value="AC", display_name="Accès contrôlé"
                    ),
                    "DIRECT": Choice(value="AD", display_name="Accès direct"),
                    "PENDING": Choice(value="AT", display_name="En attente"),
                },
            )
        },
        old_params={
            "choices": Enum(
                "ProcessingType",
                {"CONTROLLED": "AC", "DIRECT": "AD", "PENDING": "AT"},
            )
        },
        column_class=Varchar,
        old_column_class=Varchar,
        schema=None,
    )

    manager.alter_column(
        table_class_name="Application",
        tablename="application",
        column_name="answer",
        db_column_name="answer",
        params={
            "choices": Enum(
                "Answer",
                {
                    "CONFIRMED": Choice(value="CF", display_name="Confirmée"),
                    "WITHDRAWN": Choice(value="DS", display_name="Désistement"),
                },
            )
        },
        old_params={
            "choices": Enum("Answer", {"CONFIRMED": "CF", "WITHDRAWN": "DS"})
        },
        column_class=Varchar,
        old_column_class=Varchar,
        schema=None,
    )

    manager.alter_column(
        table_class_name="Application",
        tablename="application",
        column_name="answered_by",
        db_column_name="answered_by",
        params={
            "choices": Enum(
                "ActorKind",
                {
                    "CANDIDATE": Choice(
                        value="candidate", display_name="Candidat"
                    ),
                    "STAFF": Choice(value="staff", display_name="Personnel"),
                    "SYSTEM": Choice(
                        value="system", display_name="Application (automatique)"
                    ),
                },
            )
        },
        old_params={
            "choices": Enum(
                "ActorKind",
                {"CANDIDATE": "candidate", "STAFF": "staff", "SYSTEM": "system"},
            )
        },
        column_class=Varchar,
        old_column_class=Varchar,
        schema=None,
    )

    manager.alter_column(
        table_class_name="SubmittedPiece",
        tablename="submitted_piece",
        column_name="status",
        db_column_name="status",
        params={
            "choices": Enum(
                "PieceStatus",
                {
                    "WAITING": Choice(value="AT", display_name="En attente"),
                    "TRANSMITTED": Choice(value="TR", display_name="Transmise"),
                    "VALIDATED": Choice(value="VA", display_name="Validée"),
                    "REFUSED": Choice(value="RE", display_name="Refusée"),
                    "NOT_CONCERNED": Choice(
                        value="NC", display_name="Non concerné"
                    ),
                },
            )
        },
        old_params={
            "choices": Enum(
                "PieceStatus",
                {
                    "WAITING": "AT",
                    "TRANSMITTED": "TR",
                    "VALIDATED": "VA",
                    "REFUSED": "RE",
                    "NOT_CONCERNED": "NC",
                },
            )
        },
        column_class=Varchar,
        old_column_class=Varchar,
        schema=None,
    )

    manager.alter_column(
        table_class_name="SubmittedPiece",
        tablename="submitted_piece",
        column_name="changed_by",
        db_column_name="changed_by",
        params={
            "choices": Enum(
                "ActorKind",
                {
                    "CANDIDATE": Choice(
                        value="candidate", display_name="Candidat"
                    ),
                    "STAFF": Choice(value="staff", display_name="Personnel"),
                    "SYSTEM": Choice(
                        value="system", display_name="Application (automatique)"
                    ),
                },
            )
        },
        old_params={
            "choices": Enum(
                "ActorKind",
                {"CANDIDATE": "candidate", "STAFF": "staff", "SYSTEM": "system"},
            )
        },
        column_class=Varchar,
        old_column_class=Varchar,
        schema=None,
    )

    manager.alter_column(
        table_class_name="Note",
        tablename="note",
        column_name="author_kind",
        db_column_name="author_kind",
        params={
            "choices": Enum(
                "ActorKind",
                {
                    "CANDIDATE": Choice(
                        value="candidate", display_name="Candidat"
                    ),
                    "STAFF": Choice(value="staff", display_name="Personnel"),
                    "SYSTEM": Choice(
                        value="system", display_name="Application (automatique)"
                    ),
                },
            )
        },
        old_params={
            "choices": Enum(
                "ActorKind",
                {"CANDIDATE": "candidate", "STAFF": "staff", "SYSTEM": "system"},
            )
        },
        column_class=Varchar,
        old_column_class=Varchar,
        schema=None,
    )

    manager.alter_column(
        table_class_name="MailTemplate",
        tablename="mail_template",
        column_name="code",
        db_column_name="code",
        params={
            "choices": Enum(
                "MailCode",
                {
                    "ACCOUNT_CREATED": Choice(
                        value="account_created",
                        display_name="Compte créé (activation)",
                    ),
                    "ACTIVATION_RESENT": Choice(
                        value="activation_resent",
                        display_name="Lien d'activation renvoyé",
                    ),
                    "PASSWORD_RESET": Choice(
                        value="password_reset",
                        display_name="Réinitialisation du mot de passe",
                    ),
                    "LOGIN_REMINDER": Choice(
                        value="login_reminder",
                        display_name="Rappel du numéro de dossier",
                    ),
                    "EMAIL_CHANGE": Choice(
                        value="email_change",
                        display_name="Changement d'adresse électronique (confirmation)",
                    ),
                    "EMAIL_CHANGED_NOTICE": Choice(
                        value="email_changed_notice",
                        display_name="Adresse électronique changée (avis)",
                    ),
                    "APPLICATION_CREATED": Choice(
                        value="application_created",
                        display_name="Candidature enregistrée",
                    ),
                    "APPLICATION_CANCELLED": Choice(
                        value="application_cancelled",
                        display_name="Candidature annulée",
                    ),
                    "APPLICATION_TRANSMITTED": Choice(
                        value="application_transmitted",
                        display_name="Candidature transmise",
                    ),
                    "APPLICATION_CONFIRMED": Choice(
                        value="application_confirmed",
                        display_name="Candidature confirmée",
                    ),
                    "APPLICATION_WITHDRAWN": Choice(
                        value="application_withdrawn", display_name="Désistement"
                    ),
                    "APPLICATION_AUTO_WITHDRAWN": Choice(
                        value="application_auto_withdrawn",
                        display_name="Désistement automatique",
                    ),
                    "RETURN_REMINDER": Choice(
                        value="return_reminder",
                        display_name="Rappel de la date de retour du dossier",
                    ),
                    "ANSWER_REMINDER": Choice(
                        value="answer_reminder",
                        display_name="Rappel de la date de confirmation",
                    ),
                    "STATUS_INCOMPLETE": Choice(
                        value="status_incomplete",
                        display_name="Dossier incomplet",
                    ),
                    "STATUS_COMPLETE": Choice(
                        value="status_complete", display_name="Dossier complet"
                    ),
                    "PIECE_REFUSED": Choice(
                        value="piece_refused", display_name="Pièce refusée"
                    ),
                    "DECISION_FA": Choice(
                        value="decision_fa", display_name="Décision : favorable"
                    ),
                    "DECISION_DE": Choice(
                        value="decision_de", display_name="Décision : défavorable"
                    ),
                    "DECISION_LA": Choice(
                        value="decision_la",
                        display_name="Décision : liste d'attente",
                    ),
                    "DECISION_LC": Choice(
                        value="decision_lc",
                        display_name="Décision : liste complémentaire",
                    ),
                    "DECISION_PR": Choice(
                        value="decision_pr",
                        display_name="Décision : présélection",
                    ),
                    "COMMISSION_TRANSMISSION": Choice(
                        value="commission_transmission",
                        display_name="Commission : dossier transmis",
                    ),
                    "COMMISSION_CANCELLATION": Choice(
                        value="commission_cancellation",
                        display_name="Commission : candidature annulée",
                    ),
                    "COMMISSION_WITHDRAWAL": Choice(
                        value="commission_withdrawal",
                        display_name="Commission : désistement",
                    ),
                    "COMMISSION_PROMOTION": Choice(
                        value="commission_promotion",
                        display_name="Commission : admission depuis la liste complémentaire",
                    ),
                    "DEV_TEST": Choice(
                        value="dev_test",
                        display_name="Essai d'envoi (développement)",
                    ),
                },
            )
        },
        old_params={
            "choices": Enum(
                "MailCode",
                {
                    "ACCOUNT_CREATED": "account_created",
                    "ACTIVATION_RESENT": "activation_resent",
                    "PASSWORD_RESET": "password_reset",
                    "LOGIN_REMINDER": "login_reminder",
                    "EMAIL_CHANGE": "email_change",
                    "EMAIL_CHANGED_NOTICE": "email_changed_notice",
                    "APPLICATION_CREATED": "application_created",
                    "APPLICATION_CANCELLED": "application_cancelled",
                    "APPLICATION_TRANSMITTED": "application_transmitted",
                    "APPLICATION_CONFIRMED": "application_confirmed",
                    "APPLICATION_WITHDRAWN": "application_withdrawn",
                    "APPLICATION_AUTO_WITHDRAWN": "application_auto_withdrawn",
                    "RETURN_REMINDER": "return_reminder",
                    "ANSWER_REMINDER": "answer_reminder",
                    "STATUS_INCOMPLETE": "status_incomplete",
                    "STATUS_COMPLETE": "status_complete",
                    "PIECE_REFUSED": "piece_refused",
                    "DECISION_FA": "decision_fa",
                    "DECISION_DE": "decision_de",
                    "DECISION_LA": "decision_la",
                    "DECISION_LC": "decision_lc",
                    "DECISION_PR": "decision_pr",
                    "COMMISSION_TRANSMISSION": "commission_transmission",
                    "COMMISSION_CANCELLATION": "commission_cancellation",
                    "COMMISSION_WITHDRAWAL": "commission_withdrawal",
                    "COMMISSION_PROMOTION": "commission_promotion",
                    "DEV_TEST": "dev_test",
                },
            )
        },
        column_class=Varchar,
        old_column_class=Varchar,
        schema=None,
    )

    manager.alter_column(
        table_class_name="OutboxMail",
        tablename="outbox_mail",
        column_name="status",
        db_column_name="status",
        params={
            "choices": Enum(
                "MailStatus",
                {
                    "DRAFT": Choice(value="draft", display_name="Brouillon"),
                    "QUEUED": Choice(value="queued", display_name="À envoyer"),
                    "SENDING": Choice(
                        value="sending", display_name="Envoi en cours"
                    ),
                    "SENT": Choice(value="sent", display_name="Envoyé"),
                    "FAILED": Choice(
                        value="failed", display_name="Échec de l'envoi"
                    ),
                },
            )
        },
        old_params={
            "choices": Enum(
                "MailStatus",
                {
                    "DRAFT": "draft",
                    "QUEUED": "queued",
                    "SENDING": "sending",
                    "SENT": "sent",
                    "FAILED": "failed",
                },
            )
        },
        column_class=Varchar,
        old_column_class=Varchar,
        schema=None,
    )

    manager.alter_column(
        table_class_name="StaffProfile",
        tablename="staff_profile",
        column_name="role",
        db_column_name="role",
        params={
            "choices": Enum(
                "StaffRole",
                {
                    "TECH_ADMIN": Choice(
                        value="admin", display_name="Administrateur technique"
                    ),
                    "CENTRAL_OFFICE": Choice(
                        value="central", display_name="Scolarité centrale"
                    ),
                    "CENTRE_MANAGER": Choice(
                        value="centre", display_name="Gestionnaire de centre"
                    ),
                    "COMMISSION_MEMBER": Choice(
                        value="commission", display_name="Membre de commission"
                    ),
                },
            )
        },
        old_params={
            "choices": Enum(
                "StaffRole",
                {
                    "TECH_ADMIN": "admin",
                    "CENTRAL_OFFICE": "central",
                    "CENTRE_MANAGER": "centre",
                    "COMMISSION_MEMBER": "commission",
                },
            )
        },
        column_class=Varchar,
        old_column_class=Varchar,
        schema=None,
    )

    manager.alter_column(
        table_class_name="AuditEvent",
        tablename="audit_event",
        column_name="actor_kind",
        db_column_name="actor_kind",
        params={
            "choices": Enum(
                "ActorKind",
                {
                    "CANDIDATE": Choice(
                        value="candidate", display_name="Candidat"
                    ),
                    "STAFF": Choice(value="staff", display_name="Personnel"),
                    "SYSTEM": Choice(
                        value="system", display_name="Application (automatique)"
                    ),
                },
            )
        },
        old_params={
            "choices": Enum(
                "ActorKind",
                {"CANDIDATE": "candidate", "STAFF": "staff", "SYSTEM": "system"},
            )
        },
        column_class=Varchar,
        old_column_class=Varchar,
        schema=None,
    )

    return manager
