from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from enum import Enum
from piccolo.columns.base import OnDelete
from piccolo.columns.base import OnUpdate
from piccolo.columns.choices import Choice
from piccolo.columns.column_types import Boolean
from piccolo.columns.column_types import Date
from piccolo.columns.column_types import ForeignKey
from piccolo.columns.column_types import Integer
from piccolo.columns.column_types import Serial
from piccolo.columns.column_types import Timestamptz
from piccolo.columns.column_types import Varchar
from piccolo.columns.defaults.date import DateNow
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.indexes import IndexMethod
from piccolo.constraints import Unique
from piccolo.table import Table


class Application(Table, tablename="application", schema=None):
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


class Campaign(Table, tablename="campaign", schema=None):
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


class Programme(Table, tablename="programme", schema=None):
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


ID = "2026-11-30T02:38:29:544179"
VERSION = "1.38.0"
DESCRIPTION = "Return-date reminders, campaign retention"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="ecesure", description=DESCRIPTION
    )

    manager.add_table(
        class_name="ReturnReminder",
        tablename="return_reminder",
        schema=None,
        columns=None,
    )

    manager.add_table(
        class_name="CampaignStatistics",
        tablename="campaign_statistics",
        schema=None,
        columns=None,
    )

    manager.add_column(
        table_class_name="ReturnReminder",
        tablename="return_reminder",
        column_name="application",
        db_column_name="application",
        column_class_name="ForeignKey",
        column_class=ForeignKey,
        params={
            "references": Application,
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
        table_class_name="ReturnReminder",
        tablename="return_reminder",
        column_name="return_date",
        db_column_name="return_date",
        column_class_name="Date",
        column_class=Date,
        params={
            "default": DateNow(),
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
        table_class_name="ReturnReminder",
        tablename="return_reminder",
        column_name="days_before",
        db_column_name="days_before",
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
        table_class_name="ReturnReminder",
        tablename="return_reminder",
        column_name="sent_at",
        db_column_name="sent_at",
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
        table_class_name="CampaignStatistics",
        tablename="campaign_statistics",
        column_name="campaign",
        db_column_name="campaign",
        column_class_name="ForeignKey",
        column_class=ForeignKey,
        params={
            "references": Campaign,
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
        table_class_name="CampaignStatistics",
        tablename="campaign_statistics",
        column_name="programme",
        db_column_name="programme",
        column_class_name="ForeignKey",
        column_class=ForeignKey,
        params={
            "references": Programme,
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
        table_class_name="CampaignStatistics",
        tablename="campaign_statistics",
        column_name="status",
        db_column_name="status",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 2,
            "default": "",
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
        table_class_name="CampaignStatistics",
        tablename="campaign_statistics",
        column_name="verdict",
        db_column_name="verdict",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 2,
            "default": "",
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
        table_class_name="CampaignStatistics",
        tablename="campaign_statistics",
        column_name="answer",
        db_column_name="answer",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 2,
            "default": "",
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
        table_class_name="CampaignStatistics",
        tablename="campaign_statistics",
        column_name="cancelled",
        db_column_name="cancelled",
        column_class_name="Boolean",
        column_class=Boolean,
        params={
            "default": False,
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
        table_class_name="CampaignStatistics",
        tablename="campaign_statistics",
        column_name="applications",
        db_column_name="applications",
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
        table_class_name="CampaignStatistics",
        tablename="campaign_statistics",
        column_name="computed_at",
        db_column_name="computed_at",
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

    manager.add_constraint(
        table_class_name="ReturnReminder",
        tablename="return_reminder",
        constraint_name="return_reminder_unique",
        constraint_class=Unique,
        params={
            "columns": ["application", "return_date", "days_before"],
            "nulls_distinct": True,
        },
        schema=None,
    )

    manager.add_constraint(
        table_class_name="CampaignStatistics",
        tablename="campaign_statistics",
        constraint_name="statistics_unique",
        constraint_class=Unique,
        params={
            "columns": [
                "campaign",
                "programme",
                "status",
                "verdict",
                "answer",
                "cancelled",
            ],
            "nulls_distinct": True,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="Campaign",
        tablename="campaign",
        column_name="purged_at",
        db_column_name="purged_at",
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
        table_class_name="Programme",
        tablename="programme",
        column_name="return_reminder_first_days",
        db_column_name="return_reminder_first_days",
        column_class_name="Integer",
        column_class=Integer,
        params={
            "default": 7,
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
        table_class_name="Programme",
        tablename="programme",
        column_name="return_reminder_second_days",
        db_column_name="return_reminder_second_days",
        column_class_name="Integer",
        column_class=Integer,
        params={
            "default": 2,
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
        table_class_name="CandidateAccount",
        tablename="candidate_account",
        column_name="retention_warned_at",
        db_column_name="retention_warned_at",
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
