from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from enum import Enum
from piccolo.columns.base import OnDelete
from piccolo.columns.base import OnUpdate
from piccolo.columns.choices import Choice
from piccolo.columns.column_types import ForeignKey
from piccolo.columns.column_types import Integer
from piccolo.columns.column_types import Serial
from piccolo.columns.column_types import Timestamptz
from piccolo.columns.column_types import Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.indexes import IndexMethod
from piccolo.constraints import Check
from piccolo.table import Table


class CandidateAccount(Table, tablename="candidate_account", schema=None):
    id = Serial(
        null=False,
        primary_key=True,
        unique=False,
        index=False,
        index_method=IndexMethod.btree,
        choices=None,
        db_column_name="id",
        secret=False,
    )


ID = "2026-11-30T05:01:39:933739"
VERSION = "1.38.0"
DESCRIPTION = "True"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="ecesure", description=DESCRIPTION
    )

    manager.add_table(
        class_name="DataExport",
        tablename="data_export",
        schema=None,
        columns=None,
    )

    manager.add_column(
        table_class_name="DataExport",
        tablename="data_export",
        column_name="account",
        db_column_name="account",
        column_class_name="ForeignKey",
        column_class=ForeignKey,
        params={
            "references": CandidateAccount,
            "on_delete": OnDelete.cascade,
            "on_update": OnUpdate.cascade,
            "target_column": None,
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": True,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="DataExport",
        tablename="data_export",
        column_name="status",
        db_column_name="status",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 10,
            "default": "queued",
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": True,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="DataExport",
        tablename="data_export",
        column_name="token_hash",
        db_column_name="token_hash",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 64,
            "default": None,
            "null": True,
            "primary_key": False,
            "unique": True,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": True,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="DataExport",
        tablename="data_export",
        column_name="storage_key",
        db_column_name="storage_key",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 32,
            "default": None,
            "null": True,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="DataExport",
        tablename="data_export",
        column_name="size_bytes",
        db_column_name="size_bytes",
        column_class_name="Integer",
        column_class=Integer,
        params={
            "default": 0,
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="DataExport",
        tablename="data_export",
        column_name="requested_at",
        db_column_name="requested_at",
        column_class_name="Timestamptz",
        column_class=Timestamptz,
        params={
            "default": TimestamptzNow(),
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="DataExport",
        tablename="data_export",
        column_name="ready_at",
        db_column_name="ready_at",
        column_class_name="Timestamptz",
        column_class=Timestamptz,
        params={
            "default": None,
            "null": True,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="DataExport",
        tablename="data_export",
        column_name="expires_at",
        db_column_name="expires_at",
        column_class_name="Timestamptz",
        column_class=Timestamptz,
        params={
            "default": None,
            "null": True,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="DataExport",
        tablename="data_export",
        column_name="downloaded_at",
        db_column_name="downloaded_at",
        column_class_name="Timestamptz",
        column_class=Timestamptz,
        params={
            "default": None,
            "null": True,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_constraint(
        table_class_name="DataExport",
        tablename="data_export",
        constraint_name="status_check",
        constraint_class=Check,
        params={
            "condition": "status IN ('queued', 'ready', 'downloaded', 'expired')"
        },
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
                    "RETENTION_WARNING": Choice(
                        value="retention_warning",
                        display_name="Avis de suppression des données (fin de conservation)",
                    ),
                    "DATA_EXPORT_READY": Choice(
                        value="data_export_ready",
                        display_name="Mes données : archive prête",
                    ),
                    "ACCOUNT_DELETED": Choice(
                        value="account_deleted",
                        display_name="Compte supprimé à la demande du candidat",
                    ),
                    "DATA_REQUEST": Choice(
                        value="data_request",
                        display_name="Demande d'un candidat sur ses données (au contact)",
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
                    "STAFF_ACTIVATION": Choice(
                        value="staff_activation",
                        display_name="Personnel : activation du compte",
                    ),
                    "STAFF_PASSWORD_RESET": Choice(
                        value="staff_password_reset",
                        display_name="Personnel : nouveau mot de passe",
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
                    "RETENTION_WARNING": Choice(
                        value="retention_warning",
                        display_name="Avis de suppression des données (fin de conservation)",
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
                    "STAFF_ACTIVATION": Choice(
                        value="staff_activation",
                        display_name="Personnel : activation du compte",
                    ),
                    "STAFF_PASSWORD_RESET": Choice(
                        value="staff_password_reset",
                        display_name="Personnel : nouveau mot de passe",
                    ),
                    "DEV_TEST": Choice(
                        value="dev_test",
                        display_name="Essai d'envoi (développement)",
                    ),
                },
            )
        },
        column_class=Varchar,
        old_column_class=Varchar,
        schema=None,
    )

    return manager
