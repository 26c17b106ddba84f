"""Issue 11, item 4: an archived campaign is read-only everywhere: its candidates change
nothing (dossier, applications, pieces), staff actions are refused, jobs skip it."""

from __future__ import annotations

import pytest

from app.applications import lifecycle
from app.applications.lifecycle import Actor, LifecycleRefused, Refusal
from app.backoffice.next_campaign import open_next_campaign
from app.core.codes.applications import DossierStatus
from app.dossier import service
from app.tables.applications import Application
from app.tables.dossier import PriorStudy
from app.tables.ops import AuditEvent
from tests.factories import make_campaign, make_required_piece
from tests.factories_dossier import make_applicant, make_open_programme, stored_pdf
from tests.fixtures.web import post_form
from tests.integration.dossier_support import plant_session
from tests.integration.test_dossier_rows import study

STAFF = Actor.staff(1)
ARCHIVED = "La campagne de votre dossier est close et archivée : il n'est plus modifiable."


@pytest.fixture
async def archived(refdata, mail_templates, clock):
    """A candidate with an application waiting (AT) and one received (RE), then the
    campaign archived by opening the next one."""
    campaign = await make_campaign()
    piece = await make_required_piece(campaign)
    programme = await make_open_programme(campaign, pieces=[piece])
    other = await make_open_programme(campaign)
    account = await make_applicant(campaign)
    waiting = (
        await lifecycle.apply(account_id=account.id, programme_id=programme.id)
    ).application_id
    received = (await lifecycle.apply(account_id=account.id, programme_id=other.id)).application_id
    await lifecycle.transmit(application_id=received, actor=Actor.candidate(account.id))
    await open_next_campaign(
        campaign_id=campaign.id,
        code="NEXT",
        label_fr="Campagne suivante",
        label_en="Next campaign",
        academic_year="2027/2028",
        shift_days=None,
        actor=STAFF,
    )
    return {"account": account, "waiting": waiting, "received": received, "piece": piece}


async def refusal(call) -> Refusal:
    with pytest.raises(LifecycleRefused) as caught:
        await call
    return caught.value.reason


async def test_candidate_and_staff_changes_are_refused(archived):
    account, candidate = archived["account"], Actor.candidate(archived["account"].id)
    before = await AuditEvent.count()
    file_id = await stored_pdf(account)
    calls = [
        lifecycle.submit_piece(
            application_id=archived["waiting"],
            piece_id=archived["piece"].id,
            file_id=file_id,
            actor=candidate,
        ),
        lifecycle.declare_not_concerned(
            application_id=archived["waiting"], piece_id=archived["piece"].id, actor=candidate
        ),
        lifecycle.transmit(application_id=archived["waiting"], actor=candidate),
        lifecycle.cancel(application_id=archived["waiting"], actor=candidate),
        lifecycle.set_dossier_status(
            application_id=archived["received"], status=DossierStatus.COMPLETE, actor=STAFF
        ),
    ]
    for call in calls:
        assert await refusal(call) is Refusal.CAMPAIGN_ARCHIVED
    statuses = await Application.select(Application.status).order_by(Application.id)
    assert [row["status"] for row in statuses] == ["AT", "RE"]
    assert await AuditEvent.count() == before

    with pytest.raises(service.DossierLocked) as locked:
        await service.save_address(account_id=account.id, changes={"line1": "1 rue X"})
    assert locked.value.reason == ARCHIVED
    with pytest.raises(service.DossierLocked):
        await service.add_prior_study(account_id=account.id, values={"label": "L1"})
    assert await PriorStudy.count() == 0


async def test_the_dossier_pages_say_why(archived, client):
    await plant_session(client, archived["account"])
    response = await post_form(
        client, "/dossier/cursus-externe/nouveau", await study("2024", "L1 Sciences")
    )
    assert response.status_code == 403
    assert ARCHIVED.replace("'", "&#39;") in response.text or ARCHIVED in response.text
    assert await PriorStudy.count() == 0


async def test_the_application_page_says_why(archived, client):
    await plant_session(client, archived["account"])
    response = await post_form(client, f"/candidatures/{archived['waiting']}/transmettre", {})
    assert response.status_code == 409
    assert "La campagne de cette candidature est close et archivée" in response.text.replace(
        "&#39;", "'"
    )
    status = await Application.select(Application.status).where(
        Application.id == archived["waiting"]
    )
    assert status == [{"status": "AT"}]
