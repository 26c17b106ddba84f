"""Sending one outbox mail over SMTP.

A row is claimed with a compare-and-set update before anything leaves, so two jobs for
the same mail cannot both send it, and a sent row is never sent again. Delivery is at
least once: if the process dies between the SMTP server's "250 OK" and the write of
``sent``, the row stays ``sending``, :func:`reap_stuck_sending` makes it ``failed`` and
it is sent again. The other way round (a mail marked sent that never left) cannot happen.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

import aiosmtplib

from app.clock import now
from app.core.codes.mail import MailStatus
from app.mail.coalesce import DeliveryWrites
from app.mail.outbox_rows import claim_rows, mark_rows_failed, mark_rows_sent
from app.mail.smtp_pool import SmtpConnections, open_options
from app.mail.wire import envelope_sender, is_ascii_mail, mime_bytes
from app.settings import Settings, get_settings
from app.tables.mail import OutboxMail

MAX_ATTEMPTS = 5
"""Tries per mail before it stays ``failed`` for staff to look at."""


class DeliveryResult(StrEnum):
    SENT = "sent"
    ALREADY_SENT = "already-sent"
    IN_PROGRESS = "in-progress"  # another try holds the row (or died holding it: reaper)
    NOT_QUEUED = "not-queued"  # a draft: nothing to send yet
    GIVEN_UP = "given-up"  # failed with no try left (or nothing to send: render failed)
    MISSING = "missing"


class DeliveryFailed(Exception):
    """The SMTP exchange failed; the row is ``failed`` and may be tried again."""

    def __init__(self, *, mail_id: int, attempts: int, error: str) -> None:
        super().__init__(f"mail {mail_id}, attempt {attempts}: {error}")
        self.mail_id = mail_id
        self.attempts = attempts
        self.error = error


async def _claim(mail_id: int) -> dict[str, Any] | None:
    """queued/failed → sending, one more attempt; the row's content, or None if not ours.

    A failed row with no try left stays failed: its tries are spent, or it never had
    content (its template failed to render, app.mail.outbox.queue_mail)."""
    rows = await claim_rows([mail_id], moment=now(), max_attempts=MAX_ATTEMPTS)
    return rows[0] if rows else None


async def _why_not_claimed(mail_id: int) -> DeliveryResult:
    row = await OutboxMail.select(OutboxMail.status).where(OutboxMail.id == mail_id).first()
    if row is None:
        return DeliveryResult.MISSING
    return {
        MailStatus.SENT.value: DeliveryResult.ALREADY_SENT,
        MailStatus.SENDING.value: DeliveryResult.IN_PROGRESS,
        MailStatus.FAILED.value: DeliveryResult.GIVEN_UP,
    }.get(row["status"], DeliveryResult.NOT_QUEUED)


async def _mark_sent(mail_id: int) -> None:
    await mark_rows_sent([mail_id], moment=now())


async def _mark_failed(mail_id: int, error: str) -> None:
    await mark_rows_failed([mail_id], error)


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def row_key(mail_id: int, created_at: datetime) -> str:
    """What names one outbox row for good, outside the database: its id and its creation
    time to the microsecond. The id alone is reused when the database is recreated or
    restored from a backup against the same Redis (arq would take the new mail's job for
    one it still remembers, and mail systems would take a new mail for a duplicate)."""
    if created_at.tzinfo is None:  # SQLite may hand back naive UTC times
        created_at = created_at.replace(tzinfo=UTC)
    return f"{mail_id}.{(created_at - EPOCH) // timedelta(microseconds=1)}"


def message_domain(settings: Settings) -> str:
    """The right-hand side of Message-IDs: the sender address's domain, else the portal's
    host name."""
    _local, at, domain = parseaddr(settings.mail_from)[1].rpartition("@")
    if not at:
        domain = urlsplit(settings.base_url).hostname or ""
    # Only what a Message-ID's right-hand side may hold (dot-atom characters).
    domain = re.sub(r"[^A-Za-z0-9.-]", "", domain).strip(".")
    return domain or "ecesure.localhost"


def message_id(mail_id: int, created_at: datetime, settings: Settings) -> str:
    """The Message-ID of an outbox row: the same on every delivery attempt, so a mail
    sent again after a crash (delivery is at least once) is recognisable as the same
    message, by people and by mail systems that drop duplicates; and never that of
    another row, even one that had the same id before the database was recreated."""
    return f"<ecesure-mail-{row_key(mail_id, created_at)}@{message_domain(settings)}>"


def _headers(mail: dict[str, Any], settings: Settings) -> dict[str, str]:
    return {
        "Date": format_datetime(now()),
        "Message-ID": message_id(mail["id"], mail["created_at"], settings),
        # Tells vacation responders not to answer a robot.
        "Auto-Submitted": "auto-generated",
    }


def build_message(mail: dict[str, Any], *, settings: Settings) -> EmailMessage:
    """The MIME message of one outbox row: text part, HTML alternative."""
    if is_ascii_mail(mail["to_address"], envelope_sender(settings.mail_from)):
        # What smtp_send sends, read back (app/mail/wire.py).
        return message_from_bytes(_wire(mail, settings), policy=policy.default)
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = mail["to_address"]
    message["Subject"] = mail["subject"]
    for key, value in _headers(mail, settings).items():
        message[key] = value
    message.set_content(mail["text"], cte="quoted-printable")
    message.add_alternative(mail["html"], subtype="html", cte="quoted-printable")
    return message


def _wire(mail: dict[str, Any], settings: Settings) -> bytes:
    return mime_bytes(
        sender=settings.mail_from,
        to=mail["to_address"],
        subject=mail["subject"],
        headers=_headers(mail, settings),
        text=mail["text"],
        html=mail["html"],
    )


async def smtp_send(
    mail: dict[str, Any], *, settings: Settings, connections: SmtpConnections | None = None
) -> None:
    """Send one outbox row over one of the worker's open connections when it has them,
    else over a new one closed after this mail."""
    sender = envelope_sender(settings.mail_from)
    if is_ascii_mail(mail["to_address"], sender):
        data = _wire(mail, settings)
        if connections is None:
            await aiosmtplib.send(
                data, sender=sender, recipients=[mail["to_address"]], **open_options(settings)
            )
            return
        async with connections.connection() as smtp:
            await smtp.sendmail(sender, [mail["to_address"]], data)
        return
    # An internationalised address: aiosmtplib asks for SMTPUTF8 from an EmailMessage.
    message = build_message(mail, settings=settings)
    if connections is None:
        await aiosmtplib.send(message, **open_options(settings))
        return
    async with connections.connection() as smtp:
        await smtp.send_message(message)


async def deliver(
    mail_id: int,
    *,
    settings: Settings | None = None,
    connections: SmtpConnections | None = None,
    writes: DeliveryWrites | None = None,
) -> str:
    """Send one outbox mail; idempotent. Returns a :class:`DeliveryResult`.

    Side effects, in order: claim the row (compare-and-set, attempts + 1), SMTP
    exchange, row ``sent`` with ``sent_at`` — or row ``failed`` with ``last_error`` and
    :class:`DeliveryFailed` raised (from the SMTP error) so the job retries.
    """
    settings = settings or get_settings()
    # writes: the worker's claims and marks, one statement for its jobs at once.
    mail = await (writes.claim(mail_id) if writes else _claim(mail_id))
    if mail is None:
        return await _why_not_claimed(mail_id)
    try:
        await smtp_send(mail, settings=settings, connections=connections)
    # Any error of the exchange (refused connection, timeout, SMTP reply, bad header)
    # must be recorded on the row. Cancellation is not an Exception: a cancelled send
    # leaves the row "sending", for the reaper.
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"
        await _mark_failed(mail_id, error)
        raise DeliveryFailed(mail_id=mail_id, attempts=mail["attempts"], error=error) from exc
    await (writes.mark_sent(mail_id) if writes else _mark_sent(mail_id))
    return DeliveryResult.SENT


async def reap_stuck_sending(older_than: timedelta) -> int:
    """sending → failed for rows claimed longer ago than ``older_than`` (their worker
    died mid-send); return how many. They are then sent again like any failed mail."""
    rows = (
        await OutboxMail.update(
            {
                OutboxMail.status: MailStatus.FAILED.value,
                OutboxMail.last_error: "interrupted while sending",
            }
        )
        .where(
            (OutboxMail.status == MailStatus.SENDING.value)
            & (OutboxMail.sending_since < now() - older_than)
        )
        .returning(OutboxMail.id)
    )
    return len(rows)
