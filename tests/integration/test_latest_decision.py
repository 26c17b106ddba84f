"""``application.current_decision`` (issue 13, target 7): the id of the application's
latest decision, which the review desk filters and sorts on. Entering a decision and a
promotion from the waiting list point it at the new row; after every step it is
exactly the latest row, for every application, and two decisions entered at once
leave it on the later one."""

from __future__ import annotations

import asyncio

from app.applications import lifecycle
from app.applications.lifecycle import Actor, Change
from app.applications.queries import current_decision
from app.tables.applications import Application
from tests.factories_dossier import decide, make_open_programme, make_received_application

ROUNDS = 5
STAFF = Actor.staff(1)

FROM_ROWS = """
SELECT a.id, a.current_decision AS kept,
  (SELECT MAX(d.id) FROM decision d WHERE d.application = a.id) AS latest
FROM application a ORDER BY a.id
"""


async def kept(application_id: int) -> int | None:
    """The column, after checking that no application's column differs from its rows."""
    rows = await Application.raw(FROM_ROWS)
    assert [r for r in rows if r["kept"] != r["latest"]] == []
    return next(r["kept"] for r in rows if r["id"] == application_id)


async def test_each_decision_entered_or_promoted_becomes_the_current_one(
    campaign, favourable, complementary
):
    programme = await make_open_programme(campaign, waiting_list=True)
    admitted_account, admitted = await make_received_application(campaign, programme)
    _, waiting = await make_received_application(campaign, programme)
    assert (await kept(admitted), await kept(waiting)) == (None, None)

    first = await decide(admitted, complementary, rank=1, validate=False)
    assert await kept(admitted) == first
    second = await decide(admitted, favourable)  # entered again, then validated
    assert second > first and await kept(admitted) == second
    assert (await current_decision(admitted)).id == second

    ranked = await decide(waiting, complementary, rank=1)
    assert await kept(waiting) == ranked
    await lifecycle.answer(
        application_id=admitted, confirm=False, actor=Actor.candidate(admitted_account.id)
    )
    promoted = (await current_decision(waiting)).id
    assert promoted > ranked and await kept(waiting) == promoted
    assert await kept(admitted) == second  # a withdrawal writes no decision


async def test_two_decisions_entered_at_once_leave_the_later_one(
    campaign, favourable, complementary
):
    for _ in range(ROUNDS):
        _, app_id = await make_received_application(campaign)
        entered = await asyncio.gather(
            lifecycle.enter_decision(
                application_id=app_id, decision_type_id=favourable.id, actor=STAFF
            ),
            lifecycle.enter_decision(
                application_id=app_id, decision_type_id=complementary.id, rank=2, actor=STAFF
            ),
            return_exceptions=True,
        )
        assert all(isinstance(decision_id, int) for decision_id in entered), entered
        assert await kept(app_id) == max(entered)
        validated = await lifecycle.validate_decision(decision_id=max(entered), actor=STAFF)
        assert isinstance(validated, Change)
        assert await kept(app_id) == max(entered)
