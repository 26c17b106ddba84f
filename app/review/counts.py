"""Counts of the member's applications per programme × dossier status × decision.

Two queries whatever the number of programmes: the programmes of the member's scope,
then one GROUP BY over the queue's own FROM and WHERE (the same scope, the same
campaign, cancelled applications left out), so that a count and the queue it links to
always agree.

Two breakdowns of the same applications, each summing to the total:

- by dossier status (AT, RE, IN, CO);
- by decision state: none, entered (not validated yet), validated; and per verdict of
  the current decision, entered or validated — the queue's ``decision=<verdict>``
  filter, so that each number links to exactly the rows it counts.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from app.core.codes.applications import DossierStatus, Verdict
from app.review.identity import StaffMember
from app.review.queue_filter import (
    DECISION_ENTERED,
    DECISION_NONE,
    DECISION_VALIDATED,
    QueueFilter,
)
from app.review.queue_query import FROM, _conditions
from app.review.scope import programme_scope
from app.tables.applications import Application
from app.tables.catalog import Programme

STATUSES = tuple(s.value for s in DossierStatus)
DECISION_STATES = (DECISION_NONE, DECISION_ENTERED, DECISION_VALIDATED)
VERDICTS = tuple(v.value for v in Verdict)

GROUPED = f"""
SELECT p.id AS programme_id, a.status AS status, d.validated AS validated,
  dt.verdict AS verdict, COUNT(*) AS n
{FROM}
WHERE {{where}}
GROUP BY p.id, a.status, d.validated, dt.verdict
"""


@dataclass
class Line:
    """One programme's counts (or the totals)."""

    programme_id: int | None
    label: str
    centre: str
    status: Counter = field(default_factory=Counter)
    decision: Counter = field(default_factory=Counter)
    verdict: Counter = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return sum(self.status.values())

    def add(self, status: str, state: str, verdict: str | None, n: int) -> None:
        self.status[status] += n
        self.decision[state] += n
        if verdict:
            self.verdict[verdict] += n

    def queue(self, **filters) -> QueueFilter:
        """The queue showing the applications of this count."""
        return QueueFilter(programme=self.programme_id, **filters)


@dataclass
class Counts:
    lines: list[Line]
    totals: Line
    verdicts: list[str]  # the verdicts that occur, in the codes' order

    @property
    def charted(self) -> list[Line]:
        return [line for line in self.lines if line.total]


def _state(validated) -> str:
    if validated is None:  # no decision: the LEFT JOIN gave NULL
        return DECISION_NONE
    return DECISION_VALIDATED if validated else DECISION_ENTERED


async def desk_counts(member: StaffMember, *, campaign_id: int) -> Counts:
    programmes = (
        await Programme.select(
            Programme.id,
            Programme.label,
            Programme.commission.centre.label.as_alias("centre"),
        )
        .where(programme_scope(member) & (Programme.commission.centre.campaign == campaign_id))
        .order_by(Programme.commission.centre.position)
        .order_by(Programme.commission.centre.label)
        .order_by(Programme.label)
    )
    lines = {row["id"]: Line(row["id"], row["label"], row["centre"]) for row in programmes}
    totals = Line(None, "", "")
    where = _conditions(member, QueueFilter(), campaign_id)
    for row in await Application.raw(GROUPED.format(where=where.sql), *where.args):
        state = _state(row["validated"])
        line = lines.get(row["programme_id"])
        if line is not None:  # the same scope: always found
            line.add(row["status"], state, row["verdict"], row["n"])
            totals.add(row["status"], state, row["verdict"], row["n"])
    verdicts = [v for v in VERDICTS if totals.verdict[v]]
    return Counts(lines=list(lines.values()), totals=totals, verdicts=verdicts)
