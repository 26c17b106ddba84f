"""The staff date overrides (app.applications.staff_dates): check, compare-and-set,
audit with before → after; what the candidate's deadlines then read."""

from __future__ import annotations

from datetime import date

import pytest

from app.applications import lifecycle
from app.applications.lifecycle_base import LifecycleRefused, Refusal
from app.applications.queries import application_view
from app.applications.staff_dates import (
    CONFIRMATION_DATE_OVERRIDDEN,
    set_confirmation_date_override,
    set_return_date_override,
)
from app.core.actor import Actor
from app.core.codes.applications import Verdict
from app.tables.ops import AuditEvent
from tests.factories import make_campaign
from tests.factories_dossier import decide, make_decision_type, make_received_application

STAFF = Actor.staff(7)


async def refused(call) -> Refusal:
    with pytest.raises(LifecycleRefused) as caught:
        await call
    return caught.value.reason


async def test_a_return_date_override_moves_the_deadline_and_back():
    campaign = await make_campaign()
    _account, application_id = await make_received_application(campaign)
    programme_date = (await application_view(application_id)).return_date
    await set_return_date_override(
        application_id=application_id, value=date(2026, 9, 1), expected=None, actor=STAFF
    )
    assert (await application_view(application_id)).return_deadline == date(2026, 9, 1)
    # The same value again writes nothing; a stale ``expected`` is refused.
    await set_return_date_override(
        application_id=application_id, value=date(2026, 9, 1), actor=STAFF
    )
    assert (
        await refused(
            set_return_date_override(
                application_id=application_id, value=date(2026, 9, 2), expected=None, actor=STAFF
            )
        )
        is Refusal.INVALID
    )
    await set_return_date_override(
        application_id=application_id, value=None, expected=date(2026, 9, 1), actor=STAFF
    )
    assert (await application_view(application_id)).return_deadline == programme_date
    events = (
        await AuditEvent.select(AuditEvent.actor_id, AuditEvent.data)
        .where(AuditEvent.application_id == application_id)
        .where(AuditEvent.entity == "application")
        .where(AuditEvent.action == "return_date_overridden")
        .order_by(AuditEvent.id)
        .output(load_json=True)
    )
    assert [e["data"] for e in events] == [
        {"before": None, "after": "2026-09-01"},
        {"before": "2026-09-01", "after": None},
    ]
    assert {e["actor_id"] for e in events} == {7}


async def test_who_and_what_may_not_move_a_date():
    campaign = await make_campaign()
    account, application_id = await make_received_application(campaign)
    candidate = Actor.candidate(account.id)
    assert (
        await refused(
            set_return_date_override(
                application_id=application_id, value=date(2026, 9, 1), actor=candidate
            )
        )
        is Refusal.NOT_FOUND
    )
    assert (
        await refused(
            set_return_date_override(
                application_id=application_id, value=date(1900, 1, 1), actor=STAFF
            )
        )
        is Refusal.INVALID
    )
    assert (
        await refused(set_return_date_override(application_id=2**31 - 1, value=None, actor=STAFF))
        is Refusal.NOT_FOUND
    )


async def test_the_confirmation_date_override_is_the_deadline_until_the_answer():
    campaign = await make_campaign()
    account, application_id = await make_received_application(campaign)
    await decide(application_id, await make_decision_type(Verdict.FAVOURABLE))
    await set_confirmation_date_override(
        application_id=application_id, value=date(2026, 7, 31), actor=STAFF
    )
    assert (await application_view(application_id)).confirmation_deadline == date(2026, 7, 31)
    await lifecycle.answer(
        application_id=application_id, confirm=True, actor=Actor.candidate(account.id)
    )
    assert (
        await refused(
            set_confirmation_date_override(application_id=application_id, value=None, actor=STAFF)
        )
        is Refusal.INVALID
    )
    assert await AuditEvent.count().where(AuditEvent.action == CONFIRMATION_DATE_OVERRIDDEN) == 1
