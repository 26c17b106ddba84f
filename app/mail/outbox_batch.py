"""Many outbox mails at once, for the daily jobs: the same rows :func:`queue_mail` writes,
with each template read once per batch and the rows inserted a chunk at a time.

A job that mails 50,000 candidates would otherwise run 100,000 queries (a template
lookup and an INSERT per mail); here it runs a few per code and language, plus one
multi-row INSERT per CHUNK mails. Rendering stays per mail, in the sandbox, and a mail
that fails to render is written ``failed`` exactly as :func:`queue_mail` does.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import structlog

from app.mail.codes import MailCode, MailStatus
from app.mail.outbox import SUBJECT_LENGTH, find_template, render_error, render_mail
from app.mail.sender import MAX_ATTEMPTS
from app.mail.tables import MailTemplate, OutboxMail
from app.settings import get_settings

log = structlog.get_logger(__name__)

CHUNK = 500  # rows per INSERT: 14 columns each, under SQLite's 32,766 bound parameters


@dataclass(frozen=True)
class MailToQueue:
    """What :func:`queue_mail` takes, as one value."""

    to: str
    code: MailCode
    context: dict[str, Any]
    language: str = "fr"
    account_id: int | None = None
    application_id: int | None = None


def _row(template: MailTemplate, mail: MailToQueue, base_url: str) -> OutboxMail:
    if "@" not in mail.to or any(c in mail.to for c in "\r\n,;"):
        raise ValueError(f"not a single mail address: {mail.to!r}")
    common = {
        "to_address": mail.to,
        "template_code": mail.code.value,
        "account": mail.account_id,
        "application": mail.application_id,
    }
    try:
        rendered = render_mail(template, {"base_url": base_url, **mail.context})
    except Exception as exc:  # as queue_mail: any render error marks the row failed
        error = render_error(template, exc)
        log.error(
            "mail_render_failed", code=mail.code.value, language=template.language, error=error
        )
        return OutboxMail(
            **common,
            subject=" ".join(template.subject.split())[:SUBJECT_LENGTH],
            html="",
            text="",
            status=MailStatus.FAILED.value,
            attempts=MAX_ATTEMPTS,
            last_error=error,
        )
    return OutboxMail(
        **common,
        subject=rendered.subject,
        html=rendered.html,
        text=rendered.text,
        status=MailStatus.QUEUED.value,
    )


async def queue_mails(mails: Iterable[MailToQueue]) -> list[int]:
    """Write every mail to the outbox (inside the caller's transaction); their ids.

    Call :func:`app.mail.outbox.enqueue_mails` with them after the commit.
    """
    base_url = get_settings().base_url
    templates: dict[tuple[MailCode, str], MailTemplate] = {}
    ids: list[int] = []
    chunk: list[OutboxMail] = []

    async def flush() -> None:
        inserted = await OutboxMail.insert(*chunk).returning(OutboxMail.id)
        ids.extend(row["id"] for row in inserted)
        chunk.clear()

    for mail in mails:
        key = (mail.code, mail.language)
        if key not in templates:
            templates[key] = await find_template(mail.code, mail.language)
        chunk.append(_row(templates[key], mail, base_url))
        if len(chunk) >= CHUNK:
            await flush()
    if chunk:
        await flush()
    return ids
