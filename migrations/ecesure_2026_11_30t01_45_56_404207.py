from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from enum import Enum
from piccolo.columns.base import OnDelete
from piccolo.columns.base import OnUpdate
from piccolo.columns.column_types import ForeignKey
from piccolo.columns.column_types import Serial
from piccolo.columns.column_types import Timestamptz
from piccolo.columns.column_types import Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.indexes import IndexMethod
from piccolo.constraints import Check
from piccolo.table import Table


class BaseUser(Table, tablename="piccolo_user", schema=None):
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


ID = "2026-11-30T01:45:56:404207"
VERSION = "1.38.0"
DESCRIPTION = "Staff single-use links (activation, new password)"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="ecesure", description=DESCRIPTION)

    manager.add_table(
        class_name="StaffToken",
        tablename="staff_token",
        schema=None,
        columns=None,
    )

    manager.add_column(
        table_class_name="StaffToken",
        tablename="staff_token",
        column_name="user",
        db_column_name="user",
        column_class_name="ForeignKey",
        column_class=ForeignKey,
        params={
            "references": BaseUser,
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
        table_class_name="StaffToken",
        tablename="staff_token",
        column_name="purpose",
        db_column_name="purpose",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 20,
            "default": "",
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": Enum(
                "StaffTokenPurpose",
                {"ACTIVATION": "activation", "RESET": "reset"},
            ),
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="StaffToken",
        tablename="staff_token",
        column_name="token_hash",
        db_column_name="token_hash",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 64,
            "default": "",
            "null": False,
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
        table_class_name="StaffToken",
        tablename="staff_token",
        column_name="created_at",
        db_column_name="created_at",
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
        table_class_name="StaffToken",
        tablename="staff_token",
        column_name="expires_at",
        db_column_name="expires_at",
        column_class_name="Timestamptz",
        column_class=Timestamptz,
        params={
            "default": TimestamptzNow(),
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
        table_class_name="StaffToken",
        tablename="staff_token",
        column_name="used_at",
        db_column_name="used_at",
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
        table_class_name="StaffToken",
        tablename="staff_token",
        constraint_name="purpose_check",
        constraint_class=Check,
        params={"condition": "purpose IN ('activation', 'reset')"},
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
                    "STAFF_ACTIVATION": "staff_activation",
                    "STAFF_PASSWORD_RESET": "staff_password_reset",
                    "DEV_TEST": "dev_test",
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

    return manager
