"""Many outbox mails at once (the daily jobs): the rows ``queue_mail`` would write."""

from __future__ import annotations

import socket

from redis.asyncio import Redis

from app.bulk_insert import CHUNK
from app.core.codes.mail import MailCode, MailStatus
from app.mail.outbox import mail_job_ids, queue_mail
from app.mail.outbox_batch import LOOKUP, MailToQueue, enqueue_many, queue_mails
from app.mail.sender import MAX_ATTEMPTS
from app.tables.mail import MailTemplate, OutboxMail

COMPARED = (
    "to_address",
    "subject",
    "html",
    "text",
    "template_code",
    "account",
    "application",
    "status",
    "attempts",
    "last_error",
)


def _mail(n: int, language: str = "fr") -> MailToQueue:
    return MailToQueue(
        to=f"candidat{n}@example.org",
        code=MailCode.DEV_TEST,
        context={"name": f"Camille {n}"},
        language=language,
    )


async def _rows(ids: list[int]) -> list[dict]:
    rows = await OutboxMail.select(*(getattr(OutboxMail, c) for c in COMPARED)).where(
        OutboxMail.id.is_in(ids)
    )
    return sorted(rows, key=lambda row: row["to_address"])


async def test_the_batch_writes_the_rows_queue_mail_writes(mail_templates):
    mails = [_mail(1), _mail(2, "en"), _mail(3, "de")]  # "de": French fallback
    one_by_one = [
        await queue_mail(to=m.to, code=m.code, context=m.context, language=m.language)
        for m in mails
    ]
    batched = await queue_mails(mails)

    assert len(batched) == 3 and not set(batched) & set(one_by_one)
    assert await _rows(batched) == await _rows(one_by_one)
    subjects = [row["subject"] for row in await _rows(batched)]
    assert subjects == [
        "Message de test eCésure",
        "eCésure test message",
        "Message de test eCésure",
    ]


async def test_more_mails_than_a_chunk_are_all_written_once(mail_templates):
    ids = await queue_mails(_mail(n) for n in range(CHUNK + 7))

    assert len(set(ids)) == CHUNK + 7
    assert await OutboxMail.count() == CHUNK + 7
    addresses = {row["to_address"] for row in await OutboxMail.select(OutboxMail.to_address)}
    assert addresses == {f"candidat{n}@example.org" for n in range(CHUNK + 7)}


async def test_a_mail_that_fails_to_render_is_written_failed_and_the_others_queued(
    mail_templates,
):
    await MailTemplate.update({MailTemplate.body_html: "<p>{{ missing }}</p>"}).where(
        (MailTemplate.code == MailCode.DEV_TEST.value) & (MailTemplate.language == "en")
    )
    ids = await queue_mails([_mail(1), _mail(2, "en")])

    french, english = await _rows(ids)
    assert french["status"] == MailStatus.QUEUED and french["attempts"] == 0
    assert english["status"] == MailStatus.FAILED
    assert english["attempts"] == MAX_ATTEMPTS
    assert english["html"] == "" and english["text"] == ""
    assert english["last_error"].startswith("render failed: template dev_test/en")


async def test_enqueue_many_creates_one_job_per_mail_once(mail_templates, redis):
    ids = await queue_mails(_mail(n) for n in range(LOOKUP + 3))

    assert await enqueue_many(redis, ids) == LOOKUP + 3
    assert await redis.zcard("arq:queue") == LOOKUP + 3
    jobs = {key.decode() for key in await redis.keys("arq:job:mail:*")}
    assert jobs == {f"arq:job:{job_id}" for job_id in (await mail_job_ids(ids)).values()}
    assert await enqueue_many(redis, ids) == 0  # same job ids: arq creates nothing twice
    assert await redis.zcard("arq:queue") == LOOKUP + 3


async def test_enqueue_many_with_redis_down_leaves_the_mails_queued(mail_templates):
    ids = await queue_mails([_mail(1), _mail(2)])
    down = Redis.from_url(f"redis://127.0.0.1:{_closed_port()}/0")
    try:
        assert await enqueue_many(down, ids) == 0
    finally:
        await down.aclose()
    statuses = {row["status"] for row in await OutboxMail.select(OutboxMail.status)}
    assert statuses == {MailStatus.QUEUED}


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # released when the block ends: nothing listens
