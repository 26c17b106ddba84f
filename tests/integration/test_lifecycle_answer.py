"""Issue 5: confirming or withdrawing after a favourable decision (guide §07), the
deadline, the reminder, the automatic withdrawal and the waiting list."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from arq.cron import CronJob

from app.applications import lifecycle
from app.applications.lifecycle import Actor, LifecycleRefused, Refusal
from app.applications.queries import application_view, current_decision, timeline
from app.core.codes.applications import ActorKind, Answer, Verdict
from app.core.codes.mail import MailCode
from app.tables.applications import Application
from app.tables.mail import OutboxMail
from tests.factories_dossier import (
    decide,
    make_decision_type,
    make_open_programme,
    make_received_application,
)
from workers.applications import auto_withdraw, remind_unanswered
from workers.settings import WorkerSettings

PARIS = ZoneInfo("Europe/Paris")
STAFF = Actor.staff(3)


def paris(day: date, hour: int = 12, minute: int = 0, second: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute, second), PARIS)


async def refused(call) -> Refusal:
    with pytest.raises(LifecycleRefused) as caught:
        await call
    return caught.value.reason


async def codes(change) -> list[str]:
    rows = await OutboxMail.select(OutboxMail.template_code).where(
        OutboxMail.id.is_in(change.mail_ids)
    )
    return sorted(r["template_code"] for r in rows)


async def test_confirm_is_final(campaign, favourable):
    account, app_id = await make_received_application(campaign)
    actor = Actor.candidate(account.id)
    await decide(app_id, favourable)

    change = await lifecycle.answer(application_id=app_id, confirm=True, actor=actor)

    application = await Application.objects().get(Application.id == app_id)
    assert (application.answer, application.answered_by) == ("CF", ActorKind.CANDIDATE.value)
    assert await codes(change) == [MailCode.APPLICATION_CONFIRMED.value]
    assert (await timeline(app_id))[-1]["action"] == "application_confirmed"
    for confirm in (True, False):
        call = lifecycle.answer(application_id=app_id, confirm=confirm, actor=actor)
        assert await refused(call) is Refusal.NO_ANSWER_EXPECTED
    # and staff can no longer decide
    call = lifecycle.enter_decision(
        application_id=app_id, decision_type_id=favourable.id, actor=STAFF
    )
    assert await refused(call) is Refusal.INVALID


async def test_no_answer_without_a_validated_favourable_decision(campaign, favourable):
    account, app_id = await make_received_application(campaign)
    actor = Actor.candidate(account.id)
    assert await refused(lifecycle.answer(application_id=app_id, confirm=True, actor=actor)) is (
        Refusal.NO_ANSWER_EXPECTED
    )
    await decide(app_id, await make_decision_type(Verdict.WAITING_LIST))
    assert await refused(lifecycle.answer(application_id=app_id, confirm=True, actor=actor)) is (
        Refusal.NO_ANSWER_EXPECTED
    )
    await decide(app_id, favourable, validate=False)  # entered, not yet shown
    assert await refused(lifecycle.answer(application_id=app_id, confirm=True, actor=actor)) is (
        Refusal.NO_ANSWER_EXPECTED
    )
    stranger = Actor.candidate(account.id + 1000)
    assert await refused(lifecycle.answer(application_id=app_id, confirm=True, actor=stranger)) is (
        Refusal.NOT_FOUND
    )


@pytest.mark.parametrize(
    ("programme", "override", "deadline"),
    [
        ({"confirmation_delay_days": 5}, None, date(2026, 6, 20)),
        ({"confirmation_date": date(2026, 7, 10)}, None, date(2026, 7, 10)),
        ({"confirmation_delay_days": 5}, date(2026, 6, 25), date(2026, 6, 25)),
    ],
    ids=["validation-date-plus-delay", "programme-date", "candidate-override"],
)
async def test_the_confirmation_deadline_is_inclusive_in_paris(
    campaign, favourable, clock, programme, override, deadline
):
    account, app_id = await make_received_application(
        campaign, return_date=date(2026, 7, 15), **programme
    )
    actor = Actor.candidate(account.id)
    await decide(app_id, favourable)  # validated on 15/06/2026
    if override:
        await Application.update({Application.confirmation_date_override: override}).where(
            Application.id == app_id
        )
    assert (await application_view(app_id)).confirmation_deadline == deadline

    clock.move_to(paris(deadline + timedelta(days=1), 0, 0, 1))
    call = lifecycle.answer(application_id=app_id, confirm=True, actor=actor)
    assert await refused(call) is Refusal.DEADLINE_PASSED
    clock.move_to(paris(deadline, 23, 59, 59))
    await lifecycle.answer(application_id=app_id, confirm=True, actor=actor)


async def test_without_date_or_delay_there_is_no_limit(campaign, favourable, clock):
    account, app_id = await make_received_application(campaign)
    await decide(app_id, favourable)
    assert (await application_view(app_id)).confirmation_deadline is None
    clock.move_to(paris(date(2027, 6, 1)))
    await lifecycle.answer(application_id=app_id, confirm=True, actor=Actor.candidate(account.id))
    assert await auto_withdraw({"redis": None}) == 0


async def test_withdrawal_promotes_the_first_of_the_waiting_list(
    campaign, favourable, complementary
):
    programme = await make_open_programme(
        campaign,
        waiting_list=True,
        confirmation_delay_days=4,
        commission={"email": "jury@univ.example"},
    )
    admitted, admitted_id = await make_received_application(campaign, programme)
    _, second_id = await make_received_application(campaign, programme)
    first, first_id = await make_received_application(campaign, programme)
    _, tied_id = await make_received_application(campaign, programme)
    await decide(admitted_id, favourable)
    await decide(second_id, complementary, rank=2)
    await decide(first_id, complementary, rank=1)
    await decide(tied_id, complementary, rank=1)  # same rank, later application

    change = await lifecycle.answer(
        application_id=admitted_id, confirm=False, actor=Actor.candidate(admitted.id)
    )

    assert await codes(change) == sorted(
        [
            MailCode.APPLICATION_WITHDRAWN.value,
            MailCode.COMMISSION_WITHDRAWAL.value,
            MailCode.DECISION_FA.value,
            MailCode.COMMISSION_PROMOTION.value,
        ]
    )
    promoted = await application_view(first_id)
    assert promoted.visible_decision.verdict is Verdict.FAVOURABLE
    assert promoted.visible_decision.label_fr == "Avis favorable"
    assert promoted.confirmation_deadline == date(2026, 6, 19)  # today + the delay
    assert [e["action"] for e in await timeline(first_id)][-1] == "decision_validated"
    fa_mail = await OutboxMail.objects().get(
        OutboxMail.id.is_in(change.mail_ids) & (OutboxMail.template_code == "decision_fa")
    )
    assert fa_mail.to_address == first.email
    assert "avant le 19/06/2026 inclus" in fa_mail.text
    for other in (second_id, tied_id):
        assert (await current_decision(other)).verdict is Verdict.COMPLEMENTARY_LIST

    # the next withdrawal promotes the tie, by application order
    await lifecycle.answer(application_id=first_id, confirm=False, actor=Actor.candidate(first.id))
    assert (await current_decision(tied_id)).verdict is Verdict.FAVOURABLE
    assert (await current_decision(second_id)).verdict is Verdict.COMPLEMENTARY_LIST


async def test_a_fixed_date_already_near_gives_the_promoted_a_week(
    campaign, favourable, complementary
):
    programme = await make_open_programme(
        campaign, waiting_list=True, confirmation_date=date(2026, 6, 17)
    )
    admitted, admitted_id = await make_received_application(campaign, programme)
    _, waiting_id = await make_received_application(campaign, programme)
    await decide(admitted_id, favourable)
    await decide(waiting_id, complementary, rank=1)
    await lifecycle.answer(
        application_id=admitted_id, confirm=False, actor=Actor.candidate(admitted.id)
    )
    promoted = await Application.objects().get(Application.id == waiting_id)
    assert promoted.confirmation_date_override == date(2026, 6, 22)


async def test_no_promotion_without_a_waiting_list(campaign, favourable, complementary):
    programme = await make_open_programme(campaign, waiting_list=False)
    admitted, admitted_id = await make_received_application(campaign, programme)
    _, waiting_id = await make_received_application(campaign, programme)
    await decide(admitted_id, favourable)
    await decide(waiting_id, complementary, rank=1)
    change = await lifecycle.answer(
        application_id=admitted_id, confirm=False, actor=Actor.candidate(admitted.id)
    )
    assert MailCode.DECISION_FA.value not in await codes(change)
    assert (await current_decision(waiting_id)).verdict is Verdict.COMPLEMENTARY_LIST


async def test_auto_withdraw_job_and_promotion_with_the_clock_moved(
    campaign, favourable, complementary, clock, redis, run_worker, smtp_sink
):
    programme = await make_open_programme(
        campaign,
        waiting_list=True,
        confirmation_delay_days=3,
        return_date=date(2026, 7, 15),
        commission={"email": "jury@univ.example", "alert_on_withdrawal": False},
    )
    silent, silent_id = await make_received_application(campaign, programme)
    confirmed, confirmed_id = await make_received_application(campaign, programme)
    waiting, waiting_id = await make_received_application(campaign, programme)
    await decide(silent_id, favourable)  # deadline 18/06/2026
    await decide(confirmed_id, favourable)
    await decide(waiting_id, complementary, rank=1)
    await lifecycle.answer(
        application_id=confirmed_id, confirm=True, actor=Actor.candidate(confirmed.id)
    )
    await OutboxMail.delete(force=True)

    clock.move_to(paris(date(2026, 6, 18), 23, 15))  # the deadline's own evening
    assert await auto_withdraw({"redis": redis}) == 0

    clock.move_to(paris(date(2026, 6, 19), 23, 15))
    assert await auto_withdraw({"redis": redis}) == 1

    withdrawn = await Application.objects().get(Application.id == silent_id)
    assert (withdrawn.answer, withdrawn.answered_by) == (
        Answer.WITHDRAWN.value,
        ActorKind.SYSTEM.value,
    )
    assert (await timeline(silent_id))[-1]["action"] == "application_auto_withdrawn"
    assert (await current_decision(waiting_id)).verdict is Verdict.FAVOURABLE
    assert (await Application.objects().get(Application.id == confirmed_id)).answer == "CF"

    assert await run_worker() == 3
    sent = sorted((m["To"], m["Subject"]) for m in smtp_sink.messages)
    assert sent == sorted(
        [
            (silent.email, "eCésure : désistement automatique"),
            (waiting.email, "eCésure : avis favorable"),
            (
                "jury@univ.example",
                f"eCésure : admission depuis la liste complémentaire — {programme.code}",
            ),
        ]
    )
    auto = next(m for m in smtp_sink.messages if m["To"] == silent.email)
    assert "avant la date limite du 18/06/2026" in auto.get_body(("plain",)).get_content()

    assert await auto_withdraw({"redis": redis}) == 0  # nothing left to do


async def test_the_answer_reminder_goes_two_days_before_once(
    campaign, favourable, clock, redis, run_worker, smtp_sink
):
    account, app_id = await make_received_application(
        campaign, confirmation_delay_days=10, return_date=date(2026, 7, 15)
    )
    await decide(app_id, favourable)  # deadline 25/06/2026

    clock.move_to(paris(date(2026, 6, 22), 23, 30))
    assert await remind_unanswered({"redis": redis}) == 0
    clock.move_to(paris(date(2026, 6, 23), 23, 30))
    assert await remind_unanswered({"redis": redis}) == 1
    assert await remind_unanswered({"redis": redis}) == 0
    clock.move_to(paris(date(2026, 6, 24), 23, 30))
    assert await remind_unanswered({"redis": redis}) == 0

    assert (await Application.objects().get(Application.id == app_id)).answer_reminder_sent_at
    await run_worker()
    reminders = [m for m in smtp_sink.messages if m["To"] == account.email]
    assert [m["Subject"] for m in reminders][-1] == "eCésure : confirmez votre candidature"
    text = reminders[-1].get_body(("plain",)).get_content()
    assert "avant le 25/06/2026 inclus" in text


def test_the_jobs_are_scheduled_every_evening():
    schedule = {
        job.name: (job.hour, job.minute)
        for job in WorkerSettings.cron_jobs
        if isinstance(job, CronJob)
    }
    assert schedule["cron:auto_withdraw"] == (23, 15)
    assert schedule["cron:remind_unanswered"] == (23, 30)
