"""Issue 15, item 5: the candidate deletes their account while nothing is transmitted
(password, mail, immediate purge, audited without personal data); once an application
is transmitted, the page explains why not and mails a request to the university."""

from __future__ import annotations

import pytest

from app.core.codes.mail import MailCode
from app.tables.accounts import CandidateAccount
from app.tables.mail import OutboxMail
from app.tables.ops import AuditEvent, DataExport
from tests.factories import make_campaign
from tests.fixtures.web import post_form
from tests.integration.dossier_support import PASSWORD, plant_session
from tests.integration.personal_data_world import (
    BY_NAME,
    applicant_with_files,
    files_on_disk,
    rows_about_account,
    two_programmes,
)

TRANSMITTED = (
    "Une candidature a été transmise : votre compte ne peut plus être supprimé ici. "
    "Vos données sont conservées jusqu&#39;à la fin de la durée de conservation."
)


@pytest.fixture
async def world(refdata, mail_templates):
    campaign = await make_campaign()
    programmes = await two_programmes(campaign)
    return {
        "campaign": campaign,
        "waiting": await applicant_with_files(campaign, programmes, transmit_first=False),
        "sent": await applicant_with_files(campaign, programmes, transmit_first=True),
    }


async def leftovers(
    before: dict[str, set[int]], new: dict[str, set[int]] | None = None
) -> dict[str, int]:
    """Rows still there among those about the account before, and rows of any table
    pointing at one of them. ``new``: rows written since, which SQLite may have given
    a deleted row's id (it reuses the highest id)."""
    found = {}
    for name, ids in before.items():
        ids = ids - (new or {}).get(name, set())
        table = BY_NAME[name]
        count = await table.count().where(table._meta.primary_key.is_in(list(ids)))
        if count:
            found[name] = count
    for table in BY_NAME.values():
        for column in table._meta.foreign_key_columns:
            target = column._foreign_key_meta.resolved_references._meta.tablename
            if before.get(target):
                count = await table.count().where(column.is_in(list(before[target])))
                if count:
                    found[f"{table._meta.tablename}.{column._meta.name}"] = count
    return found


async def test_deleting_an_account_with_nothing_transmitted_leaves_nothing_of_it(
    world, client, run_worker, smtp_sink
):
    account = world["waiting"]["account"]
    await plant_session(client, account)
    await post_form(client, "/mes-donnees/archive", {})
    await run_worker()  # an archive on the disk too
    smtp_sink.clear()
    before = await rows_about_account(account.id)
    assert len(before["application"]) == 2 and len(before["stored_file"]) == 6
    assert len(before["data_export"]) == 1
    disk_before = files_on_disk()
    others_before = await rows_about_account(world["sent"]["account"].id)

    counts_before = await leftovers(before)
    wrong = await post_form(client, "/mes-donnees/suppression", {"password": "Faux-mot-2026"})
    assert wrong.status_code == 200
    assert 'class="error-summary"' in wrong.text
    assert "Le mot de passe est incorrect." in wrong.text
    assert 'aria-invalid="true"' in wrong.text
    assert await leftovers(before) == counts_before  # nothing deleted
    assert await CandidateAccount.exists().where(CandidateAccount.id == account.id)

    deleted = await post_form(client, "/mes-donnees/suppression", {"password": PASSWORD})
    assert deleted.status_code == 303 and deleted.headers["location"] == "/compte-supprime"

    confirmation = await OutboxMail.select(OutboxMail.id).where(
        OutboxMail.template_code == MailCode.ACCOUNT_DELETED.value
    )
    deletion = await AuditEvent.select(AuditEvent.id).where(
        AuditEvent.action == "account_deleted_by_candidate"
    )
    new = {"outbox_mail": {confirmation[0]["id"]}, "audit_event": {deletion[0]["id"]}}
    assert await leftovers(before, new) == {}
    gone = disk_before - files_on_disk()
    assert len(gone) == 7  # six pieces and the archive
    assert files_on_disk() == disk_before - gone
    assert await rows_about_account(world["sent"]["account"].id) == others_before
    events = (
        await AuditEvent.select(
            AuditEvent.action,
            AuditEvent.actor_kind,
            AuditEvent.actor_id,
            AuditEvent.entity,
            AuditEvent.entity_id,
            AuditEvent.data,
        )
        .where(AuditEvent.action == "account_deleted_by_candidate")
        .output(load_json=True)
    )
    assert events == [
        {
            "action": "account_deleted_by_candidate",
            "actor_kind": "candidate",
            "actor_id": None,
            "entity": "campaign",
            "entity_id": world["campaign"].id,
            "data": {"applications": 2, "files": 6, "mails": len(before["outbox_mail"])},
        }
    ]
    # the only trace: the confirmation mail, tied to no account
    mails = await OutboxMail.select(
        OutboxMail.to_address, OutboxMail.account, OutboxMail.template_code
    ).where(OutboxMail.to_address == account.email)
    assert mails == [
        {
            "to_address": account.email,
            "account": None,
            "template_code": MailCode.ACCOUNT_DELETED.value,
        }
    ]
    (body,) = await OutboxMail.select(OutboxMail.html, OutboxMail.text).where(
        OutboxMail.template_code == MailCode.ACCOUNT_DELETED.value
    )
    assert account.last_name not in str(body) and account.login not in str(body)
    assert await run_worker() == 1
    assert [m["Subject"] for m in smtp_sink.messages] == ["eCésure : votre compte a été supprimé"]
    # signed out everywhere
    page = await client.get("/mes-donnees")
    assert page.status_code in {302, 303} and page.headers["location"].startswith("/connexion")
    assert "Votre compte, votre dossier" in (await client.get("/compte-supprime")).text


