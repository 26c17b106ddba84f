"""An application's current decision, kept with each decision written.

``Application.current_decision`` is the id of its latest Decision row (the highest
id, entered or validated): the one the rules call current. The review desk filters
and sorts 100,000 applications on it, where finding the latest per row cost half a
second (docs/benchmarks.md). The two functions that write decisions
(``staff_decisions.enter_decision`` and the waiting list's promotion) point it at the
row they insert, in their transaction; the update only ever moves it to a higher id,
so two decisions entered at once leave it on the latest whichever commits first.
"""

from __future__ import annotations

from app.tables.applications import Application

# Every application's pointer from the rows: the migration that added the column runs
# the same statement, the benchmark's generator after writing its rows.
RECOUNT = """
UPDATE application SET current_decision = (
  SELECT MAX(d.id) FROM decision d WHERE d.application = application.id)
"""


async def point_to_decision(application_id: int, decision_id: int) -> None:
    """The application's current decision is now ``decision_id`` (just inserted)."""
    column = Application.current_decision
    await Application.update({column: decision_id}).where(
        (Application.id == application_id) & (column.is_null() | (column < decision_id))
    )


async def recount_current_decisions() -> None:
    """Every application's pointer from its rows (rows written set-based, by COPY)."""
    await Application.raw(RECOUNT)


__all__ = ["point_to_decision", "recount_current_decisions"]
