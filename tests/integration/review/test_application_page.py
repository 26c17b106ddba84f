"""The desk's application page (/staff/candidatures/<id>): scope, what it shows (summary,
dossier, pieces with their files and history, decisions, notes, audit trail)."""

from __future__ import annotations

import re
from html import unescape

import pytest

from app.applications import lifecycle
from app.applications.codes import PieceStatus, Verdict
from app.applications.notes import add_candidate_note, add_staff_note
from app.backoffice.codes import StaffRole
from app.dossier.tables import Internship
from tests.factories import make_campaign, make_centre, make_commission, make_programme
from tests.factories import make_required_piece
from tests.factories_dossier import (
    JPEG,
    decide,
    make_decision_type,
    make_received_application,
    make_applicant,
)
from tests.factories_staff import STAFF_PASSWORD, make_staff
from tests.fixtures.web import post_form
from tests.integration.test_dossier_support import plant_session
from app.documents.storage import store_upload


def text_of(html: str) -> str:
    without_tags = re.sub(
        r"<[^>]+>", " ", re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    )
    return " ".join(unescape(without_tags).split())


async def sign_in(client, username: str) -> None:
    response = await post_form(
        client, "/staff/connexion", {"username": username, "password": STAFF_PASSWORD}
    )
    assert response.status_code == 303, response.text


async def two_centres():
    """Centre A and centre B, each with a programme asking for one piece, and one
    transmitted application in each (the piece given as a PDF)."""
    campaign = await make_campaign()
    piece = await make_required_piece(campaign, label_fr="Lettre de motivation")
    worlds = []
    for label in ("A", "B"):
        centre = await make_centre(campaign, label=f"CENTRE {label}")
        commission = await make_commission(centre, email=f"commission.{label.lower()}@univ.example")
        programme = await make_programme(commission, [piece], label=f"CESURE {label}")
        account = await make_applicant(campaign)
        change = await lifecycle.apply(account_id=account.id, programme_id=programme.id)
        actor = lifecycle.Actor.candidate(account.id)
        file_id = await store_upload(owner_account_id=account.id, filename="lettre.jpg", data=JPEG)
        await lifecycle.submit_piece(
            application_id=change.application_id, piece_id=piece.id, file_id=file_id, actor=actor
        )
        await lifecycle.transmit(application_id=change.application_id, actor=actor)
        worlds.append((centre, commission, programme, account, change.application_id))
    return campaign, piece, worlds


async def test_smoke(client):
    campaign, piece, [(centre_a, _, _, account, app_a), (_, _, _, _, app_b)] = await two_centres()
    await make_staff(StaffRole.CENTRE_MANAGER, centres=[centre_a], username="ga")
    await sign_in(client, "ga")
    page = await client.get(f"/staff/candidatures/{app_a}")
    assert page.status_code == 200, page.text
    print(text_of(page.text))
    assert (await client.get(f"/staff/candidatures/{app_b}")).status_code == 404
