"""The compare-and-set writes of a mail's delivery, as plain SQL compiled once.

A worker runs them for every mail it sends: built through Piccolo's query builder they
cost more CPU than running them (docs/benchmarks.md, mail throughput), so they are
written here once, valid on SQLite and PostgreSQL (``app.sql``). Each takes a list of
ids: one statement for several mails changes each row exactly as it would alone (the
condition is checked row by row), and its ``RETURNING`` says which rows it changed.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Any

from app.core.codes.mail import MailStatus
from app.sql import ReadStatement
from app.tables.mail import OutboxMail

TABLE = OutboxMail._meta.tablename
QUEUED, SENDING = MailStatus.QUEUED.value, MailStatus.SENDING.value
SENT, FAILED = MailStatus.SENT.value, MailStatus.FAILED.value
CLAIMED_COLUMNS = "id, to_address, subject, html, text, attempts, created_at"


def _ids(count: int) -> str:
    if count < 1:
        raise ValueError("no mail ids")
    return "id IN (" + ", ".join(["{}"] * count) + ")"


@lru_cache(maxsize=128)
def _claim(count: int) -> ReadStatement:
    # Arguments: sending_since, max_attempts, then the ids.
    return ReadStatement(f"""
        UPDATE {TABLE} SET status = '{SENDING}', attempts = attempts + 1, sending_since = {{}}
        WHERE (status = '{QUEUED}' OR (status = '{FAILED}' AND attempts < {{}}))
          AND {_ids(count)}
        RETURNING {CLAIMED_COLUMNS}""")


@lru_cache(maxsize=128)
def _mark_sent(count: int) -> ReadStatement:
    # From "failed" too: the reaper may have given up on a slow exchange that succeeded.
    return ReadStatement(f"""
        UPDATE {TABLE} SET status = '{SENT}', sent_at = {{}}, last_error = ''
        WHERE status IN ('{SENDING}', '{FAILED}') AND {_ids(count)}
        RETURNING id""")


@lru_cache(maxsize=8)
def _mark_failed(count: int) -> ReadStatement:
    return ReadStatement(f"""
        UPDATE {TABLE} SET status = '{FAILED}', last_error = {{}}
        WHERE status = '{SENDING}' AND {_ids(count)}
        RETURNING id""")


async def claim_rows(
    mail_ids: list[int], *, moment: datetime, max_attempts: int
) -> list[dict[str, Any]]:
    """queued/failed with tries left → sending, one more attempt; the content of the
    rows claimed (those of ``mail_ids`` that were not claimable are absent)."""
    return await _claim(len(mail_ids)).rows(moment, max_attempts, *mail_ids)


async def mark_rows_sent(mail_ids: list[int], *, moment: datetime) -> set[int]:
    """sending/failed → sent; the ids changed."""
    rows = await _mark_sent(len(mail_ids)).rows(moment, *mail_ids)
    return {row["id"] for row in rows}


async def mark_rows_failed(mail_ids: list[int], error: str) -> set[int]:
    """sending → failed with ``error``; the ids changed."""
    rows = await _mark_failed(len(mail_ids)).rows(error, *mail_ids)
    return {row["id"] for row in rows}
