from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-30T09:35:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "indexes for large campaigns: the review queue and the purges"

# Measured on 100,000 applications (docs/benchmarks.md, bench/desk_at_scale.py and
# bench/jobs_at_scale.py). Each works on SQLite and PostgreSQL.
INDEXES = {
    # The queue's current decision, MAX(id) per application: one index probe.
    "decision_application_latest": "decision (application, id)",
    # The queue's "pieces to check" count per row: only the rows it counts.
    "submitted_piece_to_check": (
        "submitted_piece (application) WHERE superseded_at IS NULL AND status = 'TR'"
    ),
    # The queue's default sort.
    "application_transmitted_at_sort": "application (transmitted_at, id)",
    # Foreign keys whose parent rows the purges delete (ON DELETE SET NULL / the check
    # of a deleted address): without them, each deleted row scans the whole table.
    "submitted_piece_file_fk": "submitted_piece (file)",
    "candidate_address_fk": "candidate (address)",
}


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="ecesure", description=DESCRIPTION)

    async def run():
        for name, target in INDEXES.items():
            await engine_finder().run_ddl(f"CREATE INDEX IF NOT EXISTS {name} ON {target}")

    async def run_backwards():
        for name in INDEXES:
            await engine_finder().run_ddl(f"DROP INDEX IF EXISTS {name}")

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
