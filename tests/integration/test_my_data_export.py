"""Issue 15, item 3: "Mes données" — the archive of everything about the candidate,
built by the worker, mailed as a link that works once, for its owner only."""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import timedelta

import pytest

from app.clock import now
from app.core.codes.applications import ActorKind
from app.core.codes.mail import MailCode
from app.core.codes.ops import ExportStatus
from app.ops.data_export import discard_expired_exports
from app.ops.data_export_files import export_path
from app.tables.mail import OutboxMail
from app.tables.ops import AuditEvent, DataExport
from tests.factories import make_campaign
from tests.fixtures.web import post_form
from tests.integration.dossier_support import plant_session
from tests.integration.personal_data_world import (
    applicant_with_files,
    exported_rows,
    file_bytes,
    rows_about_account,
    storage_keys,
    two_programmes,
)

LINK = re.compile(r"http://testserver\.local(/mes-donnees/archive/[A-Za-z0-9_-]+)")


@pytest.fixture
async def world(refdata, mail_templates):
    campaign = await make_campaign()
    programmes = await two_programmes(campaign)
    mine = await applicant_with_files(campaign, programmes, transmit_first=True)
    other = await applicant_with_files(campaign, programmes[:1], transmit_first=True)
    return {"mine": mine, "other": other}


async def request_archive(client, account) -> None:
    await plant_session(client, account)
    first = await post_form(client, "/mes-donnees/archive", {})
    second = await post_form(client, "/mes-donnees/archive", {})  # double submit
    assert first.status_code == second.status_code == 303
    assert first.headers["location"] == "/mes-donnees?fait=archive"


async def test_the_archive_holds_every_row_and_file_about_the_candidate_and_nothing_else(
    world, client, run_worker, smtp_sink
):
    account = world["mine"]["account"]
    await request_archive(client, account)
    assert await DataExport.count() == 1
    expected = await rows_about_account(account.id)
    others = await rows_about_account(world["other"]["account"].id)
    expected_rows = {
        name: await exported_rows(name, ids)
        for name, ids in expected.items()
        if name != "data_export"
    }

    assert await run_worker() == 2  # the archive, then its mail

    mails = smtp_sink.messages
    assert [m["To"] for m in mails] == [account.email]
    assert mails[0]["Subject"] == "eCésure : vos données sont prêtes à être téléchargées"
    link = LINK.search(mails[0].get_body(("plain",)).get_content()).group(1)
    response = await client.get(link)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/zip"
    assert "mes-donnees-ecesure.zip" in response.headers["content-disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    document = json.loads(archive.read("donnees.json"))

    assert document["schema"] == "ecesure-mes-donnees" and document["version"] == 1
    assert document["account"] == account.id
    # every table reached from the account is listed, empty or not
    assert {name for name, rows in document["tables"].items() if rows} == set(expected_rows)
    assert {"internship", "work_experience", "return_reminder"} <= set(document["tables"])
    for name, rows in expected_rows.items():
        got = document["tables"][name]
        if name == "outbox_mail":
            got = [{k: v for k, v in row.items() if k != "text"} for row in got]
        assert got == rows, name
    assert len(document["tables"]["application"]) == 2
    assert len(document["tables"]["stored_file"]) == 6
    assert len(document["tables"]["decision"]) == 1 and len(document["tables"]["note"]) == 1
    assert document["omitted_columns"] == {
        "candidate_account": ["password_hash"],
        "account_token": ["token_hash"],
        "outbox_mail": ["html"],
    }
    assert "password_hash" not in document["tables"]["candidate_account"][0]
    # nothing of the other candidate
    for name, ids in others.items():
        exported = {row["id"] for row in document["tables"].get(name, [])}
        assert not exported & ids, name
    # every file, byte for byte, and no other
    keys = {row["id"]: row["storage_key"] for row in document["tables"]["stored_file"]}
    assert set(keys) == set(world["mine"]["files"])
    names = sorted(n for n in archive.namelist() if n.startswith("fichiers/"))
    assert names == sorted(entry["path"] for entry in document["files"])
    assert len(names) == 6
    for entry in document["files"]:
        assert archive.read(entry["path"]) == file_bytes(keys[entry["stored_file"]])
        assert entry["missing"] is False
    assert not await storage_keys(world["other"]["files"]) & set(keys.values())

    # the link works once: the archive is gone from the disk, the link answers 410
    export = await DataExport.objects().first()
    assert export.status == ExportStatus.DOWNLOADED.value
    assert not export_path(export.storage_key).exists()
    again = await client.get(link)
    assert again.status_code == 410
    assert "Ce lien de téléchargement a déjà été utilisé ou a expiré" in again.text


async def test_someone_elses_link_is_a_404_and_signing_in_is_required(
    world, client, run_worker, smtp_sink
):
    await request_archive(client, world["mine"]["account"])
    await run_worker()
    link = LINK.search(smtp_sink.messages[0].get_body(("plain",)).get_content()).group(1)

    await plant_session(client, world["other"]["account"])
    assert (await client.get(link)).status_code == 404
    assert (await client.get("/mes-donnees/archive/" + "x" * 43)).status_code == 404
    assert (await client.get("/mes-donnees/archive/%00%00")).status_code in {400, 404}
    client.cookies.clear()
    anonymous = await client.get(link)
    assert anonymous.status_code in {302, 303}
    assert anonymous.headers["location"].startswith("/connexion")
    # still unused: its owner downloads it
    await plant_session(client, world["mine"]["account"])
    assert (await client.get(link)).status_code == 200


async def test_an_expired_link_is_gone_and_its_archive_leaves_the_disk(
    world, client, run_worker, smtp_sink, clock
):
    await request_archive(client, world["mine"]["account"])
    await run_worker()
    link = LINK.search(smtp_sink.messages[0].get_body(("plain",)).get_content()).group(1)
    export = await DataExport.objects().first()
    assert export.expires_at == export.ready_at + timedelta(hours=72)
    clock.move_to(now() + timedelta(hours=72, seconds=1))
    # Three days on, the 8-hour session is long over: the candidate signs in again.
    await plant_session(client, world["mine"]["account"])

    assert (await client.get(link)).status_code == 410
    assert await discard_expired_exports() == 1
    assert not export_path(export.storage_key).exists()
    assert (await DataExport.objects().first()).status == ExportStatus.EXPIRED.value


async def test_the_page_offers_the_archive_and_tells_its_state(world, client, run_worker):
    account = world["mine"]["account"]
    await plant_session(client, account)
    page = await client.get("/mes-donnees")
    assert page.status_code == 200
    assert 'href="/mes-donnees" aria-current="page"' in page.text
    assert "archive de mes données</button>" in page.text

    await post_form(client, "/mes-donnees/archive", {})
    page = await client.get("/mes-donnees?fait=archive")
    assert "archive en préparation" in page.text
    assert "Votre demande est enregistrée" in page.text
    events = await AuditEvent.select(AuditEvent.action, AuditEvent.actor_kind).where(
        AuditEvent.entity == "data_export"
    )
    assert events == [{"action": "data_export_requested", "actor_kind": ActorKind.CANDIDATE}]
    await run_worker()
    page = await client.get("/mes-donnees")
    assert "Archive prête : le lien vous a été envoyé par mail" in page.text
    ready = await OutboxMail.select(OutboxMail.template_code).where(
        OutboxMail.template_code == MailCode.DATA_EXPORT_READY.value
    )
    assert len(ready) == 1
