"""A worker keeps its SMTP connections open from one mail to the next
(app/mail/smtp_pool.py), and never reuses one that failed."""

from __future__ import annotations

import dataclasses
import socket

import pytest
from aiosmtpd.controller import Controller

from app.core.codes.mail import MailCode, MailStatus
from app.mail.outbox import enqueue_mails, queue_mail
from app.mail.sender import DeliveryFailed, deliver
from app.mail.sink import SinkHandler
from app.mail.smtp_pool import SmtpConnections
from app.settings import get_settings
from app.tables.mail import OutboxMail
from tests.fixtures.worker import build_worker, close_worker

REFUSED = "refuse@example.org"


class SessionCountingSink(SinkHandler):
    """The test sink, counting SMTP sessions (one EHLO each) and refusing one address."""

    def __init__(self, directory) -> None:
        super().__init__(directory)
        self.sessions = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.sessions += 1
        session.host_name = hostname  # aiosmtpd leaves it to a handler that hooks EHLO
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == REFUSED:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"


@pytest.fixture
def counting_smtp(smtp_sink):
    handler = SessionCountingSink(smtp_sink.directory)
    with socket.socket() as sock:  # a free port (aiosmtpd's Controller wants one given)
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, dataclasses.replace(get_settings(), smtp_port=port)
    controller.stop()


async def queue_mails(*addresses: str) -> list[int]:
    return [
        await queue_mail(to=to, code=MailCode.DEV_TEST, context={"name": "Camille"})
        for to in addresses
    ]


async def run_one_job_at_a_time(settings) -> int:
    worker = await build_worker(ctx={"settings": settings}, max_jobs=1)
    try:
        return await worker.run_check()
    finally:
        await close_worker(worker)


async def test_one_connection_carries_the_mails_sent_one_after_the_other(
    mail_templates, smtp_sink, arq_pool, counting_smtp
):
    handler, settings = counting_smtp
    addresses = [f"c{n}@example.org" for n in range(5)]
    await enqueue_mails(arq_pool, await queue_mails(*addresses))

    assert await run_one_job_at_a_time(settings) == 5

    assert handler.sessions == 1
    assert sorted(message["To"] for message in smtp_sink.messages) == addresses
    rows = await OutboxMail.select(OutboxMail.status, OutboxMail.attempts)
    assert {(row["status"], row["attempts"]) for row in rows} == {(MailStatus.SENT.value, 1)}


async def test_a_connection_that_failed_is_closed_and_the_next_mail_opens_another(
    mail_templates, smtp_sink, counting_smtp
):
    handler, settings = counting_smtp
    first, refused, last = await queue_mails("a@example.org", REFUSED, "b@example.org")
    connections = SmtpConnections(settings)
    try:
        assert await deliver(first, settings=settings, connections=connections) == "sent"
        with pytest.raises(DeliveryFailed):
            await deliver(refused, settings=settings, connections=connections)
        assert await deliver(last, settings=settings, connections=connections) == "sent"
    finally:
        await connections.close()

    assert handler.sessions == 2
    assert sorted(message["To"] for message in smtp_sink.messages) == [
        "a@example.org",
        "b@example.org",
    ]
    row = await OutboxMail.objects().get(OutboxMail.id == refused)
    assert (row.status, row.attempts) == (MailStatus.FAILED.value, 1)
    assert row.last_error.startswith("SMTPRecipientsRefused: ")
