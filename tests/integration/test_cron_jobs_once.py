"""Issue 11 acceptance: with the clock moved, each cron job does its work once, and a
second run the same day does nothing (exact counts of mails and rows)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from app.applications import lifecycle
from app.core.codes.applications import Verdict
from app.piccolo_app import TABLES
from app.tables.accounts import CandidateAccount
from app.tables.applications import Application, ReturnReminder
from app.tables.mail import OutboxMail
from app.tables.ops import AuditEvent, CampaignStatistics
from tests.factories import make_account, make_campaign
from tests.factories_dossier import (
    decide,
    make_applicant,
    make_decision_type,
    make_open_programme,
    make_received_application,
)
from workers.accounts import purge_accounts
from workers.applications import auto_withdraw, remind_return, remind_unanswered
from workers.retention import purge_retention, warn_retention

PARIS = ZoneInfo("Europe/Paris")
JOBS = (
    purge_accounts,
    auto_withdraw,
    remind_unanswered,
    remind_return,
    warn_retention,
    purge_retention,
)


async def outbox() -> Counter:
    rows = await OutboxMail.select(OutboxMail.template_code)
    return Counter(row["template_code"] for row in rows)


async def row_counts() -> dict[str, int]:
    return {table._meta.tablename: await table.count() for table in TABLES}


async def test_every_cron_job_works_once_a_day(refdata, mail_templates, clock, redis):
    # 15/06/2026 (the clock fixture): work for every job on the evening of 19/06.
    campaign = await make_campaign()
    favourable = await make_decision_type(Verdict.FAVOURABLE, label_fr="Avis favorable")
    quiet = {"alert_on_withdrawal": False, "alert_on_transmission": False}
    _, expired = await make_received_application(
        campaign, confirmation_delay_days=3, commission=quiet
    )  # deadline 18/06
    await decide(expired, favourable)
    _, unanswered = await make_received_application(
        campaign, confirmation_delay_days=5, commission=quiet
    )  # deadline 20/06
    await decide(unanswered, favourable)
    soon = await make_open_programme(
        campaign, deposit_end=date(2026, 6, 20), return_date=date(2026, 6, 26)
    )
    waiting = await make_applicant(campaign)
    await lifecycle.apply(account_id=waiting.id, programme_id=soon.id)
    await make_account(campaign, activated_at=None, purge_after=datetime(2026, 6, 18, tzinfo=UTC))
    expired_campaign = await make_campaign(
        active=False, archived_at=datetime(2025, 6, 18, tzinfo=UTC)
    )
    await make_applicant(  # warned a month ago
        expired_campaign, retention_warned_at=datetime(2026, 5, 19, tzinfo=UTC)
    )
    warned_campaign = await make_campaign(
        active=False, archived_at=datetime(2025, 7, 19, 10, tzinfo=UTC)
    )
    await make_applicant(warned_campaign)
    await OutboxMail.delete(force=True)

    clock.move_to(datetime.combine(date(2026, 6, 19), time(23, 0), PARIS))
    ctx = {"redis": redis}
    first = {job.__name__: await job(ctx) for job in JOBS}
    assert first == {
        "purge_accounts": 1,
        "auto_withdraw": 1,
        "remind_unanswered": 1,
        "remind_return": 1,
        "warn_retention": 1,
        "purge_retention": 1,
    }
    assert await outbox() == Counter(
        {
            "application_auto_withdrawn": 1,
            "answer_reminder": 1,
            "return_reminder": 1,
            "retention_warning": 1,
        }
    )
    assert await ReturnReminder.count() == 1
    assert await CampaignStatistics.count() == 0  # its candidate had no application
    assert await AuditEvent.count().where(AuditEvent.action == "retention_purge") == 1
    assert (await Application.objects().get(Application.id == unanswered)).answer is None
    assert (
        await CandidateAccount.count().where(CandidateAccount.campaign == expired_campaign.id) == 0
    )
    rows, mails = await row_counts(), await outbox()

    clock.move_to(datetime.combine(date(2026, 6, 19), time(23, 50), PARIS))
    second = {job.__name__: await job(ctx) for job in JOBS}
    assert set(second.values()) == {0}
    assert await outbox() == mails
    assert await row_counts() == rows
