"""Issue 11, item 4: an archived campaign's candidates are warned, then purged once the
retention period is over, leaving anonymous counts and an audit event with counts."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from arq.cron import CronJob

from app.applications import lifecycle
from app.applications.notes import add_staff_note
from app.audit import record_event
from app.backoffice.next_campaign import open_next_campaign
from app.core.codes.applications import ActorKind, Verdict
from app.core.codes.mail import MailCode
from app.documents.storage import storage_path
from app.piccolo_app import TABLES
from app.tables.accounts import CandidateAccount
from app.tables.applications import Application
from app.tables.catalog import Campaign
from app.tables.documents import StoredFile
from app.tables.dossier import Candidate, PriorStudy
from app.tables.mail import OutboxMail
from app.tables.ops import AuditEvent, CampaignStatistics
from tests.factories import make_campaign, make_required_piece
from tests.factories_dossier import (
    decide,
    make_applicant,
    make_decision_type,
    make_open_programme,
    stored_pdf,
)
from workers.retention import purge_retention, warn_retention
from workers.settings import WorkerSettings

ARCHIVED = datetime(2026, 6, 15, 10, 0, tzinfo=UTC)  # the clock fixture's instant
STAFF = lifecycle.Actor.staff(1)


@pytest.fixture
async def world(refdata, mail_templates, clock):
    """Three candidates of a campaign (an application transmitted with a file and a
    favourable decision, one waiting with a file, one without application), then the
    next campaign opened (the first archived) with a candidate of its own."""
    campaign = await make_campaign()
    piece = await make_required_piece(campaign)
    programme = await make_open_programme(campaign, pieces=[piece])
    favourable = await make_decision_type(Verdict.FAVOURABLE, label_fr="Avis favorable")

    sent = await make_applicant(campaign)
    sent_app = (await lifecycle.apply(account_id=sent.id, programme_id=programme.id)).application_id
    await lifecycle.submit_piece(
        application_id=sent_app,
        piece_id=piece.id,
        file_id=await stored_pdf(sent),
        actor=lifecycle.Actor.candidate(sent.id),
    )
    await lifecycle.transmit(application_id=sent_app, actor=lifecycle.Actor.candidate(sent.id))
    await decide(sent_app, favourable)
    await add_staff_note(user_id=1, application_id=sent_app, message="Vu en commission")

    waiting = await make_applicant(campaign)
    waiting_app = (
        await lifecycle.apply(account_id=waiting.id, programme_id=programme.id)
    ).application_id
    await lifecycle.submit_piece(
        application_id=waiting_app,
        piece_id=piece.id,
        file_id=await stored_pdf(waiting),
        actor=lifecycle.Actor.candidate(waiting.id),
    )
    idle = await make_applicant(campaign, language="en")
    candidate = await Candidate.objects().get(Candidate.account == idle.id)
    await PriorStudy(
        candidate=candidate.id, country=1, year=2024, label="Licence", outcome="O"
    ).save()
    # An admin edit of an account keeps before -> after in its audit event.
    await record_event(
        actor_kind=ActorKind.STAFF,
        actor_id=1,
        action="config.update",
        entity="candidate_account",
        entity_id=idle.id,
        data={"before": {"email": idle.email}, "after": {"email": "x@example.org"}},
    )

    following = await open_next_campaign(
        campaign_id=campaign.id,
        code="NEXT",
        label_fr="Campagne suivante",
        label_en="Next campaign",
        academic_year="2027/2028",
        shift_days=None,
        actor=STAFF,
    )
    kept = await make_applicant(following.opened_id)
    kept_file = await stored_pdf(kept)
    return {
        "campaign": campaign,
        "programme": programme,
        "accounts": [sent, waiting, idle],
        "applications": [sent_app, waiting_app],
        "kept": kept,
        "kept_file": kept_file,
    }


async def snapshot(account_ids: list[int]) -> dict[str, set[int]]:
    """The ids of every row about these accounts, by table."""
    candidates = await Candidate.select(Candidate.id, Candidate.address).where(
        Candidate.account.is_in(account_ids)
    )
    candidate_ids = [row["id"] for row in candidates]
    applications = await Application.select(Application.id).where(
        Application.candidate.is_in(candidate_ids)
    )
    files = await StoredFile.select(StoredFile.id, StoredFile.storage_key).where(
        StoredFile.owner.is_in(account_ids)
    )
    return {
        "candidate_account": set(account_ids),
        "candidate": set(candidate_ids),
        "address": {row["address"] for row in candidates if row["address"]},
        "application": {row["id"] for row in applications},
        "stored_file": {row["id"] for row in files},
        "storage_keys": {row["storage_key"] for row in files},
    }


async def mentions(before: dict[str, set[int]]) -> dict[str, int]:
    """Rows still naming a purged row: the rows themselves, and every row of every table
    with a foreign key to one of them."""
    found = {}
    for table in TABLES:
        name = table._meta.tablename
        if before.get(name):
            count = await table.count().where(table._meta.primary_key.is_in(list(before[name])))
            if count:
                found[name] = count
        for column in table._meta.foreign_key_columns:
            target = column._foreign_key_meta.resolved_references._meta.tablename
            if before.get(target):
                count = await table.count().where(column.is_in(list(before[target])))
                if count:
                    found[f"{name}.{column._meta.name}"] = count
    return found


def days_after_archiving(days: int, hours: int = 0) -> datetime:
    return ARCHIVED + timedelta(days=days, hours=hours)


async def test_warned_once_then_purged_once_with_counts_kept(
    world, clock, redis, run_worker, smtp_sink
):
    accounts = [account.id for account in world["accounts"]]
    before = await snapshot(accounts)
    assert len(before["application"]) == 2 and len(before["stored_file"]) == 2
    assert len(before["address"]) == 3
    for key in before["storage_keys"]:
        assert storage_path(key).exists()
    await OutboxMail.delete(force=True)
    ctx = {"redis": redis}

    clock.move_to(days_after_archiving(334, 23))  # 31 days before the purge
    assert await warn_retention(ctx) == 0
    clock.move_to(days_after_archiving(335))  # 30 days before
    assert await warn_retention(ctx) == 3
    assert await warn_retention(ctx) == 0  # the same day again
    clock.move_to(days_after_archiving(336))
    assert await warn_retention(ctx) == 0
    warnings = await OutboxMail.select(OutboxMail.account, OutboxMail.to_address).where(
        OutboxMail.template_code == MailCode.RETENTION_WARNING.value
    )
    assert sorted(row["account"] for row in warnings) == sorted(accounts)
    assert await run_worker() == 3
    assert len(smtp_sink.messages) == 3
    english = next(m for m in smtp_sink.messages if m["To"] == world["accounts"][2].email)
    assert english["Subject"] == "eCésure: your data will be deleted on 15/06/2027"
    assert "Next campaign" not in english.get_body(("plain",)).get_content()
    french = next(m for m in smtp_sink.messages if m["To"] == world["accounts"][0].email)
    assert french["Subject"] == "eCésure : vos données seront supprimées le 15/06/2027"
    assert "définitivement supprimés à partir du 15/06/2027" in " ".join(
        french.get_body(("plain",)).get_content().split()
    )

    clock.move_to(days_after_archiving(364, 23))
    assert await purge_retention(ctx) == 0
    clock.move_to(days_after_archiving(365, 1))
    assert await purge_retention(ctx) == 3
    assert await purge_retention(ctx) == 0  # the same day again: nothing
    assert await warn_retention(ctx) == 0

    assert await mentions(before) == {}
    for key in before["storage_keys"]:
        assert not storage_path(key).exists()
    assert (
        await AuditEvent.count().where(
            (AuditEvent.actor_kind == ActorKind.CANDIDATE.value)
            & AuditEvent.actor_id.is_in(accounts)
        )
        == 0
    )
    assert (
        await AuditEvent.count().where(AuditEvent.application_id.is_in(list(before["application"])))
        == 0
    )
    assert await AuditEvent.count().where(AuditEvent.entity == "candidate_account") == 0
    assert await OutboxMail.count() == 0

    # the next campaign's candidate is untouched
    assert await CandidateAccount.exists().where(CandidateAccount.id == world["kept"].id)
    kept = await StoredFile.objects().get(StoredFile.id == world["kept_file"])
    assert storage_path(kept).exists()

    statistics = await CampaignStatistics.select(
        CampaignStatistics.programme,
        CampaignStatistics.status,
        CampaignStatistics.verdict,
        CampaignStatistics.answer,
        CampaignStatistics.cancelled,
        CampaignStatistics.applications,
    ).order_by(CampaignStatistics.status)
    assert statistics == [
        {
            "programme": world["programme"].id,
            "status": "AT",
            "verdict": "",
            "answer": "",
            "cancelled": False,
            "applications": 1,
        },
        {
            "programme": world["programme"].id,
            "status": "RE",
            "verdict": "FA",
            "answer": "",
            "cancelled": False,
            "applications": 1,
        },
    ]
    purge = await AuditEvent.select(
        AuditEvent.actor_kind, AuditEvent.entity, AuditEvent.entity_id, AuditEvent.data
    ).where(AuditEvent.action == "retention_purge")
    assert purge == [
        {
            "actor_kind": "system",
            "entity": "campaign",
            "entity_id": world["campaign"].id,
            "data": purge[0]["data"],
        }
    ]
    data = purge[0]["data"]
    data = data if isinstance(data, dict) else __import__("json").loads(data)
    assert data == {
        "campaign": world["campaign"].code,
        "accounts": 3,
        "applications": 2,
        "files": 2,
        "mails": 3,
    }
    campaign = await Campaign.objects().get(Campaign.id == world["campaign"].id)
    assert campaign.purged_at == days_after_archiving(365, 1)


async def test_a_campaign_not_archived_is_never_purged(refdata, mail_templates, clock):
    campaign = await make_campaign()
    await make_applicant(campaign)
    clock.move_to(days_after_archiving(800))
    assert await warn_retention({"redis": None}) == 0
    assert await purge_retention({}) == 0
    assert await CandidateAccount.count().where(CandidateAccount.campaign == campaign.id) == 1


async def test_nobody_is_purged_without_notice(refdata, mail_templates, clock, redis):
    """The warning job missed the window: the purge waits RETENTION_WARNING_DAYS after
    the warning."""
    campaign = await make_campaign(active=False, archived_at=ARCHIVED)
    account = await make_applicant(campaign)
    clock.move_to(days_after_archiving(400))
    assert await purge_retention({}) == 0
    assert await warn_retention({"redis": redis}) == 1
    clock.move_to(days_after_archiving(429))
    assert await purge_retention({}) == 0
    clock.move_to(days_after_archiving(430, 1))
    assert await purge_retention({}) == 1
    assert not await CandidateAccount.exists().where(CandidateAccount.id == account.id)


async def test_two_workers_at_once_warn_and_purge_once(refdata, mail_templates, clock):
    campaign = await make_campaign(active=False, archived_at=ARCHIVED)
    for _ in range(4):
        await make_applicant(campaign)
    clock.move_to(days_after_archiving(340))
    warned = await asyncio.gather(warn_retention({"redis": None}), warn_retention({"redis": None}))
    assert sorted(warned) == [0, 4]
    assert (
        await OutboxMail.count().where(OutboxMail.template_code == MailCode.RETENTION_WARNING.value)
        == 4
    )
    clock.move_to(days_after_archiving(371))  # 31 days after the warning
    purged = await asyncio.gather(purge_retention({}), purge_retention({}))
    assert sorted(purged) == [0, 4]
    assert await AuditEvent.count().where(AuditEvent.action == "retention_purge") == 1


def test_the_retention_jobs_run_every_night():
    schedule = {
        job.name: (job.hour, job.minute)
        for job in WorkerSettings.cron_jobs
        if isinstance(job, CronJob)
    }
    assert schedule["cron:warn_retention"] == (3, 0)
    assert schedule["cron:purge_retention"] == (3, 30)
