"""Issue 8, defect 13: the recovery pages (forgotten password, forgotten login, new
activation link) answered about twice as slowly for an address with an account: the
lookup, token, audit event, mail rendering and outbox write happened before the
answer, and only for known addresses.

Now the answer is sent first, after the same work for every address (the form check
and the rate limit); the lookup and the writes follow it. Measured here without a
stopwatch: the ASGI ``send`` of the answer's last byte is observed, and at that moment
the database and the job queue must hold exactly the same rows for a known and an
unknown address, and the answers must be the same bytes.
"""

from __future__ import annotations

import httpx
import pytest

from app.accounts.passwords import hash_password
from app.tables.accounts import AccountToken
from app.tables.mail import OutboxMail
from app.tables.ops import AuditEvent
from tests.factories import make_account, make_campaign
from tests.fixtures.web import BASE_URL, post_form

PATHS = ["/compte/mot-de-passe-oublie", "/compte/identifiant-oublie", "/compte/code-activation"]


@pytest.fixture
async def accounts(mail_templates):
    campaign = await make_campaign(active=True)
    await make_account(campaign, email="active@example.fr", password_hash=hash_password("x"))
    await make_account(campaign, email="waiting@example.fr", activated_at=None)


def known_address(path: str) -> str:
    return "waiting@example.fr" if path.endswith("code-activation") else "active@example.fr"


async def state(redis) -> tuple[int, int, int, int]:
    """What a request may have written: tokens, audit events, outbox mails, queued jobs."""
    return (
        await AccountToken.count(),
        await AuditEvent.count(),
        await OutboxMail.count(),
        await redis.zcard("arq:queue"),
    )


@pytest.fixture
async def observed(app, client, redis):
    """A browser whose every answer records the state when its last byte is sent."""
    at_answer: list[tuple[int, int, int, int]] = []

    async def observing(scope, receive, send):
        async def spy(message):
            if message["type"] == "http.response.body" and not message.get("more_body"):
                at_answer.append(await state(redis))
            await send(message)

        await app(scope, receive, spy)

    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=observing), base_url=BASE_URL
    ) as http:
        http.at_answer = at_answer
        yield http


@pytest.mark.parametrize("path", PATHS)
async def test_known_and_unknown_addresses_do_the_same_work_before_the_answer(
    observed, accounts, redis, path
):
    before = await state(redis)
    await observed.get(path)
    observed.at_answer.clear()
    known = await post_form(observed, path, {"email": known_address(path)})
    at_known_answer = observed.at_answer[-1]
    after_known = await state(redis)
    unknown = await post_form(observed, path, {"email": "nobody@example.fr"})
    at_unknown_answer = observed.at_answer[-1]

    assert known.status_code == unknown.status_code == 200
    assert known.content == unknown.content
    assert at_known_answer == before  # nothing written before the answer...
    assert at_unknown_answer == after_known  # ...for either address
    _, events, mails, jobs = after_known
    assert (events, mails, jobs) == (before[1] + 1, before[2] + 1, before[3] + 1)
    assert await state(redis) == after_known  # the unknown address wrote nothing


async def test_the_mail_still_goes_out_after_the_answer(client, accounts, smtp_sink, run_worker):
    await post_form(client, "/compte/mot-de-passe-oublie", {"email": "ACTIVE@example.fr"})
    assert await run_worker() == 1
    [mail] = smtp_sink.messages
    assert mail["To"] == "active@example.fr"
    assert mail["Subject"] == "eCésure : nouveau mot de passe"
