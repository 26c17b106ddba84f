"""Defect 13 (caps): the dossier's many-rows sections and the Bloc-notes are bounded in
the domain, with a clear message over HTTP: 30 rows per section, 50 notes per
application, no text longer than its column."""

from __future__ import annotations

import pytest

from app.applications import lifecycle
from app.applications.notes import MAX_CANDIDATE_NOTES, NoteProblem, NoteRefused, add_candidate_note
from app.dossier import service
from app.tables.applications import Note
from app.tables.catalog import Campaign
from app.tables.dossier import Internship, WorkExperience
from tests.factories import make_campaign
from tests.factories_dossier import make_complete_dossier, make_open_programme
from tests.fixtures.web import post_form
from tests.integration.dossier_support import error_messages, new_candidate, plant_session

INTERNSHIP = {
    "year": 2025,
    "duration": "2 mois",
    "hours_per_week": 35,
    "employer": "CHU de Toulouse",
    "description": "Stage",
}


@pytest.fixture
async def candidate(client, refdata, clock, mail_templates):
    await make_campaign()
    account, _ = await new_candidate()
    await make_complete_dossier(account)
    await plant_session(client, account)
    return account


async def test_the_31st_row_of_a_section_is_refused_in_the_domain(candidate):
    assert service.MAX_ROWS_PER_SECTION == 30
    for _ in range(30):
        await service.add_internship(account_id=candidate.id, values=INTERNSHIP)
    with pytest.raises(service.TooManyRows):
        await service.add_internship(account_id=candidate.id, values=INTERNSHIP)
    assert await Internship.count() == 30
    # each section has its own cap
    await service.add_experience(
        account_id=candidate.id,
        values={"year": 2024, "title": "Serveur", "duration": "2 mois", "employer": "Café"},
    )
    assert await WorkExperience.count() == 1


async def test_the_31st_row_over_http_gets_a_message(candidate, client):
    for _ in range(30):
        await service.add_internship(account_id=candidate.id, values=INTERNSHIP)
    form = {k: str(v) for k, v in INTERNSHIP.items()}
    response = await post_form(client, "/dossier/stages/nouveau", form)
    assert response.status_code == 200
    assert error_messages(response.text) == [
        "Cette rubrique contient déjà 30 lignes, le nombre maximum : supprimez une ligne pour en ajouter une autre."
    ]
    assert await Internship.count() == 30


async def test_a_text_longer_than_its_column_is_refused_in_the_domain(candidate):
    with pytest.raises(service.TextTooLong) as refused:
        await service.add_internship(
            account_id=candidate.id, values={**INTERNSHIP, "description": "x" * 501}
        )
    assert (refused.value.field, refused.value.limit) == ("description", 500)
    row_id = await service.add_internship(account_id=candidate.id, values=INTERNSHIP)
    with pytest.raises(service.TextTooLong):
        await service.update_internship(
            account_id=candidate.id, row_id=row_id, values={**INTERNSHIP, "employer": "e" * 101}
        )
    assert await Internship.select(Internship.employer).first() == {"employer": "CHU de Toulouse"}


@pytest.fixture
async def application_id(candidate):
    campaign = await Campaign.objects().get(Campaign.active.eq(True))
    programme = await make_open_programme(campaign)
    change = await lifecycle.apply(account_id=candidate.id, programme_id=programme.id)
    return change.application_id


async def test_notes_are_capped_per_application(candidate, application_id, client):
    assert MAX_CANDIDATE_NOTES == 50
    for n in range(50):
        await add_candidate_note(
            account_id=candidate.id, application_id=application_id, message=f"note {n}"
        )
    with pytest.raises(NoteRefused) as refused:
        await add_candidate_note(
            account_id=candidate.id, application_id=application_id, message="une de trop"
        )
    assert refused.value.problem is NoteProblem.TOO_MANY
    response = await post_form(client, f"/candidatures/{application_id}/notes", {"note": "encore"})
    assert response.status_code == 422
    assert (
        "Ce bloc-notes contient déjà 50 notes, le nombre maximum : il n'est plus possible d'en ajouter."
        in response.text.replace("&#39;", "'")
    )
    assert await Note.count() == 50


async def test_a_note_is_bounded_in_the_domain_too(candidate, application_id):
    for message, problem in (("   ", NoteProblem.EMPTY), ("x" * 256, NoteProblem.TOO_LONG)):
        with pytest.raises(NoteRefused) as refused:
            await add_candidate_note(
                account_id=candidate.id, application_id=application_id, message=message
            )
        assert refused.value.problem is problem
    assert await Note.count() == 0
