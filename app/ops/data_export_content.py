"""What goes into a "Mes données" archive (issue 15, item 3; schema: docs/data-export.md).

Every row about the account that :func:`app.ops.account_rows.rows_about` finds by
the foreign keys, table by table, every column but the secret ones (password and token
hashes, mail bodies carrying a single-use link), the audit events about the account,
and the uploaded files themselves. A new table pointing at the account, the dossier or
an application is exported without a change here.
"""

from __future__ import annotations

import json
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID

from piccolo.table import Table

from app.clock import now
from app.documents.storage import storage_path
from app.messages.candidate_mails import SECRET_BODIES
from app.ops.account_rows import audit_events_sql, rows_about
from app.piccolo_app import TABLES
from app.tables.mail import OutboxMail
from app.tables.ops import AuditEvent

SCHEMA_NAME = "ecesure-mes-donnees"
SCHEMA_VERSION = 1
DOCUMENT_NAME = "donnees.json"
FILES_FOLDER = "fichiers"
# The requests for this very archive: bookkeeping whose row changes as it is built.
NOT_EXPORTED = frozenset({"data_export"})

_BY_NAME: dict[str, type[Table]] = {table._meta.tablename: table for table in TABLES}


def json_value(value: Any) -> Any:
    """A database value as JSON: instants and dates in ISO 8601, decimals as text."""
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal | UUID):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    return value


def account_sql(account_id: int) -> str:
    return f"SELECT id FROM candidate_account WHERE id = {int(account_id)}"


@dataclass(frozen=True)
class ExportContent:
    document: dict[str, Any]
    files: list[tuple[str, Path]]
    """(path in the archive, path on disk) of each stored file present on the disk."""


async def _rows(table: type[Table], ids_sql: str) -> tuple[list[dict], list[str]]:
    """The table's rows among ``ids_sql``, by id, without secret columns; and the names
    of the columns left out."""
    columns = [c for c in table._meta.columns if not c._meta.secret]
    omitted = [c._meta.name for c in table._meta.columns if c._meta.secret]
    # the first column, whatever its name ("address" when reached from candidate.address)
    ids = [next(iter(row.values())) for row in await table.raw(ids_sql)]
    if not ids:
        return [], omitted
    primary_key = table._meta.primary_key
    rows = (
        await table.select(*columns)
        .where(primary_key.is_in(ids))
        .order_by(primary_key)
        .output(load_json=True)
    )
    return [{key: json_value(value) for key, value in row.items()} for row in rows], omitted


async def _mail_texts(mail_ids: list[int]) -> dict[int, str]:
    """The text of the mails the candidate may read again ("Mes messages" shows the
    same ones): not those carrying a single-use link."""
    if not mail_ids:
        return {}
    rows = await OutboxMail.select(OutboxMail.id, OutboxMail.text).where(
        OutboxMail.id.is_in(mail_ids) & OutboxMail.template_code.not_in(list(SECRET_BODIES))
    )
    return {row["id"]: row["text"] for row in rows}


def archive_file_name(file_id: int, original_name: str) -> str:
    """``fichiers/<id>-<name>``: unique by the id, the name only for the reader."""
    name = unicodedata.normalize("NFC", original_name).replace("/", "_").replace("\\", "_")
    return f"{FILES_FOLDER}/{int(file_id)}-{name or 'fichier'}"


async def export_content(account_id: int) -> ExportContent:
    accounts = account_sql(account_id)
    rows = rows_about(accounts)
    tables: dict[str, list[dict]] = {}
    omitted: dict[str, list[str]] = {}
    for name, ids_sql in rows.items():
        if name in NOT_EXPORTED:
            continue
        tables[name], secret = await _rows(_BY_NAME[name], ids_sql)
        if secret:
            omitted[name] = secret
    texts = await _mail_texts([row["id"] for row in tables.get("outbox_mail", [])])
    for mail in tables.get("outbox_mail", []):
        mail["text"] = texts.get(mail["id"])  # None: withheld, it held a single-use link
    if "outbox_mail" in omitted:
        omitted["outbox_mail"] = [name for name in omitted["outbox_mail"] if name != "text"]
    tables["audit_event"], _ = await _rows(AuditEvent, audit_events_sql(accounts, rows))

    files, listed = [], []
    for row in tables.get("stored_file", []):
        path = storage_path(row["storage_key"])
        entry = {
            "stored_file": row["id"],
            "path": archive_file_name(row["id"], row["original_name"]),
            "original_name": row["original_name"],
            "content_type": row["content_type"],
            "size_bytes": row["size_bytes"],
            "sha256": row["sha256"],
            "missing": not path.exists(),
        }
        listed.append(entry)
        if not entry["missing"]:
            files.append((entry["path"], path))
    document = {
        "schema": SCHEMA_NAME,
        "version": SCHEMA_VERSION,
        "generated_at": json_value(now()),
        "account": account_id,
        "tables": tables,
        "omitted_columns": omitted,
        "files": listed,
    }
    return ExportContent(document=document, files=files)


def write_archive(target: Path, content: ExportContent) -> int:
    """Write the ZIP (``donnees.json`` and the files) to a temporary name beside
    ``target``, then rename it: nobody sees half an archive. Returns its size."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.tmp")
    try:
        with zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(
                DOCUMENT_NAME, json.dumps(content.document, ensure_ascii=False, indent=2)
            )
            for name, source in content.files:
                archive.write(source, name)
        temporary.replace(target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return target.stat().st_size
