"""One statement for the same write asked by several mail jobs at once.

A worker runs up to ``max_jobs`` mail jobs at once, and each claims its row, then marks
it sent: two statements, two round trips and two commits a mail. While one statement
runs, the jobs that ask for the same write wait and are then served by a single
statement over all their ids (``app.mail.outbox_rows``: the compare-and-set condition
is checked row by row, so each row changes exactly as it would alone). Nothing waits
for a batch to fill: a job alone is served at once, as before.
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from app.clock import now
from app.mail.outbox_rows import claim_rows, mark_rows_sent

MAX_IDS = 100  # ids per statement: well under every driver's parameter limit

Write = Callable[[list[int]], Awaitable[dict[int, Any]]]


class Coalesced:
    """Calls of one write, each for one id, served by as few statements as possible.

    ``exclusive``: the write's result for an id goes to the first caller only (a row
    claimed twice at once must be sent once); the others get None."""

    def __init__(self, write: Write, *, exclusive: bool) -> None:
        self._write = write
        self._exclusive = exclusive
        self._pending: dict[int, list[asyncio.Future]] = {}
        self._task: asyncio.Task | None = None

    async def __call__(self, mail_id: int) -> Any:
        future = asyncio.get_running_loop().create_future()
        self._pending.setdefault(mail_id, []).append(future)
        if self._task is None:
            # A context of its own: not the transaction (or anything) of the job that
            # happened to start it.
            self._task = asyncio.get_running_loop().create_task(
                self._serve(), context=contextvars.Context()
            )
        # A caller cancelled here leaves its write to happen or not, as a cancelled
        # statement would: a claimed row stays "sending" for the reaper.
        return await future

    async def _serve(self) -> None:
        try:
            while self._pending:
                ids = list(self._pending)[:MAX_IDS]
                waiting = {mail_id: self._pending.pop(mail_id) for mail_id in ids}
                try:
                    results = await self._write(ids)
                except Exception as exc:
                    for futures in waiting.values():
                        for future in futures:
                            if not future.done():
                                future.set_exception(exc)
                    continue
                except BaseException:
                    for futures in waiting.values():
                        for future in futures:
                            future.cancel()
                    raise
                for mail_id, futures in waiting.items():
                    result = results.get(mail_id)
                    for future in futures:
                        if not future.done():
                            future.set_result(result)
                            if self._exclusive:
                                result = None
        finally:
            self._task = None
            for futures in self._pending.values():  # only when cancelled
                for future in futures:
                    future.cancel()
            self._pending.clear()


class DeliveryWrites:
    """A worker's claims and marks, coalesced across its concurrent mail jobs."""

    def __init__(self, *, max_attempts: int) -> None:
        self.max_attempts = max_attempts
        self.claim = Coalesced(self._claim, exclusive=True)
        self.mark_sent = Coalesced(self._mark_sent, exclusive=False)

    async def _claim(self, ids: list[int]) -> dict[int, Any]:
        rows = await claim_rows(ids, moment=now(), max_attempts=self.max_attempts)
        return {row["id"]: row for row in rows}

    async def _mark_sent(self, ids: list[int]) -> dict[int, Any]:
        moment: datetime = now()
        return {mail_id: True for mail_id in await mark_rows_sent(ids, moment=moment)}
