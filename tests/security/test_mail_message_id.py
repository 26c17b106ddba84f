"""Issue 8, defect 13: each outbox mail has one stable Message-ID, so that a mail sent
again after a crash (delivery is at least once) is recognisable as the same message."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

from app.clock import now
from app.core.codes.mail import MailCode
from app.mail.outbox import queue_mail
from app.mail.sender import deliver, message_id, reap_stuck_sending
from app.settings import get_settings
from app.tables.mail import OutboxMail


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
    assert first["Message-ID"] == again["Message-ID"] == await expected_message_id(mail_id)
    assert other["Message-ID"] == await expected_message_id(other_id)
    assert other["Message-ID"] != first["Message-ID"]
    assert (await OutboxMail.objects().get(OutboxMail.id == mail_id)).attempts == 2


async def expected_message_id(mail_id: int) -> str:
    row = await OutboxMail.select(OutboxMail.created_at).where(OutboxMail.id == mail_id).first()
    micros = (row["created_at"] - CREATED) // timedelta(microseconds=1) + CREATED_MICROS
    return f"<ecesure-mail-{mail_id}.{micros}@ecesure.localhost>"


# 2026-06-15 10:00 UTC, in microseconds since 1970.
CREATED = datetime(2026, 6, 15, 10, 0, tzinfo=UTC)
CREATED_MICROS = 1_781_517_600_000_000


def test_the_message_id_names_the_row_and_its_domain_comes_from_the_sender_or_the_portal():
    settings = get_settings()
    assert message_id(42, CREATED, settings) == (
        f"<ecesure-mail-42.{CREATED_MICROS}@ecesure.localhost>"
    )
    # The same id in a database recreated a second later: another message.
    later = CREATED + timedelta(seconds=1, microseconds=1)
    assert message_id(42, later, settings) == (
        f"<ecesure-mail-42.{CREATED_MICROS + 1_000_001}@ecesure.localhost>"
    )
    university = dataclasses.replace(
        settings, mail_from="eCésure <ne-pas-repondre@univ.example.fr>"
    )
    assert message_id(42, CREATED, university) == (
        f"<ecesure-mail-42.{CREATED_MICROS}@univ.example.fr>"
    )
    no_address = dataclasses.replace(settings, mail_from="eCésure")
    assert message_id(7, CREATED, no_address) == (
        f"<ecesure-mail-7.{CREATED_MICROS}@testserver.local>"
    )
