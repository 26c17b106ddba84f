"""Defect 6 (text): control characters in any form field or query string are refused
with a message, never a 500 (PostgreSQL refuses NUL bytes), keeping what was typed
without them. Line breaks only in the multi-line fields (descriptions, notes)."""

from __future__ import annotations

from html import unescape

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.applications import lifecycle
from app.tables.accounts import CandidateAccount
from app.tables.applications import Note
from app.tables.catalog import Campaign
from app.tables.dossier import Internship
from app.web.inputs import has_control_characters, without_control_characters
from tests.factories import make_campaign
from tests.factories_dossier import make_complete_dossier, make_open_programme
from tests.fixtures.web import post_form
from tests.integration.dossier_support import error_messages, new_candidate, plant_session

MESSAGE = (
    "Ce champ contenait des caractères non autorisés (caractères de contrôle ou retours "
    "à la ligne) : ils ont été retirés. Vérifiez la saisie puis validez à nouveau."
)
INTERNSHIP = {
    "year": "2025",
    "duration": "2 mois",
    "hours_per_week": "35",
    "employer": "CHU de Toulouse",
    "description": "Stage d'observation",
}


@pytest.fixture
async def candidate(client, refdata, clock, mail_templates):
    await make_campaign()
    account, _ = await new_candidate()
    await make_complete_dossier(account)
    await plant_session(client, account)
    return account


def test_what_counts_as_a_control_character():
    for bad in ("a\x00b", "a\x1bb", "a\x7fb", "a\x85b", "a\x9fb", "a\x0bb"):
        assert has_control_characters(bad, multiline=True)
    assert has_control_characters("Jean\nDupont")
    assert not has_control_characters("ligne 1\r\nligne 2\tfin", multiline=True)
    assert not has_control_characters("Zoë d'Aubigné-Lefèvre\t")
    assert without_control_characters("a\x00b\nc") == "abc"
    assert without_control_characters("a\x00b\nc", multiline=True) == "ab\nc"


async def test_a_nul_byte_in_the_sign_in_identifier_is_a_field_error(client):
    response = await post_form(
        client, "/connexion", {"identifier": "a\x00b", "password": "whatever"}
    )
    assert response.status_code == 200
    assert error_messages(response.text) == [MESSAGE]
    assert 'value="ab"' in response.text


async def test_sign_up_refuses_a_line_break_in_a_name_and_creates_nothing(client, clock):
    await make_campaign()
    form = {
        "last_name": "Dupont\r\nBcc: x@example.org",
        "first_name": "Jean\x00",
        "email": "jean@example.org",
        "email_confirm": "jean@example.org",
        "password": "Motdepasse-1234",
        "password_confirm": "Motdepasse-1234",
    }
    response = await post_form(client, "/compte/creer", form)
    assert response.status_code == 200
    assert error_messages(response.text) == [MESSAGE, MESSAGE]
    assert "DupontBcc: x@example.org" in unescape(response.text)
    assert await CandidateAccount.count() == 0


async def test_a_description_may_span_lines_but_holds_no_nul(candidate, client):
    refused = await post_form(
        client,
        "/dossier/stages/nouveau",
        {**INTERNSHIP, "employer": "CHU\x00", "description": "a\x00b"},
    )
    assert refused.status_code == 200
    assert error_messages(refused.text) == [MESSAGE, MESSAGE]
    assert await Internship.count() == 0

    accepted = await post_form(
        client, "/dossier/stages/nouveau", {**INTERNSHIP, "description": "Ligne 1\r\nLigne 2"}
    )
    assert accepted.status_code == 303
    row = await Internship.select(Internship.description).first()
    assert row["description"] in ("Ligne 1\r\nLigne 2", "Ligne 1\nLigne 2")


async def test_identity_keeps_the_control_character_error(candidate, client):
    response = await post_form(
        client, "/dossier/informations-personnelles", {"usual_name": "X\x00"}
    )
    assert response.status_code == 200
    assert MESSAGE in error_messages(response.text)


async def test_a_note_may_span_lines_but_holds_no_control_character(candidate, client):
    campaign = await Campaign.objects().get(Campaign.active.eq(True))
    programme = await make_open_programme(campaign)
    change = await lifecycle.apply(account_id=candidate.id, programme_id=programme.id)
    url = f"/candidatures/{change.application_id}/notes"
    refused = await post_form(client, url, {"note": "bonjour\x1b[31m"})
    assert refused.status_code == 422
    assert MESSAGE in error_messages(refused.text)
    assert await Note.count() == 0
    accepted = await post_form(client, url, {"note": "ligne 1\nligne 2"})
    assert accepted.status_code == 303
    assert await Note.count() == 1


@pytest.mark.parametrize(
    "path",
    [
        "/candidatures/nouvelle?q=ab%00c",
        "/dossier/?enregistre=%00",
        "/connexion?suivant=/%0d%0aSet-Cookie:x",
        "/?x%00=1",
    ],
)
async def test_control_characters_in_a_query_string_are_a_400(candidate, client, path):
    response = await client.get(path, headers={"accept": "text/html"})
    assert response.status_code == 400
    assert "Requête invalide" in response.text


@pytest.mark.parametrize(
    "path", ["/compte/activer/a%00b", "/compte/mot-de-passe/x%0ay", "/compte/adresse-mail/%7f"]
)
async def test_control_characters_in_a_path_token_are_a_404(client, path):
    response = await client.get(path, headers={"accept": "text/html"})
    assert response.status_code == 404


TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30)


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(identifier=TEXT, password=TEXT)
async def test_fuzzed_sign_in_never_answers_500(client, identifier, password):
    response = await post_form(
        client, "/connexion", {"identifier": identifier, "password": password}
    )
    assert response.status_code in (200, 303, 429)
