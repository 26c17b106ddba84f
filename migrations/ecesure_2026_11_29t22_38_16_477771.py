from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Text
from piccolo.columns.column_types import Varchar

ID = "2026-11-29T22:38:16:477771"
VERSION = "1.38.0"
DESCRIPTION = "Secret columns: password and token hashes, mail bodies (issue 8)"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="ecesure", description=DESCRIPTION
    )

    manager.alter_column(
        table_class_name="CandidateAccount",
        tablename="candidate_account",
        column_name="password_hash",
        db_column_name="password_hash",
        params={"secret": True},
        old_params={"secret": False},
        column_class=Varchar,
        old_column_class=Varchar,
        schema=None,
    )

    manager.alter_column(
        table_class_name="AccountToken",
        tablename="account_token",
        column_name="token_hash",
        db_column_name="token_hash",
        params={"secret": True},
        old_params={"secret": False},
        column_class=Varchar,
        old_column_class=Varchar,
        schema=None,
    )

    manager.alter_column(
        table_class_name="OutboxMail",
        tablename="outbox_mail",
        column_name="html",
        db_column_name="html",
        params={"secret": True},
        old_params={"secret": False},
        column_class=Text,
        old_column_class=Text,
        schema=None,
    )

    manager.alter_column(
        table_class_name="OutboxMail",
        tablename="outbox_mail",
        column_name="text",
        db_column_name="text",
        params={"secret": True},
        old_params={"secret": False},
        column_class=Text,
        old_column_class=Text,
        schema=None,
    )

    return manager
