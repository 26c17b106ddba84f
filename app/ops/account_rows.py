"""Which rows of the database are about a set of candidate accounts (issue 15).

The export of "Mes données", the deletion of an account and the retention purge all
need the same answer, and it must not go stale when a table is added: so it is read
from the Piccolo tables' foreign keys, not listed by hand. A table is about the
accounts when one of its foreign keys points at a row about them (``candidate`` points
at ``candidate_account``, ``application`` at ``candidate``...), and a few tables hold
personal rows that are owned the other way round: an owned row points at them
(``candidate.address``, ``submitted_piece.file``).

The audit trail has no foreign keys (it outlives its rows), so its events are found by
their columns: the candidate as actor, the application, or the entity and id of a row
about the accounts.

Every function returns SQL text built from table and column names and from the caller's
subquery of account ids (never user input: integers from the database).
"""

from __future__ import annotations

from piccolo.columns import ForeignKey
from piccolo.table import Table

from app.core.codes.applications import ActorKind
from app.piccolo_app import TABLES

ACCOUNT_TABLE = "candidate_account"

# Rows pointed at by a row about the accounts, and personal because of it.
OWNED_BY_REFERENCE = frozenset({"address", "stored_file"})

# Tables that are not about any candidate: reference data, the catalogue, staff, mail
# templates, settings and anonymous counts. A table in neither this list nor the walk
# from the account fails tests/unit/test_account_rows.py, so that nobody adds a table
# holding personal data that the export and the deletion would silently miss.
NOT_ABOUT_CANDIDATES = frozenset(
    {
        "ref_country",
        "ref_departement",
        "ref_commune",
        "ref_lycee",
        "ref_bac_serie",
        "ref_bac_mention",
        "ref_diploma_type",
        "campaign",
        "centre",
        "commission",
        "programme",
        "required_piece",
        "programme_piece",
        "decision_type",
        "refusal_reason",
        "dossier_number_history",  # logins only, kept so that none is reissued
        "mail_template",
        "staff_profile",
        "staff_centre",
        "staff_commission",
        "staff_token",
        "app_setting",
        "campaign_statistics",
        "audit_event",  # no foreign keys: see audit_events_sql
    }
)

# Entity names the code writes in AuditEvent.entity for a table's rows, besides the
# table name itself (which the admin's audit writes).
ENTITY_ALIASES: dict[str, tuple[str, ...]] = {
    "candidate_account": ("account",),
    "work_experience": ("experience",),
    "submitted_piece": ("piece",),
}


def _name(table: type[Table]) -> str:
    return table._meta.tablename


def _target(column: ForeignKey) -> str:
    return _name(column._foreign_key_meta.resolved_references)


def _edges() -> list[tuple[str, str, str, str]]:
    """(table, column, target table, direction) of every foreign key of every table:
    direction ``forward`` (table's rows belong to the target's) or ``reverse`` (the
    target's rows belong to the table's, for OWNED_BY_REFERENCE targets)."""
    edges = []
    for table in TABLES:
        for column in table._meta.foreign_key_columns:
            name, db_column, target = _name(table), column._meta.db_column_name, _target(column)
            edges.append((name, db_column, target, "forward"))
            if target in OWNED_BY_REFERENCE:
                edges.append((name, db_column, target, "reverse"))
    return edges


def _ids_sql(table: str, accounts_sql: str, edges, building: frozenset[str]) -> str | None:
    """SQL selecting the ids of ``table``'s rows about the accounts, or None when the
    table is not reached. ``building`` holds the tables whose SQL is being built around
    this call: an edge back to one of them would loop (submitted_piece -> stored_file ->
    submitted_piece) and adds nothing that the outer call does not already select."""
    if table == ACCOUNT_TABLE:
        return accounts_sql
    building = building | {table}
    parts = []
    for source, column, target, direction in edges:
        if direction == "forward" and source == table and target not in building:
            owner = _ids_sql(target, accounts_sql, edges, building)
            if owner is not None:
                parts.append(f"SELECT id FROM {table} WHERE {column} IN ({owner})")
        elif direction == "reverse" and target == table and source not in building:
            owner = _ids_sql(source, accounts_sql, edges, building)
            if owner is not None:
                parts.append(
                    f"SELECT {column} FROM {source} WHERE id IN ({owner}) AND {column} IS NOT NULL"
                )
    return " UNION ".join(parts) if parts else None


def rows_about(accounts_sql: str) -> dict[str, str]:
    """Table name -> SQL selecting the ids of its rows about the accounts that
    ``accounts_sql`` selects (``SELECT id FROM candidate_account WHERE ...``), for every
    table reached from the account by foreign keys, in TABLES order (parents first)."""
    edges = _edges()
    found = {}
    for table in TABLES:
        sql = _ids_sql(_name(table), accounts_sql, edges, frozenset())
        if sql is not None:
            found[_name(table)] = sql
    return found


def tables_about_candidates() -> list[str]:
    """The tables reached from the account (whatever the accounts)."""
    return list(rows_about("SELECT id FROM candidate_account"))


def audit_events_sql(accounts_sql: str, rows: dict[str, str] | None = None) -> str:
    """SQL selecting the ids of the audit events about the accounts: their own acts,
    their applications' events, and the events naming one of their rows (an admin edit
    keeps before -> after in ``data``, so such events hold personal values)."""
    rows = rows if rows is not None else rows_about(accounts_sql)
    conditions = [
        f"(actor_kind = '{ActorKind.CANDIDATE.value}' AND actor_id IN ({accounts_sql}))",
    ]
    if "application" in rows:
        conditions.append(f"application_id IN ({rows['application']})")
    for table, sql in rows.items():
        names = ", ".join(f"'{name}'" for name in (table, *ENTITY_ALIASES.get(table, ())))
        conditions.append(f"(entity IN ({names}) AND entity_id IN ({sql}))")
    return f"SELECT id FROM audit_event WHERE {' OR '.join(conditions)}"