async def test_the_audit_event_of_a_deletion_holds_counts_only(world, client):
    account = world["waiting"]["account"]
    await plant_session(client, account)
    await post_form(client, "/mes-donnees/suppression", {"password": PASSWORD})
    (event,) = await AuditEvent.select().where(AuditEvent.action == "account_deleted_by_candidate")
    assert (event["actor_id"], event["entity"]) == (None, "campaign")
    for value in (account.email, account.login, account.last_name):
        assert value not in str(event), value


async def test_with_a_transmitted_application_deletion_is_refused_with_the_explanation(
    world, client, run_worker, smtp_sink
):
    account = world["sent"]["account"]
    await plant_session(client, account)
    page = await client.get("/mes-donnees")
    assert "Une de vos candidatures a été transmise" in page.text
    assert "365 jours après la clôture de la campagne" in page.text
    assert 'action="/mes-donnees/suppression"' not in page.text
    assert 'action="/mes-donnees/demande"' in page.text

    refused = await post_form(client, "/mes-donnees/suppression", {"password": PASSWORD})
    assert refused.status_code == 200
    assert TRANSMITTED in refused.text
    assert await CandidateAccount.exists().where(CandidateAccount.id == account.id)
    assert await DataExport.count() == 0

    empty = await post_form(client, "/mes-donnees/demande", {"message": "  "})
    assert empty.status_code == 200 and "Écrivez votre demande." in empty.text
    smtp_sink.clear()
    sent = await post_form(
        client, "/mes-donnees/demande", {"message": "Merci d'effacer mes données.\nCamille"}
    )
    assert sent.status_code == 303 and sent.headers["location"] == "/mes-donnees?fait=demande"
    assert await run_worker() == 1
    (mail,) = smtp_sink.messages
    assert mail["To"] == "dpo@ecesure.localhost"
    assert mail["Subject"] == (
        f"eCésure : demande d'un candidat sur ses données personnelles ({account.login})"
    )
    body = mail.get_body(("plain",)).get_content()
    assert "Merci d'effacer mes données." in body and account.email in body
    done = await client.get("/mes-donnees?fait=demande")
    assert "Votre demande a été envoyée au contact de l" in done.text


async def test_another_persons_session_cannot_be_used_and_inputs_do_not_break(world, client):
    account = world["waiting"]["account"]
    await plant_session(client, account)
    nul = await post_form(client, "/mes-donnees/suppression", {"password": "a\x00b"})
    assert nul.status_code == 200
    assert await CandidateAccount.exists().where(CandidateAccount.id == account.id)
    missing = await post_form(client, "/mes-donnees/suppression", {})
    assert "Saisissez votre mot de passe pour confirmer." in missing.text
    client.cookies.clear()
    anonymous = await client.post("/mes-donnees/suppression", data={"password": PASSWORD})
    assert anonymous.status_code in {302, 303, 403}
    assert await CandidateAccount.exists().where(CandidateAccount.id == account.id)
