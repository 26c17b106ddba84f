"""Issue 12: a programme's letters in one PDF from the review desk, scoped like the
queue (another centre's programme is a 404)."""

from __future__ import annotations

from io import BytesIO

from pypdf import PdfReader

from app.core.codes.applications import Verdict
from app.core.codes.staff import StaffRole
from app.tables.applications import Application
from app.tables.letters import IssuedLetter
from tests.factories_dossier import decide, make_decision_type
from tests.factories_staff import make_staff
from tests.integration.review.test_application_page import BIG, sign_in, two_centres


def letters_url(programme_id: int) -> str:
    return f"/staff/formations/{programme_id}/lettres.pdf"


async def programme_of(application_id: int) -> int:
    row = await Application.select(Application.programme).where(Application.id == application_id)
    return row[0]["programme"]


async def test_a_centre_manager_prints_its_programmes_letters_only(client):
    world = await two_centres()
    favourable = await make_decision_type(Verdict.FAVOURABLE, label_fr="Avis favorable")
    unfavourable = await make_decision_type(Verdict.UNFAVOURABLE, label_fr="Avis défavorable")
    await decide(world.a.application_id, favourable)
    await decide(world.b.application_id, unfavourable)
    await make_staff(StaffRole.CENTRE_MANAGER, centres=[world.a.centre], username="ga")
    await sign_in(client, "ga")
    mine, theirs = (
        await programme_of(world.a.application_id),
        await programme_of(world.b.application_id),
    )

    response = await client.get(letters_url(mine))

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    reader = PdfReader(BytesIO(response.content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Autorisation de césure" in text
    assert "CESURE A" in text
    assert world.a.account.login in text
    assert world.b.account.login not in text
    rows = await IssuedLetter.select(IssuedLetter.application, IssuedLetter.kind)
    assert rows == [{"application": world.a.application_id, "kind": "admission"}]

    for url in (letters_url(theirs), letters_url(BIG), letters_url(0)):
        assert (await client.get(url)).status_code == 404, url
    assert (await client.get("/staff/formations/abc/lettres.pdf")).status_code in (400, 404)


async def test_a_programme_without_letters_says_so_then_prints_its_letter(client):
    world = await two_centres()
    favourable = await make_decision_type(Verdict.FAVOURABLE, label_fr="Avis favorable")
    await make_staff(StaffRole.CENTRE_MANAGER, centres=[world.b.centre], username="gb")
    await sign_in(client, "gb")
    programme = await programme_of(world.b.application_id)

    empty = await client.get(letters_url(programme))
    assert empty.status_code == 200
    assert "Aucune lettre n'est disponible pour cette formation" in empty.text

    await decide(world.b.application_id, favourable)
    response = await client.get(letters_url(programme))
    assert len(PdfReader(BytesIO(response.content)).pages) == 1
    # the candidate's own letter then carries the same code
    assert await IssuedLetter.count() == 1


async def test_signed_out_staff_are_sent_to_sign_in(client):
    world = await two_centres()
    response = await client.get(letters_url(await programme_of(world.a.application_id)))
    assert response.status_code == 303
    assert response.headers["location"].startswith("/staff/connexion")
