"""The desk's application page (/staff/candidatures/<id>): scope, what it shows (summary,
dossier, pieces with their files and history, decisions, notes, audit trail)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape

import httpx

from app.applications import lifecycle
from app.applications.notes import add_candidate_note, add_staff_note
from app.core.codes.staff import StaffRole
from app.documents.storage import store_upload
from app.tables.catalog import Campaign, Centre, Commission, RequiredPiece
from app.tables.dossier import Candidate, Internship
from tests.factories import (
    make_campaign,
    make_centre,
    make_commission,
    make_programme,
    make_required_piece,
)
from tests.factories_dossier import JPEG, PDF, make_applicant
from tests.factories_staff import STAFF_PASSWORD, make_staff
from tests.fixtures.web import post_form
from tests.integration.dossier_support import plant_session

BIG = 2**40


def text_of(html: str) -> str:
    """What a reader sees: tags removed, entities decoded, white space collapsed."""
    without_tags = re.sub(
        r"<[^>]+>", " ", re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    )
    return " ".join(unescape(without_tags).split())


async def sign_in(client: httpx.AsyncClient, username: str) -> None:
    response = await post_form(
        client, "/staff/connexion", {"username": username, "password": STAFF_PASSWORD}
    )
    assert response.status_code == 303, response.text


async def as_candidate(client: httpx.AsyncClient, account) -> None:
    """The same browser also signed in as the candidate (the two sessions coexist)."""
    await plant_session(client, account)


@dataclass
class Side:
    centre: Centre
    commission: Commission
    account: object
    application_id: int


@dataclass
class World:
    campaign: Campaign
    piece: RequiredPiece
    a: Side
    b: Side


async def transmitted(campaign, programme, piece, *, data: bytes = PDF, name="lettre.pdf"):
    """A candidate's application to ``programme``, the piece given, transmitted (RE)."""
    account = await make_applicant(campaign)
    change = await lifecycle.apply(account_id=account.id, programme_id=programme.id)
    actor = lifecycle.Actor.candidate(account.id)
    file_id = await store_upload(owner_account_id=account.id, filename=name, data=data)
    await lifecycle.submit_piece(
        application_id=change.application_id, piece_id=piece.id, file_id=file_id, actor=actor
    )
    await lifecycle.transmit(application_id=change.application_id, actor=actor)
    return account, change.application_id


async def two_centres(*, commission: dict | None = None) -> World:
    """Centres A and B, each with a programme asking for one piece and one transmitted
    application (A's piece a PDF, B's a JPEG)."""
    campaign = await make_campaign()
    piece = await make_required_piece(campaign, label_fr="Lettre de motivation")
    sides = []
    for label, data, name in (("A", PDF, "lettre.pdf"), ("B", JPEG, "lettre.jpg")):
        centre = await make_centre(campaign, label=f"CENTRE {label}")
        owner = await make_commission(
            centre, email=f"commission.{label.lower()}@univ.example", **(commission or {})
        )
        programme = await make_programme(owner, [piece], label=f"CESURE {label}")
        account, application_id = await transmitted(
            campaign, programme, piece, data=data, name=name
        )
        sides.append(Side(centre, owner, account, application_id))
    return World(campaign, piece, *sides)


def page_url(application_id: int) -> str:
    return f"/staff/candidatures/{application_id}"


def file_url(application_id: int, piece_id: int) -> str:
    return f"{page_url(application_id)}/pieces/{piece_id}/fichier"


# --- scope ---------------------------------------------------------------------------


async def test_a_centre_manager_gets_404_on_another_centres_application_and_files(client):
    world = await two_centres()
    await make_staff(StaffRole.CENTRE_MANAGER, centres=[world.a.centre], username="ga")
    await sign_in(client, "ga")

    assert (await client.get(page_url(world.a.application_id))).status_code == 200
    own = await client.get(file_url(world.a.application_id, world.piece.id))
    assert own.status_code == 200
    assert own.content == PDF

    b = world.b.application_id
    for url in (
        page_url(b),
        file_url(b, world.piece.id),
        file_url(b, world.piece.id) + "?version=1",
        page_url(BIG),
        file_url(world.a.application_id, BIG),
        file_url(world.a.application_id, world.piece.id) + f"?version={BIG}",
        file_url(world.a.application_id, world.piece.id) + "?version=abc",
        page_url(0),
    ):
        assert (await client.get(url)).status_code == 404, url
    # Not signed in: the sign-in page, not the application.
    client.cookies.clear()
    response = await client.get(page_url(world.a.application_id))
    assert response.status_code == 303
    assert response.headers["location"].startswith("/staff/connexion")


