"""Delete everything about a set of candidate accounts: the one purge shared by the
retention of an archived campaign (app.ops.retention) and by a candidate deleting
their own account (app.ops.account_deletion).

Which rows: :func:`app.ops.account_rows.rows_about`, read from the foreign keys, so a
new table is purged without anyone remembering to add it here. Most go by ON DELETE
CASCADE with the account; the others (reached the other way round, like an address or
a file, or through a SET NULL key, like a mail) are deleted first, while the rows that
lead to them still exist. The files leave the disk only after the commit
(:func:`remove_files`): a rolled-back purge must not lose them.
"""

from __future__ import annotations

from dataclasses import dataclass

from piccolo.columns import OnDelete

from app.documents.storage import storage_path
from app.ops.account_rows import ACCOUNT_TABLE, OWNED_BY_REFERENCE, audit_events_sql, rows_about
from app.ops.data_export_files import export_path
from app.piccolo_app import TABLES
from app.tables.ops import AuditEvent


@dataclass(frozen=True)
class Purged:
    accounts: int
    mails: int
    storage_keys: list[str]
    """Keys of the stored files (uploaded pieces) to remove from the disk after commit."""
    export_keys: list[str]
    """Keys of the "Mes données" archives to remove from the disk after commit."""


def _deleted_with_the_account() -> frozenset[str]:
    """Tables whose rows about the accounts all go by ON DELETE CASCADE from the account:
    each of their foreign keys towards a reached table cascades, and no row is reached
    the other way round."""
    cascaded = {ACCOUNT_TABLE}
    changed = True
    while changed:
        changed = False
        for table in TABLES:
            name = table._meta.tablename
            if name in cascaded or name in OWNED_BY_REFERENCE:
                continue
            keys = [
                column
                for column in table._meta.foreign_key_columns
                if column._foreign_key_meta.resolved_references._meta.tablename in cascaded
            ]
            if keys and all(c._foreign_key_meta.on_delete == OnDelete.cascade for c in keys):
                cascaded.add(name)
                changed = True
    return frozenset(cascaded)


async def purge_accounts(accounts_sql: str) -> Purged:
    """Delete the accounts that ``accounts_sql`` selects and every row about them; call
    it inside the caller's transaction, then :func:`remove_files` after the commit.

    Order: the audit events naming the rows (found through them), the rows that the
    cascade would not reach (children first), then the accounts.
    """
    rows = rows_about(accounts_sql)
    keys = [
        row["storage_key"]
        for row in await AuditEvent.raw(
            f"SELECT storage_key FROM stored_file WHERE id IN ({rows['stored_file']})"
        )
    ]
    exports = [
        row["storage_key"]
        for row in await AuditEvent.raw(
            f"SELECT storage_key FROM data_export WHERE account IN ({accounts_sql}) "
            "AND storage_key IS NOT NULL"
        )
    ]
    await AuditEvent.raw(
        f"DELETE FROM audit_event WHERE id IN ({audit_events_sql(accounts_sql, rows)})"
    )
    cascaded = _deleted_with_the_account()
    mails = 0
    for table in reversed(list(rows)):
        if table in cascaded:
            continue
        deleted = await AuditEvent.raw(
            f"DELETE FROM {table} WHERE id IN ({rows[table]}) RETURNING id"
        )
        if table == "outbox_mail":
            mails = len(deleted)
    accounts = await AuditEvent.raw(
        f"DELETE FROM {ACCOUNT_TABLE} WHERE id IN ({accounts_sql}) RETURNING id"
    )
    return Purged(accounts=len(accounts), mails=mails, storage_keys=keys, export_keys=exports)


def remove_files(purged: Purged) -> None:
    """After the commit: the files of the purged rows leave the disk."""
    for key in purged.storage_keys:
        storage_path(key).unlink(missing_ok=True)
    for key in purged.export_keys:
        export_path(key).unlink(missing_ok=True)
