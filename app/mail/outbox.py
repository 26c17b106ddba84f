"""Writing mails to the outbox, and handing them to the worker after commit.

Domain functions call :func:`queue_mail` inside their own transaction (the mail exists
only if the change does), then :func:`enqueue_mails` once the transaction committed.
Templates are edited by staff, so they are rendered in a sandbox and any unknown
variable fails at render time instead of sending a mail with a hole in it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from html.parser import HTMLParser
from typing import Any

import structlog
from arq.connections import ArqRedis
from jinja2 import StrictUndefined, Template
from jinja2.sandbox import ImmutableSandboxedEnvironment
from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from app.core.codes.mail import MailCode, MailStatus
from app.mail.sender import MAX_ATTEMPTS, row_key
from app.settings import get_settings
from app.tables.mail import MailTemplate, OutboxMail

log = structlog.get_logger(__name__)

FALLBACK_LANGUAGE = "fr"
SEND_MAIL_JOB = "send_mail"
REDIS_DOWN = (RedisConnectionError, RedisTimeoutError, OSError)
SUBJECT_LENGTH = 300  # OutboxMail.subject
TEMPLATE_FILENAME = "<template>"  # jinja2's name for templates compiled from a string

# Immutable: a template cannot call list.append or dict.update on what it is given.
_HTML_ENV = ImmutableSandboxedEnvironment(autoescape=True, undefined=StrictUndefined)
_TEXT_ENV = ImmutableSandboxedEnvironment(autoescape=False, undefined=StrictUndefined)


class MailTemplateMissing(LookupError):
    """No template row for this code, neither in the asked language nor in French."""


@dataclass(frozen=True)
class RenderedMail:
    subject: str
    html: str
    text: str


class _TextFromHtml(HTMLParser):
    """Plain text of a mail body: paragraphs kept, links written out after their label."""

    BLOCKS = frozenset({"p", "div", "h1", "h2", "h3", "h4", "table", "tr", "ul", "ol", "hr"})
    SKIPPED = frozenset({"style", "script", "head", "title"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[tuple[str | None, int]] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIPPED:
            self.skipping += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag == "li":
            self.parts.append("\n- ")
        elif tag in self.BLOCKS:
            self.parts.append("\n\n")
        elif tag == "a":
            self.links.append((dict(attrs).get("href"), len(self.parts)))

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n\n")
        elif tag == "a" and self.links:
            href, start = self.links.pop()
            label = "".join(self.parts[start:]).strip()
            if href and href.rstrip("/") != label.rstrip("/"):
                self.parts.append(f" ({href})")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(re.sub(r"\s+", " ", data))

    def text(self) -> str:
        lines = (line.strip() for line in "".join(self.parts).split("\n"))
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"


def html_to_text(html: str) -> str:
    parser = _TextFromHtml()
    parser.feed(html)
    parser.close()
    return parser.text()


def mail_environment(*, html: bool) -> ImmutableSandboxedEnvironment:
    """The sandbox that renders HTML bodies (autoescaped) or subjects and text bodies."""
    return _HTML_ENV if html else _TEXT_ENV


@lru_cache(maxsize=512)
def _compiled(source: str, *, html: bool) -> Template:
    """Compiling costs milliseconds per mail; keyed by the source, a staff edit is a new key."""
    return mail_environment(html=html).from_string(source)


def render_mail(template: MailTemplate, context: dict[str, Any]) -> RenderedMail:
    """Render one template row; raises jinja2 errors (UndefinedError, SecurityError...)."""
    subject = _compiled(template.subject, html=False).render(context)
    html = _compiled(template.body_html, html=True).render(context)
    if template.body_text.strip():
        text = _compiled(template.body_text, html=False).render(context)
    else:
        text = html_to_text(html)
    # A subject is one header line, whatever line breaks a template holds, and fits its
    # column (a long programme name must not fail the insert on PostgreSQL).
    subject = " ".join(subject.split())[:SUBJECT_LENGTH]
    return RenderedMail(subject=subject, html=html, text=text)


async def find_template(code: MailCode, language: str) -> MailTemplate:
    rows = await MailTemplate.objects().where(
        (MailTemplate.code == code.value)
        & MailTemplate.language.is_in(list({language, FALLBACK_LANGUAGE}))
    )
    by_language = {row.language: row for row in rows}
    template = by_language.get(language) or by_language.get(FALLBACK_LANGUAGE)
    if template is None:
        raise MailTemplateMissing(f"no mail template {code.value!r} in {language!r} or French")
    return template


async def queue_mail(
    *,
    to: str,
    code: MailCode,
    context: dict[str, Any],
    language: str = "fr",
    account_id: int | None = None,
    application_id: int | None = None,
) -> int:
    """Render the template of ``code`` and write the mail to the outbox; return its id.

    Side effects, in order: render, insert one OutboxMail row with status ``queued``.
    Call inside the caller's transaction, then :func:`enqueue_mails` after commit.

    A template that fails to render (staff edited it; the admin checks templates on
    save, but a stand-in value may hide an error) must not undo the caller's change:
    the row is written ``failed``, with the error and no try left, for staff to see.
    """
    if "@" not in to or any(c in to for c in "\r\n,;"):
        raise ValueError(f"not a single mail address: {to!r}")
    template = await find_template(code, language)
    row = {
        "to_address": to,
        "template_code": code.value,
        "account": account_id,
        "application": application_id,
    }
    try:
        rendered = render_mail(template, {"base_url": get_settings().base_url, **context})
    # Any error: jinja2's (undefined, sandbox, syntax) or a filter's on a value.
    except Exception as exc:
        error = render_error(template, exc)
        log.error("mail_render_failed", code=code.value, language=template.language, error=error)
        mail = OutboxMail(
            **row,
            subject=" ".join(template.subject.split())[:SUBJECT_LENGTH],
            html="",
            text="",
            status=MailStatus.FAILED.value,
            attempts=MAX_ATTEMPTS,  # nothing to send: never claimed (sender._claim)
            last_error=error,
        )
    else:
        mail = OutboxMail(
            **row,
            subject=rendered.subject,
            html=rendered.html,
            text=rendered.text,
            status=MailStatus.QUEUED.value,
        )
    await mail.save()
    return mail.id


def template_line(exc: BaseException) -> int | None:
    """The template line an error was raised on: a syntax error's own, or, for a render
    error, that of the last template frame (jinja2 rewrites tracebacks so that template
    frames carry template lines)."""
    line = getattr(exc, "lineno", None)
    traceback = exc.__traceback__
    while traceback is not None:
        if traceback.tb_frame.f_code.co_filename == TEMPLATE_FILENAME:
            line = traceback.tb_lineno
        traceback = traceback.tb_next
    return line


def render_error(template: MailTemplate, exc: Exception) -> str:
    """What ``last_error`` says of a render failure: template, line when known, error."""
    line = template_line(exc)
    where = f" line {line}" if line else ""
    return (
        f"render failed: template {template.code}/{template.language}{where}: "
        f"{type(exc).__name__}: {exc}"
    )


def mail_job_id(mail_id: int, created_at: datetime) -> str:
    """One arq job per mail: enqueueing the same mail again is a no-op."""
    return f"mail:{row_key(mail_id, created_at)}"


async def mail_job_ids(mail_ids: Iterable[int]) -> dict[int, str]:
    """The job id of each existing row among ``mail_ids``."""
    ids = list(dict.fromkeys(mail_ids))
    if not ids:
        return {}
    rows = await OutboxMail.select(OutboxMail.id, OutboxMail.created_at).where(
        OutboxMail.id.is_in(ids)
    )
    found = {row["id"]: mail_job_id(row["id"], row["created_at"]) for row in rows}
    return {mail_id: found[mail_id] for mail_id in ids if mail_id in found}


def as_arq(redis_pool: Redis) -> ArqRedis:
    """An arq client sharing the connections of a plain Redis client (e.g. the app's)."""
    if isinstance(redis_pool, ArqRedis):
        return redis_pool
    return ArqRedis(pool_or_conn=redis_pool.connection_pool)


async def enqueue_mails(redis_pool: Redis, mail_ids: Iterable[int]) -> int:
    """After commit: one ``send_mail`` job per mail; return how many jobs were created.

    A mail whose job already exists is skipped by arq (duplicate job id). Redis being
    down does not undo the committed change: the mails stay ``queued`` and the worker's
    recovery job enqueues them later.
    """
    pool = as_arq(redis_pool)
    created = 0
    job_ids = await mail_job_ids(mail_ids)
    try:
        for mail_id, job_id in job_ids.items():
            job = await pool.enqueue_job(SEND_MAIL_JOB, mail_id, _job_id=job_id)
            created += job is not None
    except REDIS_DOWN as exc:
        log.warning("mail_enqueue_failed", error=str(exc))
    return created


async def unsent_mail_ids(*, max_attempts: int) -> list[int]:
    """Mails that should have a job: queued ones, and failed ones with tries left."""
    rows = (
        await OutboxMail.select(OutboxMail.id)
        .where(
            (OutboxMail.status == MailStatus.QUEUED.value)
            | (
                (OutboxMail.status == MailStatus.FAILED.value)
                & (OutboxMail.attempts < max_attempts)
            )
        )
        .order_by(OutboxMail.id)
    )
    return [row["id"] for row in rows]
