"""Issue 11, item 3: return-date reminders, N days before the return date (per
programme, default 7 and 2), to applications not transmitted, each reminder once."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from arq.cron import CronJob

from app.applications import lifecycle
from app.applications.lifecycle import Actor
from app.applications.reminders import send_return_reminders
from app.core.codes.mail import MailCode
from app.tables.applications import Application, ReturnReminder
from app.tables.mail import OutboxMail
from app.tables.ops import AuditEvent
from tests.factories_dossier import make_applicant, make_open_programme, make_received_application
from workers.applications import remind_return
from workers.settings import WorkerSettings

PARIS = ZoneInfo("Europe/Paris")
RETURN = date(2026, 7, 15)


def paris(day: date, hour: int = 23, minute: int = 45) -> datetime:
    return datetime.combine(day, time(hour, minute), PARIS)


async def applied(campaign, programme) -> tuple[int, int]:
    account = await make_applicant(campaign)
    change = await lifecycle.apply(account_id=account.id, programme_id=programme.id)
    return account.id, change.application_id


async def reminders() -> list[tuple[int, int]]:
    rows = await ReturnReminder.select(
        ReturnReminder.application, ReturnReminder.days_before
    ).order_by(ReturnReminder.id)
    return [(row["application"], row["days_before"]) for row in rows]


async def reminder_mails() -> list[int]:
    rows = await OutboxMail.select(OutboxMail.application).where(
        OutboxMail.template_code == MailCode.RETURN_REMINDER.value
    )
    return sorted(row["application"] for row in rows)


async def test_each_reminder_goes_once_with_the_clock_moved(
    campaign, clock, redis, run_worker, smtp_sink
):
    programme = await make_open_programme(campaign, return_date=RETURN)
    _, waiting = await applied(campaign, programme)
    _, overridden = await applied(campaign, programme)
    await Application.update({Application.return_date_override: date(2026, 7, 20)}).where(
        Application.id == overridden
    )
    _, cancelled = await applied(campaign, programme)
    await lifecycle.cancel(application_id=cancelled, actor=Actor.system())
    await make_received_application(campaign, programme)  # transmitted: never reminded
    quiet = await make_open_programme(
        campaign,
        return_date=RETURN,
        return_reminder_first_days=None,
        return_reminder_second_days=None,
    )
    await applied(campaign, quiet)
    await OutboxMail.delete(force=True)

    clock.move_to(paris(date(2026, 7, 7)))  # 8 days before: nothing yet
    assert await remind_return({"redis": redis}) == 0
    clock.move_to(paris(date(2026, 7, 8)))  # J-7
    assert await remind_return({"redis": redis}) == 1
    assert await remind_return({"redis": redis}) == 0  # the same day again: nothing
    clock.move_to(paris(date(2026, 7, 9)))
    assert await remind_return({"redis": redis}) == 0
    assert await reminders() == [(waiting, 7)]

    clock.move_to(paris(date(2026, 7, 13)))  # J-2 for one, J-7 for the other
    assert await remind_return({"redis": redis}) == 2
    assert await remind_return({"redis": redis}) == 0
    for day in (14, 15, 16, 17, 18, 19, 20, 21, 22):
        clock.move_to(paris(date(2026, 7, day)))
        assert await remind_return({"redis": redis}) == (1 if day == 18 else 0), day

    assert await reminders() == [(waiting, 7), (waiting, 2), (overridden, 7), (overridden, 2)]
    assert await reminder_mails() == sorted([waiting, waiting, overridden, overridden])
    events = await AuditEvent.select(AuditEvent.application_id, AuditEvent.data).where(
        AuditEvent.action == "return_reminder_sent"
    )
    assert len(events) == 4
    assert (await Application.objects().get(Application.id == waiting)).return_reminder_sent_at

    assert await run_worker() == 4
    assert len(smtp_sink.messages) == 4
    texts = [" ".join(m.get_body(("plain",)).get_content().split()) for m in smtp_sink.messages]
    assert sum("avant le 15/07/2026 inclus (encore 7 jour(s))" in t for t in texts) == 1
    assert sum("avant le 15/07/2026 inclus (encore 2 jour(s))" in t for t in texts) == 1
    assert sum("avant le 20/07/2026 inclus (encore 2 jour(s))" in t for t in texts) == 1
    first = smtp_sink.messages[0]
    assert first["Subject"].startswith("eCésure : transmettez votre dossier avant le ")
    assert first.get_body(("html",)) is not None


async def test_a_missed_day_sends_the_reminder_due_once(campaign, clock, redis):
    programme = await make_open_programme(campaign, return_date=RETURN)
    _, application = await applied(campaign, programme)
    clock.move_to(paris(date(2026, 7, 12)))  # J-3: the 7-day one, late
    assert await send_return_reminders(redis=redis) == 1
    clock.move_to(paris(date(2026, 7, 15)))  # the return date itself: the 2-day one
    assert await send_return_reminders(redis=redis) == 1
    assert await send_return_reminders(redis=redis) == 0
    assert await reminders() == [(application, 7), (application, 2)]


async def test_two_workers_at_once_send_each_reminder_once(campaign, clock, redis):
    programme = await make_open_programme(campaign, return_date=RETURN)
    ids = [(await applied(campaign, programme))[1] for _ in range(5)]
    await OutboxMail.delete(force=True)
    clock.move_to(paris(date(2026, 7, 8)))
    counts = await asyncio.gather(send_return_reminders(), send_return_reminders())
    assert sorted(counts) == [0, 5]
    assert await reminder_mails() == sorted(ids)


async def test_archived_campaign_gets_no_reminder(campaign, clock):
    programme = await make_open_programme(campaign, return_date=RETURN)
    await applied(campaign, programme)
    await (
        type(campaign)
        .update({type(campaign).archived_at: datetime(2026, 7, 1, tzinfo=PARIS)})
        .where(type(campaign).id == campaign.id)
    )
    clock.move_to(paris(date(2026, 7, 8)))
    assert await send_return_reminders() == 0


def test_the_reminder_job_runs_every_evening():
    schedule = {
        job.name: (job.hour, job.minute)
        for job in WorkerSettings.cron_jobs
        if isinstance(job, CronJob)
    }
    assert schedule["cron:remind_return"] == (23, 45)
