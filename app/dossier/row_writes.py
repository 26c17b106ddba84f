"""Writing only what changed: the dossier's saves compare the typed values with the
stored row, update the changed columns (and audit their names), and write nothing when
nothing changed."""

from __future__ import annotations

from piccolo.table import Table


def changed_values(stored: dict, changes: dict) -> dict:
    """The values of ``changes`` that differ from the stored row."""
    return {name: value for name, value in changes.items() if stored.get(name) != value}


def column_values(table: type[Table], values: dict) -> dict:
    """``values`` keyed by the table's columns, as ``update`` takes them."""
    return {table._meta.get_column_by_name(name): value for name, value in values.items()}


async def update_changed(table: type[Table], stored: dict, changes: dict) -> dict:
    """Update the stored row's changed columns; return what changed."""
    diff = changed_values(stored, changes)
    if diff:
        await table.update(column_values(table, diff)).where(table.id == stored["id"])
    return diff


async def insert_or_update(
    table: type[Table], stored: dict | None, changes: dict, **new_row
) -> tuple[dict, int]:
    """A section's one row: inserted from ``changes`` (with ``new_row``) the first time,
    else only its changed columns updated. Returns what changed and the row's id."""
    if stored is None:
        row = table(**new_row, **changes)
        await row.save()
        return changes, row.id
    return await update_changed(table, stored, changes), stored["id"]
