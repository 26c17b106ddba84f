"""Claims and marks of concurrent mail jobs served by one statement (app/mail/coalesce.py)."""

from __future__ import annotations

import asyncio

import pytest

from app.core.codes.mail import MailCode, MailStatus
from app.mail.coalesce import Coalesced, DeliveryWrites
from app.mail.sender import MAX_ATTEMPTS
from app.tables.mail import OutboxMail


async def insert_queued(count: int) -> list[int]:
    await OutboxMail.insert(
        *(
            OutboxMail(
                to_address=f"c{n}@example.org",
                subject=f"Mail {n}",
                html="<p>x</p>",
                text="x\n",
                template_code=MailCode.DEV_TEST.value,
                status=MailStatus.QUEUED.value,
            )
            for n in range(count)
        )
    )
    return [row["id"] for row in await OutboxMail.select(OutboxMail.id).order_by(OutboxMail.id)]


async def test_concurrent_claims_share_statements_and_each_row_is_claimed_once():
    ids = await insert_queued(6)
    writes = DeliveryWrites(max_attempts=MAX_ATTEMPTS)
    statements: list[list[int]] = []
    claim = writes._claim

    async def counted(batch: list[int]):
        statements.append(batch)
        return await claim(batch)

    writes.claim = Coalesced(counted, exclusive=True)
    # Every id asked for twice at once (two jobs of the same mail): one gets the row.
    rows = await asyncio.gather(*(writes.claim(mail_id) for mail_id in ids + ids))

    assert statements == [ids]  # one statement for the twelve calls
    assert [row["id"] for row in rows[: len(ids)]] == ids
    assert rows[len(ids) :] == [None] * len(ids)
    assert all(row["attempts"] == 1 for row in rows[: len(ids)])
    sent = await asyncio.gather(*(writes.mark_sent(mail_id) for mail_id in ids[:3]))
    assert sent == [True, True, True]
    assert await writes.mark_sent(ids[0]) is None  # already sent: not changed again
    statuses = {
        r["id"]: r["status"] for r in await OutboxMail.select(OutboxMail.id, OutboxMail.status)
    }
    assert statuses == {
        **{mail_id: MailStatus.SENT.value for mail_id in ids[:3]},
        **{mail_id: MailStatus.SENDING.value for mail_id in ids[3:]},
    }


async def test_calls_made_while_a_statement_runs_share_the_next_and_a_failure_fails_its_callers_only():
    calls: list[list[int]] = []
    release = asyncio.Event()

    async def flaky(batch: list[int]):
        calls.append(batch)
        if len(calls) == 1:
            await release.wait()
            raise RuntimeError("database gone")
        return dict.fromkeys(batch, "ok")

    coalesced = Coalesced(flaky, exclusive=False)
    first = asyncio.create_task(coalesced(1))
    while not calls:
        await asyncio.sleep(0)
    later = asyncio.gather(coalesced(2), coalesced(3))
    await asyncio.sleep(0)
    release.set()

    with pytest.raises(RuntimeError, match="database gone"):
        await first
    assert await later == ["ok", "ok"]
    assert calls == [[1], [2, 3]]
    assert await coalesced(4) == "ok"  # served again once idle
    assert calls[-1] == [4]
