"""The programme's contact (issue 14, item 12): the summary shows it, and so do the
pages that refuse something about the programme: its closed window, a file over the
body limit, the page of a programme that is not offered."""

from __future__ import annotations

from datetime import date

import pytest

from app.catalog.contacts import Contact, programme_contact
from app.tables.catalog import Campaign
from tests.factories import make_campaign, make_centre, make_commission, make_programme
from tests.fixtures.web import csrf_token
from tests.integration.dossier_support import make_application, new_signed_in
from tests.integration.test_application_pages import text_of

CENTRE = {
    "address_lines": "Scolarité FSI\n118 route de Narbonne",
    "postal_code": "31062",
    "city": "TOULOUSE",
    "contact_email": "scol.fsi@univ.example",
    "contact_phone": "05 61 55 66 11",
}
COMMISSION = {
    "address_lines": "Bâtiment 3TP2",
    "postal_code": "31400",
    "city": "TOULOUSE",
    "email": "commission.fsi@univ.example",
    "phone": "05 61 55 00 00",
}
NO_COMMISSION_CONTACT = {"address_lines": "", "postal_code": "", "city": "", "email": ""}


@pytest.fixture
async def campaign(clock, database) -> Campaign:
    return await make_campaign(academic_year="2026/2027")


async def programme_of(campaign, commission: dict, **programme):
    centre = await make_centre(campaign, **CENTRE)
    return await make_programme(await make_commission(centre, **commission), **programme)


async def test_the_commission_gives_the_contact_and_its_centre_what_it_lacks(campaign):
    own = await programme_of(campaign, COMMISSION)
    borrowed = await programme_of(campaign, NO_COMMISSION_CONTACT)

    assert await programme_contact(own.id) == Contact(
        lines=("Bâtiment 3TP2", "31400 TOULOUSE"),
        email="commission.fsi@univ.example",
        phone="05 61 55 00 00",
    )
    assert await programme_contact(borrowed.id) == Contact(
        lines=("Scolarité FSI", "118 route de Narbonne", "31062 TOULOUSE"),
        email="scol.fsi@univ.example",
        phone="05 61 55 66 11",
    )
    assert await programme_contact(borrowed.id + 1000) is None


async def test_the_page_of_a_closed_programme_gives_its_contact(client, campaign):
    closed = await programme_of(
        campaign, COMMISSION, deposit_start=date(2026, 5, 1), deposit_end=date(2026, 5, 31)
    )
    await new_signed_in(client)

    page = await client.get(f"/candidatures/nouvelle/{closed.id}")

    assert page.status_code == 200
    shown = text_of(page.text)
    assert "Les candidatures à cette formation ne sont pas ouvertes aujourd'hui" in shown
    assert (
        "Adresse de contact Bâtiment 3TP2 31400 TOULOUSE commission.fsi@univ.example "
        "05 61 55 00 00" in shown
    )


async def test_an_open_programme_s_question_page_has_no_contact_block(client, campaign):
    open_programme = await programme_of(campaign, COMMISSION)
    await new_signed_in(client)

    page = await client.get(f"/candidatures/nouvelle/{open_programme.id}")

    assert page.status_code == 200
    assert "Adresse de contact" not in text_of(page.text)


async def test_a_programme_not_offered_answers_404_with_its_contact(client, campaign):
    hidden = await programme_of(campaign, NO_COMMISSION_CONTACT, active=False)
    await new_signed_in(client)

    page = await client.get(f"/candidatures/nouvelle/{hidden.id}")
    unknown = await client.get(f"/candidatures/nouvelle/{hidden.id + 1000}")

    assert page.status_code == 404
    assert (
        "Page introuvable La page demandée n'existe pas ou n'existe plus. Adresse de contact "
        "Scolarité FSI 118 route de Narbonne 31062 TOULOUSE scol.fsi@univ.example "
        "05 61 55 66 11 Retour à l'accueil" in text_of(page.text)
    )
    assert unknown.status_code == 404
    assert "Adresse de contact" not in text_of(unknown.text)


async def test_a_file_over_the_body_limit_is_refused_with_the_programme_s_contact(client, campaign):
    signed_in = await new_signed_in(client)
    application = await make_application(signed_in.candidate)

    response = await client.post(
        f"/candidatures/{application.id}/pieces/1",
        data={"_csrf_token": await csrf_token(client)},
        files={"fichier": ("big.pdf", b"%PDF-" + bytes(3 * 1024 * 1024), "application/pdf")},
    )

    assert response.status_code == 413
    contact = await programme_contact(application.programme)
    shown = text_of(response.text)
    assert "Le fichier envoyé est trop volumineux" in shown
    assert f"Adresse de contact {' '.join(contact.lines)} {contact.email}" in shown
