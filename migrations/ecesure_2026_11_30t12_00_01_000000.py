from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-30T12:00:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "the desk at 100,000 applications: pieces to check counted, sort and search indexes"

# Measured on 100,000 applications (docs/benchmarks.md, bench/desk_at_scale.py).

# The count of pieces to check, as app.applications.piece_counter keeps it from now on.
FILL = """
UPDATE application SET pieces_to_review = (
  SELECT COUNT(*) FROM submitted_piece sp
  WHERE sp.application = application.id AND sp.superseded_at IS NULL AND sp.status = 'TR')
WHERE id IN (
  SELECT application FROM submitted_piece WHERE superseded_at IS NULL AND status = 'TR')
"""

# The latest decision, as app.applications.latest_decision keeps it from now on.
FILL_DECISION = """
UPDATE application SET current_decision = (
  SELECT MAX(d.id) FROM decision d WHERE d.application = application.id)
WHERE id IN (SELECT application FROM decision)
"""

INDEXES = {
    # The queue's "pieces to check" sort and filter: an ordered walk, stopped at the page.
    "application_pieces_to_review": (
        "application (pieces_to_review, id) WHERE cancelled_at IS NULL"
    ),
    # The count of a whole campaign: an index-only scan per programme of the scope.
    "application_live_programme": "application (programme) WHERE cancelled_at IS NULL",
    # The sorts on the candidate (app.review.queue_sql.SORTS), walked in order for the
    # first pages: by name, by birth date, by nationality.
    "candidate_name_sort": (
        "candidate (lower(COALESCE(NULLIF(usual_name, ''), birth_name)), lower(first_name))"
    ),
    "candidate_birth_date_sort": "candidate (birth_date)",
    "candidate_nationality_sort": "candidate (nationality)",
}

# PostgreSQL only: the queue's text search (LIKE '%…%' on lower-cased names, dossier
# number and INE) served by trigram indexes. pg_trgm is a trusted extension since
# PostgreSQL 13: a database owner that is not superuser may create it.
TRIGRAM_INDEXES = {
    "candidate_search_trgm": (
        "candidate USING gin (lower(birth_name) gin_trgm_ops, lower(usual_name) gin_trgm_ops,"
        " lower(first_name) gin_trgm_ops, lower(COALESCE(ine, '')) gin_trgm_ops)"
    ),
    "candidate_account_login_trgm": "candidate_account USING gin (lower(login) gin_trgm_ops)",
}


async def _trigrams_available(engine) -> bool:
    """pg_trgm is there, or may be created here (available, and the role may create in
    this database); otherwise the search works as before, without its indexes."""
    rows = await engine.run_ddl(
        "SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') AS installed,"
        " EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm') AS available,"
        " has_database_privilege(current_database(), 'CREATE') AS may_create"
    )
    row = rows[0]
    if row["installed"]:
        return True
    if not (row["available"] and row["may_create"]):
        return False
    await engine.run_ddl("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    return True


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="ecesure", description=DESCRIPTION)

    async def run():
        engine = engine_finder()
        await engine.run_ddl(FILL)
        await engine.run_ddl(FILL_DECISION)
        for name, target in INDEXES.items():
            await engine.run_ddl(f"CREATE INDEX IF NOT EXISTS {name} ON {target}")
        if engine.engine_type == "postgres" and await _trigrams_available(engine):
            for name, target in TRIGRAM_INDEXES.items():
                await engine.run_ddl(f"CREATE INDEX IF NOT EXISTS {name} ON {target}")

    async def run_backwards():
        engine = engine_finder()
        for name in [*INDEXES, *TRIGRAM_INDEXES]:
            await engine.run_ddl(f"DROP INDEX IF EXISTS {name}")

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
