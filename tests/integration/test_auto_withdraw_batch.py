"""The automatic withdrawal handles every application past its deadline in one run
(set-based, a chunk per transaction), with the audit events and mails of a single one,
and leaves alone those the rule does not reach."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from app.core.codes.applications import Verdict
from app.refdata.load import load_reference_data
from app.tables.applications import Application
from app.tables.catalog import Campaign
from app.tables.mail import OutboxMail
from app.tables.ops import AuditEvent
from tests.factories import make_campaign
from tests.factories_dossier import (
    decide,
    make_decision_type,
    make_open_programme,
    make_received_application,
)
from workers.applications import auto_withdraw

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture(scope="module")
async def refdata(database):
    await load_reference_data()


async def test_every_expired_decision_is_withdrawn_once_with_its_mails(
    refdata, mail_templates, clock
):
    campaign = await make_campaign()
    favourable = await make_decision_type(Verdict.FAVOURABLE, label_fr="Avis favorable")
    unfavourable = await make_decision_type(Verdict.UNFAVOURABLE, label_fr="Avis défavorable")
    alerted = await make_open_programme(
        campaign,
        confirmation_delay_days=3,
        return_date=date(2026, 7, 15),
        commission={"email": "jury@univ.example; scol@univ.example", "alert_on_withdrawal": True},
    )
    quiet = await make_open_programme(
        campaign,
        confirmation_delay_days=3,
        return_date=date(2026, 7, 15),
        commission={"email": "quiet@univ.example", "alert_on_withdrawal": False},
    )
    expired = []
    for programme in (alerted, alerted, quiet):
        _, application_id = await make_received_application(campaign, programme)
        await decide(application_id, favourable)  # deadline 18/06/2026
        expired.append(application_id)
    _, changed_mind = await make_received_application(campaign, quiet)
    await decide(changed_mind, favourable)
    await decide(changed_mind, unfavourable, validate=False)  # entered, not validated yet
    await OutboxMail.delete(force=True)
    events_before = await AuditEvent.count()

    clock.move_to(datetime.combine(date(2026, 6, 19), time(23, 15), PARIS))
    assert await auto_withdraw({"redis": None}) == 3

    rows = await Application.select(Application.id, Application.answer, Application.answered_by)
    answers = {row["id"]: (row["answer"], row["answered_by"]) for row in rows}
    assert {i: answers[i] for i in expired} == {i: ("DS", "system") for i in expired}
    assert answers[changed_mind] == (None, None)
    events = await AuditEvent.select(
        AuditEvent.action,
        AuditEvent.actor_kind,
        AuditEvent.actor_id,
        AuditEvent.entity_id,
        AuditEvent.application_id,
        AuditEvent.visible_to_candidate,
        AuditEvent.data,
    ).where(AuditEvent.action == "application_auto_withdrawn")
    assert sorted(
        (e["entity_id"], e["application_id"], e["actor_kind"], e["actor_id"]) for e in events
    ) == [(i, i, "system", None) for i in sorted(expired)]
    assert all(e["visible_to_candidate"] for e in events)
    assert all(e["data"] in ({"answer": "DS"}, '{"answer": "DS"}') for e in events)
    assert await AuditEvent.count() == events_before + 3

    mails = await OutboxMail.select(
        OutboxMail.template_code, OutboxMail.to_address, OutboxMail.application, OutboxMail.status
    )
    assert all(mail["status"] == "queued" for mail in mails)
    assert Counter((m["template_code"], m["application"]) for m in mails) == Counter(
        {
            **{("application_auto_withdrawn", i): 1 for i in expired},
            ("commission_withdrawal", expired[0]): 2,
            ("commission_withdrawal", expired[1]): 2,
        }
    )
    commission = {m["to_address"] for m in mails if m["template_code"] == "commission_withdrawal"}
    assert commission == {"jury@univ.example", "scol@univ.example"}

    assert await auto_withdraw({"redis": None}) == 0  # nothing left to do
    assert await OutboxMail.count() == len(mails)


async def test_an_archived_campaign_is_left_alone(refdata, mail_templates, clock):
    campaign = await make_campaign()
    favourable = await make_decision_type(Verdict.FAVOURABLE, label_fr="Avis favorable")
    _, application_id = await make_received_application(
        campaign, confirmation_delay_days=3, return_date=date(2026, 7, 15)
    )
    await decide(application_id, favourable)
    await Campaign.update({Campaign.archived_at: datetime(2026, 6, 16, tzinfo=UTC)}).where(
        Campaign.id == campaign.id
    )

    clock.move_to(datetime.combine(date(2026, 6, 19), time(23, 15), PARIS))
    assert await auto_withdraw({"redis": None}) == 0
    assert (await Application.objects().get(Application.id == application_id)).answer is None
