"""Database helpers shared by every package's tables."""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum

from piccolo.constraints import Check
from piccolo.engine import engine_finder
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType
from piccolo.query.methods.create import Create


def on_postgres() -> bool:
    return isinstance(engine_finder(), PostgresEngine)


def one_of(column: str, codes: Iterable[str | Enum], *, nullable: bool = False) -> Check:
    """A CHECK constraint limiting ``column`` to ``codes``.

    Piccolo's ``choices`` are only a hint for forms; the database must refuse the rest.
    """
    values = ", ".join(f"'{c.value if isinstance(c, Enum) else c}'" for c in codes)
    condition = f"{column} IN ({values})"
    if nullable:
        condition = f"{column} IS NULL OR {condition}"
    return Check(condition)


def _sqlite_create_ddl(self: Create) -> list[str]:
    """Piccolo adds constraints with ``ALTER TABLE ... ADD CONSTRAINT``, which SQLite
    cannot do; on SQLite, put them inside ``CREATE TABLE`` instead (same SQL otherwise).

    Limitation: a later migration adding a constraint to an existing table still fails
    on SQLite; create the table with its constraints, or rebuild it.
    """
    constraints = [f"CONSTRAINT {c._meta.name} {c.ddl}" for c in self.table._meta.constraints]
    ddl = [statement for statement in self.default_ddl if not statement.startswith("ALTER TABLE")]
    if constraints:
        create = ddl.index(next(s for s in ddl if s.startswith("CREATE TABLE")))
        ddl[create] = ddl[create][:-1] + ", " + ", ".join(constraints) + ")"
    return ddl


Create.sqlite_ddl = property(_sqlite_create_ddl)  # type: ignore[assignment]


def write_transaction():
    """A transaction for a state change.

    On SQLite it takes the write lock at BEGIN (IMMEDIATE): two concurrent changes then
    queue instead of failing halfway with "database is locked". PostgreSQL needs nothing.
    """
    engine = engine_finder()
    if isinstance(engine, SQLiteEngine):
        return engine.transaction(transaction_type=TransactionType.immediate)
    return engine.transaction()
