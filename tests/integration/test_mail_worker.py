"""Sending outbox mails through the arq worker, over real SMTP, with retries."""

from __future__ import annotations

import dataclasses
import socket
from datetime import datetime, timedelta

import aiosmtplib
import pytest
from arq.constants import default_queue_name
from arq.utils import timestamp_ms

from app.clock import now
from app.core.codes.mail import MailCode, MailStatus
from app.mail.outbox import enqueue_mails, mail_job_ids, queue_mail
from app.mail.sender import DeliveryFailed, deliver, reap_stuck_sending
from app.mail.sink import html_part, text_part
from app.ops.heartbeat import HEARTBEAT_KEY, heartbeat
from app.settings import get_settings
from app.tables.mail import OutboxMail
from workers.mail import recover_mails, send_mail
from workers.settings import WorkerSettings


def closed_port() -> int:
    """A local port nothing listens on: connections are refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def smtp_down():
    return dataclasses.replace(get_settings(), smtp_port=closed_port())


async def queue_test_mail(to: str = "camille@example.org") -> int:
    return await queue_mail(to=to, code=MailCode.DEV_TEST, context={"name": "Camille"})


async def outbox_row(mail_id: int) -> OutboxMail:
    return await OutboxMail.objects().get(OutboxMail.id == mail_id)


async def test_a_queued_mail_is_sent_once_by_the_worker(
    mail_templates, smtp_sink, arq_pool, run_worker
):
    mail_id = await queue_test_mail()
    assert await enqueue_mails(arq_pool, [mail_id]) == 1
    assert await enqueue_mails(arq_pool, [mail_id]) == 0  # same job id: one job

    assert await run_worker() == 1

    [message] = smtp_sink.messages
    assert message["To"] == "camille@example.org"
    assert message["From"] == get_settings().mail_from
    assert message["Subject"] == "Message de test eCésure"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Message-ID"].endswith("@ecesure.localhost>")
    assert text_part(message).startswith("Bonjour Camille,\n")
    assert "Accéder au portail : http://testserver.local/\n" in text_part(message)
    assert '<a href="http://testserver.local/">' in html_part(message)
    mail = await outbox_row(mail_id)
    assert (mail.status, mail.attempts, mail.last_error) == (MailStatus.SENT, 1, "")
    assert mail.sent_at is not None

    assert await deliver(mail_id) == "already-sent"
    assert len(smtp_sink.messages) == 1
    assert (await outbox_row(mail_id)).attempts == 1


async def test_smtp_down_fails_the_mail_and_the_retry_delivers_it(
    mail_templates, smtp_sink, arq_pool, run_worker
):
    mail_id = await queue_test_mail()
    await enqueue_mails(arq_pool, [mail_id])

    # One job only: its retry is deferred by 10 s, the burst worker must not wait.
    assert await run_worker(ctx={"settings": smtp_down()}, max_burst_jobs=1) == 0

    mail = await outbox_row(mail_id)
    assert (mail.status, mail.attempts) == (MailStatus.FAILED, 1)
    assert mail.last_error.startswith("SMTPConnectError: ")
    assert mail.sent_at is None
    assert smtp_sink.messages == []
    job_id = (await mail_job_ids([mail_id]))[mail_id]
    retry_at = await arq_pool.zscore(default_queue_name, job_id)
    assert 9_000 <= retry_at - timestamp_ms() <= 10_000

    # Time passes: the retry is due, and the SMTP server answers again.
    await arq_pool.zadd(default_queue_name, {job_id: timestamp_ms()})
    assert await run_worker() == 1

    mail = await outbox_row(mail_id)
    assert (mail.status, mail.attempts, mail.last_error) == (MailStatus.SENT, 2, "")
    assert [m["To"] for m in smtp_sink.messages] == ["camille@example.org"]


async def test_deliver_records_the_smtp_error_and_raises(mail_templates, smtp_sink):
    mail_id = await queue_test_mail()

    with pytest.raises(DeliveryFailed) as failure:
        await deliver(mail_id, settings=smtp_down())

    assert failure.value.attempts == 1
    assert isinstance(failure.value.__cause__, aiosmtplib.SMTPConnectError)
    mail = await outbox_row(mail_id)
    assert (mail.status, mail.attempts) == (MailStatus.FAILED, 1)
    assert mail.last_error == failure.value.error
    assert await deliver(mail_id) == "sent"
    assert (await outbox_row(mail_id)).attempts == 2


async def test_the_last_attempt_gives_up_instead_of_retrying(mail_templates, smtp_sink):
    mail_id = await queue_test_mail()
    await OutboxMail.update({OutboxMail.attempts: 4, OutboxMail.status: "failed"}).where(
        OutboxMail.id == mail_id
    )

    with pytest.raises(DeliveryFailed):
        await send_mail({"settings": smtp_down()}, mail_id)

    assert (await outbox_row(mail_id)).attempts == 5


async def test_drafts_and_unknown_mails_are_not_sent(mail_templates, smtp_sink):
    mail_id = await queue_test_mail()
    await OutboxMail.update({OutboxMail.status: "draft"}).where(OutboxMail.id == mail_id)

    assert await deliver(mail_id) == "not-queued"
    assert await deliver(mail_id + 1000) == "missing"
    assert smtp_sink.messages == []
    assert (await outbox_row(mail_id)).attempts == 0


async def stuck_mail(claimed_minutes_ago: int) -> int:
    mail_id = await queue_test_mail()
    await OutboxMail.update(
        {
            OutboxMail.status: "sending",
            OutboxMail.attempts: 1,
            OutboxMail.sending_since: now() - timedelta(minutes=claimed_minutes_ago),
        }
    ).where(OutboxMail.id == mail_id)
    return mail_id


async def test_reap_stuck_sending_fails_old_claims_only(mail_templates, smtp_sink):
    old, fresh = await stuck_mail(20), await stuck_mail(1)

    assert await reap_stuck_sending(timedelta(minutes=15)) == 1

    old_mail, fresh_mail = await outbox_row(old), await outbox_row(fresh)
    assert (old_mail.status, old_mail.last_error) == ("failed", "interrupted while sending")
    assert (fresh_mail.status, fresh_mail.last_error) == ("sending", "")
    assert await deliver(fresh) == "in-progress"
    assert smtp_sink.messages == []


async def test_the_recovery_job_resends_a_mail_its_worker_dropped(
    mail_templates, smtp_sink, arq_pool, run_worker
):
    stuck = await stuck_mail(20)
    never_enqueued = await queue_test_mail(to="lea@example.org")
    await arq_pool.enqueue_job("recover_mails")

    assert await run_worker([recover_mails, send_mail]) == 3

    assert sorted(m["To"] for m in smtp_sink.messages) == [
        "camille@example.org",
        "lea@example.org",
    ]
    assert (await outbox_row(stuck)).attempts == 2
    assert (await outbox_row(never_enqueued)).attempts == 1


async def test_the_heartbeat_job_writes_its_redis_key(arq_pool, run_worker, redis):
    await arq_pool.enqueue_job("heartbeat")

    assert await run_worker([heartbeat]) == 1

    beat = datetime.fromisoformat((await redis.get(HEARTBEAT_KEY)).decode())
    assert timedelta(0) <= now() - beat < timedelta(seconds=5)


def test_the_worker_schedule():
    schedule = {job.name: job for job in WorkerSettings.cron_jobs}
    assert set(schedule) == {
        "cron:heartbeat",
        "cron:recover_mails",
        "cron:purge_accounts",
        "cron:auto_withdraw",
        "cron:remind_unanswered",
        "cron:remind_return",
        "cron:warn_retention",
        "cron:purge_retention",
        "cron:discard_exports",
    }
    assert (schedule["cron:purge_accounts"].minute, schedule["cron:purge_accounts"].hour) == (
        5,
        None,
    )
    beat = schedule["cron:heartbeat"]
    assert (beat.minute, beat.second, beat.run_at_startup) == (None, 0, True)
    assert schedule["cron:recover_mails"].minute == {0, 10, 20, 30, 40, 50}
    assert schedule["cron:discard_exports"].minute == 35
    assert [f.__name__ for f in WorkerSettings.functions] == ["send_mail", "build_data_export"]
