"""Issue 8, defect 13: each outbox mail has one stable Message-ID, so that a mail sent
again after a crash (delivery is at least once) is recognisable as the same message."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from app.clock import now
from app.mail.codes import MailCode
from app.mail.outbox import queue_mail
from app.mail.sender import deliver, message_id, reap_stuck_sending
from app.mail.tables import OutboxMail
from app.settings import get_settings


async def queue_test_mail(to: str = "camille@example.org") -> int:
    return await queue_mail(to=to, code=MailCode.DEV_TEST, context={"name": "Camille"})


async def crash_after_the_smtp_exchange(mail_id: int) -> None:
    """What the database holds when the worker died between the SMTP server's "250 OK"
    and the write of ``sent``: the claim, found by the reaper later."""
    await OutboxMail.update(
        {OutboxMail.status: "sending", OutboxMail.sending_since: now() - timedelta(hours=1)}
    ).where(OutboxMail.id == mail_id)
    assert await reap_stuck_sending(timedelta(minutes=15)) == 1


async def test_a_mail_sent_twice_carries_the_same_message_id(mail_templates, smtp_sink):
    mail_id = await queue_test_mail()
    other_id = await queue_test_mail(to="lea@example.org")
    assert await deliver(mail_id) == "sent"
    await crash_after_the_smtp_exchange(mail_id)
    assert await deliver(mail_id) == "sent"
    assert await deliver(other_id) == "sent"

    first, again, other = smtp_sink.messages
    assert (
        first["Message-ID"] == again["Message-ID"] == f"<ecesure-mail-{mail_id}@ecesure.localhost>"
    )
    assert other["Message-ID"] == f"<ecesure-mail-{other_id}@ecesure.localhost>"
    assert (await OutboxMail.objects().get(OutboxMail.id == mail_id)).attempts == 2


def test_the_message_id_domain_comes_from_the_sender_or_the_portal():
    settings = get_settings()
    assert message_id(42, settings) == "<ecesure-mail-42@ecesure.localhost>"
    university = dataclasses.replace(
        settings, mail_from="eCésure <ne-pas-repondre@univ.example.fr>"
    )
    assert message_id(42, university) == "<ecesure-mail-42@univ.example.fr>"
    no_address = dataclasses.replace(settings, mail_from="eCésure")
    assert message_id(7, no_address) == "<ecesure-mail-7@testserver.local>"
