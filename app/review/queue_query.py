"""The review desk's queue as one SQL statement: scope, filters, sort, one page.

Written as SQL (through Piccolo's ``raw`` with bound parameters, parts in
``queue_sql``) because the queue joins the current decision: expressed with the query
builder it took one query per row. The pieces to check are a column of the
application (``app.applications.piece_counter``). The statement is the same on SQLite
and PostgreSQL; every value is a bound parameter, every sort column comes from a fixed
map.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from app.core.codes.staff import StaffRole
from app.review.duplicates import duplicate_filter
from app.review.identity import StaffMember
from app.review.queue_filter import (
    ANSWER_NONE,
    DECISION_ENTERED,
    DECISION_NONE,
    DECISION_VALIDATED,
    PAGE_SIZE,
    QueueFilter,
)
from app.review.queue_sql import (
    COLUMNS,
    FROM,
    JOIN_ACCOUNT,
    JOIN_BAC,
    JOIN_CANDIDATE,
    JOIN_DECISION,
    JOIN_NATIONALITY,
    JOIN_PROGRAMME,
    PIECES_TO_REVIEW,
    SEARCH,
    SORT_JOINS,
    SORTS,
    in_scope,
)
from app.settings import get_settings
from app.tables.applications import Application


@dataclass(frozen=True)
class QueueRow:
    id: int
    login: str
    birth_name: str
    usual_name: str
    first_name: str
    birth_date: date | None
    ine: str | None
    nationality_fr: str | None
    nationality_en: str | None
    bac_year: int | None
    programme_id: int
    programme: str
    centre: str
    transmitted_at: datetime | None
    status: str
    answer: str | None
    processing_type: str
    processing_type_validated: bool
    pieces_to_review: int
    decision_id: int | None
    decision_validated: bool | None
    verdict: str | None
    decision_label_fr: str | None
    decision_label_en: str | None

    @property
    def name(self) -> str:
        return f"{(self.usual_name or self.birth_name).upper()} {self.first_name}".strip()


@dataclass(frozen=True)
class QueuePage:
    rows: list[QueueRow]
    total: int
    page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))


class _Where:
    """SQL conditions with their bound values, in order."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.args: list = []

    def add(self, sql: str, *args) -> None:
        self.parts.append(sql)
        self.args.extend(args)

    def add_in(self, column: str, values) -> None:
        values = sorted(values)
        if not values:
            self.add("1 = 0")
            return
        self.add(f"{column} IN ({', '.join('{}' for _ in values)})", *values)

    @property
    def sql(self) -> str:
        return " AND ".join(self.parts) if self.parts else "1 = 1"


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(get_settings().timezone))


def _conditions(member: StaffMember, queue: QueueFilter, campaign_id: int) -> _Where:
    where = _Where()
    where.add("a.cancelled_at IS NULL")
    scope = _Where()
    scope.add("qce.campaign = {}", queue.campaign or campaign_id)
    if member.role is StaffRole.CENTRE_MANAGER:
        scope.add_in("qce.id", member.centre_ids)
    elif member.role is StaffRole.COMMISSION_MEMBER:
        scope.add_in("qcm.id", member.commission_ids)
    elif not member.sees_all:
        scope.add("1 = 0")
    if queue.centre:
        scope.add("qce.id = {}", queue.centre)
    where.add(in_scope(scope.sql), *scope.args)
    if queue.programme:  # on the application: SQLite then reads its index
        where.add("a.programme = {}", queue.programme)
    if queue.status:
        where.add("a.status = {}", queue.status)
    if queue.decision == DECISION_NONE:
        where.add("d.id IS NULL")
    elif queue.decision == DECISION_ENTERED:
        where.add("d.id IS NOT NULL AND d.validated = {}", False)
    elif queue.decision == DECISION_VALIDATED:
        where.add("d.validated = {}", True)
    elif queue.decision:
        where.add("dt.verdict = {}", queue.decision)
    if queue.to_review:
        where.add(f"{PIECES_TO_REVIEW} > 0")
    if queue.duplicates:
        sql, args = duplicate_filter(member)
        where.add(sql, *args)
    if queue.since:
        where.add("a.transmitted_at >= {}", _start_of(queue.since))
    if queue.answer == ANSWER_NONE:
        where.add("a.answer IS NULL")
    elif queue.answer:
        where.add("a.answer = {}", queue.answer)
    if queue.q:
        where.add(SEARCH, *[f"%{queue.q.lower()}%"] * 5)
    return where


