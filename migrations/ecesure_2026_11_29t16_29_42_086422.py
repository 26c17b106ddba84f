from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-29T16:29:42:086422"
VERSION = "1.38.0"
DESCRIPTION = "one live application per candidate and programme"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="ecesure", description=DESCRIPTION)

    async def run():
        # A candidate applies once per programme unless the application was cancelled:
        # a partial unique index (SQLite and PostgreSQL) backs the lifecycle's check, so
        # two concurrent applies cannot both insert.
        await engine_finder().run_ddl(
            "CREATE UNIQUE INDEX application_one_live_per_programme "
            "ON application (candidate, programme) WHERE cancelled_at IS NULL"
        )

    async def run_backwards():
        await engine_finder().run_ddl("DROP INDEX application_one_live_per_programme")

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
