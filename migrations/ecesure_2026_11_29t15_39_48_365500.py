from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-29T15:39:48:365500"
VERSION = "1.38.0"
DESCRIPTION = "one active campaign"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="ecesure", description=DESCRIPTION)

    async def run():
        # Exactly one campaign is active: a partial unique index (SQLite and PostgreSQL).
        await engine_finder().run_ddl(
            "CREATE UNIQUE INDEX campaign_one_active ON campaign (active) WHERE active"
        )

    async def run_backwards():
        await engine_finder().run_ddl("DROP INDEX campaign_one_active")

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
