"""Shared by the "Mes données" and deletion tests (issue 15): a candidate with two
applications and six files, another candidate beside them, and a walk of the database
that finds every row about an account by itself (not with the code under test)."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

from app.applications import lifecycle
from app.applications.notes import add_staff_note
from app.audit import record_event
from app.core.codes.applications import ActorKind, Verdict
from app.documents.storage import storage_path
from app.ops.account_rows import ENTITY_ALIASES, NOT_ABOUT_CANDIDATES
from app.ops.data_export_content import json_value
from app.piccolo_app import TABLES
from app.settings import get_settings
from app.tables.accounts import CandidateAccount
from app.tables.documents import StoredFile
from app.tables.dossier import Candidate, PriorStudy
from app.tables.ops import AuditEvent
from tests.factories import make_required_piece
from tests.factories_dossier import (
    decide,
    make_decision_type,
    make_open_programme,
    stored_pdf,
)
from tests.integration.dossier_support import password_hash

BY_NAME = {table._meta.tablename: table for table in TABLES}


async def applicant_with_files(campaign, programmes, *, transmit_first: bool) -> dict:
    """An account with a complete dossier, a prior study, one application per programme
    and a file for each of its pieces; the first application transmitted, decided
    favourably and noted when ``transmit_first``."""
    from tests.factories_dossier import make_applicant

    account = await make_applicant(campaign, password_hash=password_hash())
    candidate = await Candidate.objects().get(Candidate.account == account.id)
    await PriorStudy(
        candidate=candidate.id, country=1, year=2024, label="Licence", outcome="O"
    ).save()
    actor = lifecycle.Actor.candidate(account.id)
    applications, files = [], []
    for programme, pieces in programmes:
        change = await lifecycle.apply(account_id=account.id, programme_id=programme.id)
        applications.append(change.application_id)
        for piece in pieces:
            file_id = await stored_pdf(account, f"pièce {piece.code}.pdf")
            files.append(file_id)
            await lifecycle.submit_piece(
                application_id=change.application_id,
                piece_id=piece.id,
                file_id=file_id,
                actor=actor,
            )
    if transmit_first:
        await lifecycle.transmit(application_id=applications[0], actor=actor)
        await decide(applications[0], await make_decision_type(Verdict.FAVOURABLE))
        await add_staff_note(user_id=1, application_id=applications[0], message="Vu")
    # An admin edit of the account keeps before -> after in its audit event.
    await record_event(
        actor_kind=ActorKind.STAFF,
        actor_id=1,
        action="config.update",
        entity="candidate_account",
        entity_id=account.id,
        data={"before": {"email": account.email}, "after": {"email": "x@example.org"}},
    )
    return {"account": account, "applications": applications, "files": files}


async def two_programmes(campaign) -> list:
    """Two open programmes of three pieces each (not common: a file per piece)."""
    programmes = []
    for _ in range(2):
        pieces = [await make_required_piece(campaign) for _ in range(3)]
        programmes.append((await make_open_programme(campaign, pieces=pieces), pieces))
    return programmes


async def rows_about_account(account_id: int) -> dict[str, set[int]]:
    """Table -> ids of its rows about the account, found by walking every foreign key of
    every table until nothing new turns up: a row pointing at a row about the account
    is about it, and so is a personal row (not reference data nor catalogue) that one of
    them points at. Then the audit events about them."""
    found: dict[str, set[int]] = defaultdict(set)
    found["candidate_account"].add(account_id)
    changed = True
    while changed:
        changed = False
        for table in TABLES:
            name = table._meta.tablename
            for column in table._meta.foreign_key_columns:
                target = column._foreign_key_meta.resolved_references._meta.tablename
                if found.get(target):
                    rows = await table.select(table._meta.primary_key).where(
                        column.is_in(list(found[target]))
                    )
                    new = {row["id"] for row in rows} - found[name]
                    if new:
                        found[name] |= new
                        changed = True
                if found.get(name) and target not in NOT_ABOUT_CANDIDATES:
                    rows = await table.select(column).where(
                        table._meta.primary_key.is_in(list(found[name]))
                    )
                    new = {row[column._meta.name] for row in rows} - {None} - found[target]
                    if new:
                        found[target] |= new
                        changed = True
    events = set()
    for event in await AuditEvent.select():
        own_act = (event["actor_kind"], event["actor_id"]) == (ActorKind.CANDIDATE, account_id)
        if own_act or event["application_id"] in found.get("application", set()):
            events.add(event["id"])
        else:
            for table, ids in found.items():
                names = {table, *ENTITY_ALIASES.get(table, ())}
                if event["entity"] in names and event["entity_id"] in ids:
                    events.add(event["id"])
    found["audit_event"] = events
    return {name: ids for name, ids in found.items() if ids}


async def exported_rows(table_name: str, ids: set[int]) -> list[dict]:
    """The rows as the archive writes them: by id, secret columns left out, JSON values."""
    table = BY_NAME[table_name]
    columns = [c for c in table._meta.columns if not c._meta.secret]
    rows = (
        await table.select(*columns)
        .where(table._meta.primary_key.is_in(list(ids)))
        .order_by(table._meta.primary_key)
        .output(load_json=True)
    )
    return json.loads(json.dumps([{k: json_value(v) for k, v in row.items()} for row in rows]))


async def storage_keys(file_ids) -> set[str]:
    rows = await StoredFile.select(StoredFile.storage_key).where(
        StoredFile.id.is_in(list(file_ids))
    )
    return {row["storage_key"] for row in rows}


def files_on_disk() -> set[Path]:
    root = get_settings().storage_dir
    return {path for path in root.rglob("*") if path.is_file()} if root.exists() else set()


def file_bytes(key: str) -> bytes:
    return storage_path(key).read_bytes()


async def account_ids() -> set[int]:
    return {row["id"] for row in await CandidateAccount.select(CandidateAccount.id)}