def _order(queue: QueueFilter, *, reverse: bool = False) -> str:
    """The ORDER BY: the sort's keys, then the id, so that the order is total; with
    ``reverse`` its exact mirror on either database (each puts NULLs at one end for
    ASC and at the other for DESC)."""
    direction = "DESC" if queue.desc != reverse else "ASC"
    parts = [f"{column} {direction}" for column in SORTS[queue.sort]]
    return ", ".join(parts) + f", a.id {direction}"


JOINS = (
    JOIN_PROGRAMME,
    JOIN_CANDIDATE,
    JOIN_ACCOUNT,
    JOIN_NATIONALITY,
    JOIN_BAC,
    JOIN_DECISION,
)


def _from(queue: QueueFilter, *, sort: bool) -> str:
    """The FROM that the filters (and, with ``sort``, the sort) need: the application
    and the parts they name (the scope is a condition). Inner joins on NOT NULL keys
    and left joins on unique keys: the parts left out change neither which rows nor
    how many."""
    needed = list(SORT_JOINS.get(queue.sort, ())) if sort else []
    if queue.duplicates:  # a condition on c and acc
        needed += [JOIN_CANDIDATE, JOIN_ACCOUNT]
    if queue.decision:
        needed.append(JOIN_DECISION)
    return "FROM application a" + "".join(part for part in JOINS if part in needed)


async def _rows_of(ids: list[int]) -> list[QueueRow]:
    """The full rows of ``ids`` (at most a few hundred), in that order; a row gone
    meanwhile is left out."""
    if not ids:
        return []
    marks = ", ".join("{}" for _ in ids)
    rows = await Application.raw(f"{COLUMNS} {FROM} WHERE a.id IN ({marks})", *ids)
    by_id = {row["id"]: row for row in rows}
    return [_row(by_id[i]) for i in ids if i in by_id]


def _row(raw: dict) -> QueueRow:
    raw["decision_validated"] = (
        None if raw["decision_validated"] is None else bool(raw["decision_validated"])
    )
    raw["processing_type_validated"] = bool(raw["processing_type_validated"])
    return QueueRow(**raw)


async def queue_page(member: StaffMember, queue: QueueFilter, *, campaign_id: int) -> QueuePage:
    """One page of the member's queue, filtered and sorted, with the total count.

    Three statements: the count and the page's ids each join only what their filters
    and sort name; then the page's 50 rows with every column (current decision, pieces
    to check). Sorting 100,000 rows that carried every join cost seconds.
    """
    where = _conditions(member, queue, campaign_id)
    counted = f"SELECT COUNT(*) AS n {_from(queue, sort=False)} WHERE {where.sql}"
    total = (await Application.raw(counted, *where.args))[0]["n"]
    page = min(queue.page, max(1, -(-total // PAGE_SIZE)))
    start, size, reverse = (page - 1) * PAGE_SIZE, PAGE_SIZE, False
    if start * 2 > total:
        # Nearer the end: the same rows counted from the other end, in the mirror
        # order, then turned round. The last page of 100,000 rows sorted them all.
        end = total - start
        start, size, reverse = max(0, end - PAGE_SIZE), min(end, PAGE_SIZE), True
    found = await Application.raw(
        f"SELECT a.id {_from(queue, sort=True)} WHERE {where.sql}"
        f" ORDER BY {_order(queue, reverse=reverse)} LIMIT {{}} OFFSET {{}}",
        *where.args,
        size,
        start,
    )
    ids = [row["id"] for row in found]
    rows = await _rows_of(ids[::-1] if reverse else ids)
    return QueuePage(rows=rows, total=total, page=page)


async def queue_ids(member: StaffMember, queue: QueueFilter, *, campaign_id: int) -> list[int]:
    """Every application id of the filtered queue, sorted (bulk actions, exports)."""
    where = _conditions(member, queue, campaign_id)
    rows = await Application.raw(
        f"SELECT a.id {_from(queue, sort=True)} WHERE {where.sql} ORDER BY {_order(queue)}",
        *where.args,
    )
    return [r["id"] for r in rows]


async def queue_rows(
    member: StaffMember, queue: QueueFilter, *, campaign_id: int, chunk: int = 500
) -> AsyncIterator[QueueRow]:
    """Every row of the filtered queue, a chunk at a time (exports stream these).

    The ids come first, sorted, from one statement; then each chunk's rows by id. Paging
    with OFFSET sorted the whole queue again for every chunk: 200 sorts of 100,000 rows
    for one export of a large campaign. A row gone meanwhile is left out.
    """
    ids = await queue_ids(member, queue, campaign_id=campaign_id)
    for start in range(0, len(ids), chunk):
        for row in await _rows_of(ids[start : start + chunk]):
            yield row
