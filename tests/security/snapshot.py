"""What the database holds, to show that a refused request changed nothing.

``database_rows()`` reads every row of every table the portal writes (reference data
and migrations left out); ``row_counts()`` counts them in one query, cheap enough to
run after every example of a fuzzing test. No test lives here.
"""

from __future__ import annotations

from piccolo.apps.user.tables import BaseUser
from piccolo.table import Table

from app.piccolo_app import TABLES
from app.settings import get_settings

# Reference data is loaded once and never written by a request.
_UNTOUCHED_PREFIXES = ("ref_", "migration")


def written_tables() -> list[type[Table]]:
    tables = [*TABLES, BaseUser]
    return [t for t in tables if not t._meta.tablename.startswith(_UNTOUCHED_PREFIXES)]


def _rows_as_json(table: type[Table]) -> str:
    """SQL giving every row of ``table`` as one JSON text, in primary key order."""
    name = table._meta.tablename
    key = table._meta.primary_key._meta.db_column_name
    if get_settings().is_sqlite:
        columns = ", ".join(f'"{c._meta.db_column_name}"' for c in table._meta.columns)
        return (
            f"(SELECT json_group_array(json_array({columns})) FROM "
            f'(SELECT * FROM "{name}" ORDER BY "{key}"))'
        )
    return f'(SELECT coalesce(json_agg(t ORDER BY t."{key}")::text, \'[]\') FROM "{name}" t)'


async def database_rows() -> dict[str, str]:
    """Every row of every written table (as JSON text, by table), read in one query."""
    tables = written_tables()
    columns = ", ".join(f'{_rows_as_json(t)} AS "{t._meta.tablename}"' for t in tables)
    [row] = await tables[0].raw(f"SELECT {columns}")
    return dict(row)


async def row_counts() -> dict[str, int]:
    """The number of rows of every written table, read in a single query."""
    tables = written_tables()
    columns = ", ".join(
        f'(SELECT count(*) FROM "{t._meta.tablename}") AS "{t._meta.tablename}"' for t in tables
    )
    [row] = await tables[0].raw(f"SELECT {columns}")
    return {name: int(count) for name, count in row.items()}


def changed_tables(before: dict, after: dict) -> list[str]:
    return sorted(name for name in before if before[name] != after.get(name))
