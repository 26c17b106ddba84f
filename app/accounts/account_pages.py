"""What the account pages share: their template, the mails they queue, and recovery
answers sent before the work is done."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import structlog
from litestar import Request
from litestar.background_tasks import BackgroundTask
from litestar.status_codes import HTTP_200_OK
from redis.asyncio import Redis

from app.accounts.account_outcomes import Outcome
from app.mail.outbox import enqueue_mails
from app.web.templating import Template

log = structlog.get_logger(__name__)


def page(name: str, *, status_code: int = HTTP_200_OK, **context) -> Template:
    return Template(template_name=f"accounts/{name}.html", context=context, status_code=status_code)


async def send_mails(request: Request, outcome: Outcome) -> None:
    await enqueue_mails(request.app.state.redis, outcome.mail_ids)


async def _recover(redis: Redis, action: Callable[[str], Awaitable[Outcome]], email: str) -> None:
    try:
        outcome = await action(email)
        await enqueue_mails(redis, outcome.mail_ids)
    except Exception:  # the answer is already sent: nobody else would hear of it
        log.exception("recovery_failed", action=action.__name__)


def after_answering(
    request: Request,
    answer: Template,
    action: Callable[[str], Awaitable[Outcome]],
    email: str,
) -> Template:
    """Recovery pages (forgotten password or login, new activation link) look the
    address up, write and queue the mail only once their answer is sent: the answer
    costs the same work, and so the same time, whether or not an account has this
    address (the bytes are the same already)."""
    answer.background = BackgroundTask(_recover, request.app.state.redis, action, email)
    return answer