async def test_a_commission_member_sees_its_commissions_applications_only(client):
    world = await two_centres()
    await make_staff(StaffRole.COMMISSION_MEMBER, commissions=[world.b.commission], username="j")
    await sign_in(client, "j")
    assert (await client.get(page_url(world.b.application_id))).status_code == 200
    assert (await client.get(page_url(world.a.application_id))).status_code == 404
    assert (await client.get(file_url(world.a.application_id, world.piece.id))).status_code == 404


async def test_piece_files_are_served_inline_sandboxed_with_their_type(client):
    world = await two_centres()
    await make_staff(StaffRole.CENTRAL_OFFICE, username="scol")
    await sign_in(client, "scol")
    for side, content_type, name in (
        (world.a, "application/pdf", "lettre.pdf"),
        (world.b, "image/jpeg", "lettre.jpg"),
    ):
        response = await client.get(file_url(side.application_id, world.piece.id))
        assert response.status_code == 200
        assert response.headers["content-type"].startswith(content_type)
        assert response.headers["content-disposition"].startswith(f'inline; filename="{name}"')
        assert response.headers["x-content-type-options"] == "nosniff"
        policy = response.headers["content-security-policy"]
        assert policy.startswith("sandbox;") and "default-src 'none'" in policy

    # The viewer sits next to the actions: PDF in an iframe, JPEG in an img.
    page_a = (await client.get(page_url(world.a.application_id))).text
    assert f'<iframe src="{file_url(world.a.application_id, world.piece.id)}"' in page_a
    page_b = (await client.get(page_url(world.b.application_id))).text
    assert f'<img src="{file_url(world.b.application_id, world.piece.id)}"' in page_b


# --- what the page shows ---------------------------------------------------------------


async def test_the_page_shows_the_summary_and_the_whole_dossier(client):
    world = await two_centres()
    candidate = await Candidate.objects().get(Candidate.account == world.a.account.id)
    await Internship(
        candidate=candidate.id, year=2025, duration="3 mois", employer="CNES", description="Optique"
    ).save()
    await make_staff(StaffRole.CENTRE_MANAGER, centres=[world.a.centre], username="ga")
    await sign_in(client, "ga")

    text = text_of((await client.get(page_url(world.a.application_id))).text)
    for expected in (
        "Formation CESURE A",
        "Centre de candidature CENTRE A",
        f"Numéro de dossier {world.a.account.login}",
        "Statut du dossier Réceptionné",
        "Type de traitement Accès contrôlé — validé",
        "Date de transmission 15/06/2026",
        "Décision Aucune décision",
        "Réponse du candidat Pas de réponse",
        "Nom patronymique DUPONT",
        "Date naissance (jj/mm/aaaa) 17/05/2004",
        "12 rue des Lois 31000 Toulouse",
        "Année d'obtention 2022",
        "2025 3 mois CNES Optique",
        "Lettre de motivation — Transmise",
        f"Adresse mail {world.a.account.email}",
    ):
        assert expected in text, expected


async def test_staff_notes_are_shown_to_staff_and_never_to_the_candidate(client):
    world = await two_centres()
    user_id = await make_staff(
        StaffRole.CENTRE_MANAGER, centres=[world.a.centre], username="ga", display_name="Alice G"
    )
    application_id = world.a.application_id
    await add_candidate_note(
        account_id=world.a.account.id, application_id=application_id, message="Note du candidat"
    )
    await add_staff_note(user_id=user_id, application_id=application_id, message="Avis interne")
    await sign_in(client, "ga")
    response = await post_form(
        client, f"{page_url(application_id)}/notes", {"note": "Relancer le candidat"}
    )
    assert response.status_code == 303
    staff_page = text_of((await client.get(page_url(application_id))).text)
    assert "Note ajoutée (visible des gestionnaires seulement)." in staff_page
    for note in ("Note du candidat", "Avis interne", "Relancer le candidat"):
        assert note in staff_page
    assert "Alice G (note interne) Relancer le candidat" in staff_page

    await as_candidate(client, world.a.account)
    candidate_page = text_of((await client.get(f"/candidatures/{application_id}")).text)
    assert "Note du candidat" in candidate_page
    assert "Avis interne" not in candidate_page
    assert "Relancer le candidat" not in candidate_page


async def test_a_member_without_rights_sees_no_action_forms(client):
    world = await two_centres(commission={"members_process": False, "members_decide": False})
    await make_staff(StaffRole.COMMISSION_MEMBER, commissions=[world.a.commission], username="j")
    await sign_in(client, "j")
    html = (await client.get(page_url(world.a.application_id))).text
    assert "/statut" not in html
    assert "/decision" not in html
    assert "/date-retour" not in html
    assert "lecture seule" in html
    # Notes stay open to whoever sees the application.
    assert f'action="{page_url(world.a.application_id)}/notes"' in html
