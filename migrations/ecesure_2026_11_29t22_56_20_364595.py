from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Boolean
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-29T22:56:20:364595"
VERSION = "1.38.0"
DESCRIPTION = "Commission members' rights in the review desk (issue 9)"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="ecesure", description=DESCRIPTION
    )

    manager.add_column(
        table_class_name="Commission",
        tablename="commission",
        column_name="members_decide",
        db_column_name="members_decide",
        column_class_name="Boolean",
        column_class=Boolean,
        params={
            "default": True,
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
        table_class_name="Commission",
        tablename="commission",
        column_name="members_process",
        db_column_name="members_process",
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

    return manager
