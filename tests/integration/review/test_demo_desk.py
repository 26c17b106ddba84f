"""The demo's desk is usable as loaded: the ``commission`` user finds the demo
application in the queue and may act on it (pieces, dossier status, decision)."""

from __future__ import annotations

from app.demo.data import DEMO_CANDIDATE, STAFF
from app.demo.seed import load_demo_data
from app.tables.applications import Application
from tests.fixtures.web import post_form
from tests.integration.review.test_application_page import text_of


async def test_the_demo_commission_member_can_run_the_review(client):
    await load_demo_data()
    commission = next(s for s in STAFF if s.username == "commission")
    response = await post_form(
        client,
        "/staff/connexion",
        {"username": commission.username, "password": commission.password},
    )
    assert response.status_code == 303
    queue = text_of((await client.get("/staff/candidatures")).text)
    assert "1 candidature" in queue
    assert DEMO_CANDIDATE.login in queue
    [application] = await Application.select(Application.id)
    page = text_of((await client.get(f"/staff/candidatures/{application['id']}")).text)
    assert "Candidature de LÉA DURAND" in page
    for action in (
        "Refusée : Copie de la pièce d'identité",
        "Déclarer complet",
        "Saisir une décision",
    ):
        assert action in page
    assert "lecture seule" not in page
