"""« Adresse » over HTTP (guide §04.2, issue 4 item 3)."""

from __future__ import annotations

from app.tables.dossier import Address, Candidate
from app.tables.ops import AuditEvent
from tests.fixtures.web import post_form
from tests.integration.dossier_support import (
    commune_id,
    country_id,
    error_messages,
    has_field,
    make_application,
    options,
)

URL = "/dossier/adresse"


async def stored_address(candidate_id: int) -> dict | None:
    candidate = (
        await Candidate.select(Candidate.address).where(Candidate.id == candidate_id).first()
    )
    if candidate["address"] is None:
        return None
    row = await Address.select().where(Address.id == candidate["address"]).first()
    return {k: v for k, v in row.items() if k != "id"}


async def test_france_postal_code_narrows_the_communes(signed_in):
    page = await signed_in.http.get(URL)
    assert has_field(page.text, "postal_code")  # France is preselected
    assert options(page.text, "commune") == []
    assert "Saisissez d&#39;abord le code postal" in page.text

    france = str(await country_id("99100"))
    refreshed = await post_form(
        signed_in.http, URL, {"country": france, "postal_code": "74940", "refresh": "1"}
    )
    assert refreshed.status_code == 200
    assert options(refreshed.text, "commune") == [
        (str(await commune_id("74010")), "Annecy"),
        (
            str(await commune_id("74011", "commune-deleguee")),
            "Annecy-le-Vieux (ancienne commune, Annecy)",
        ),
        (
            str(await commune_id("74093", "commune-deleguee")),
            "Cran-Gevrier (ancienne commune, Annecy)",
        ),
        (str(await commune_id("74182", "commune-deleguee")), "Meythet (ancienne commune, Annecy)"),
        (str(await commune_id("74217", "commune-deleguee")), "Pringy (ancienne commune, Annecy)"),
        (str(await commune_id("74268", "commune-deleguee")), "Seynod (ancienne commune, Annecy)"),
    ]
    assert await stored_address(signed_in.candidate.id) is None  # a refresh saves nothing


async def test_saves_a_french_address_once_matched(signed_in):
    france, toulouse = str(await country_id("99100")), str(await commune_id("31555"))
    form = {
        "country": france,
        "line1": " 12 rue des Lois ",
        "line2": "",
        "line3": "",
        "postal_code": "31 000",
        "commune": toulouse,
    }
    response = await post_form(signed_in.http, URL, form)
    assert response.status_code == 303
    assert response.headers["location"] == "/dossier?enregistre=adresse"
    assert await stored_address(signed_in.candidate.id) == {
        "country": int(france),
        "line1": "12 rue des Lois",
        "line2": "",
        "line3": "",
        "postal_code": "31000",
        "commune": int(toulouse),
        "foreign_city": "",
    }
    assert await AuditEvent.count().where(AuditEvent.action == "dossier_address_saved") == 1

    # Saved again with another line: the same Address row is updated.
    again = await post_form(signed_in.http, URL, {**form, "line2": "Bâtiment B"})
    assert again.status_code == 303
    assert await Address.count() == 1
    assert (await stored_address(signed_in.candidate.id))["line2"] == "Bâtiment B"


async def test_postal_code_and_commune_must_match(signed_in):
    france = str(await country_id("99100"))
    base = {
        "country": france,
        "line1": "1 place du Capitole",
        "commune": str(await commune_id("31555")),
    }
    response = await post_form(signed_in.http, URL, {**base, "postal_code": "75001"})
    assert error_messages(response.text) == [
        "Le champ « Commune » doit être une commune du code postal 75001."
    ]
    response = await post_form(signed_in.http, URL, {**base, "postal_code": "3100"})
    assert error_messages(response.text) == ["Le champ « Code postal » doit contenir 5 chiffres."]
    assert await stored_address(signed_in.candidate.id) is None


async def test_required_fields_in_france_and_abroad(signed_in):
    france = str(await country_id("99100"))
    response = await post_form(signed_in.http, URL, {"country": france})
    assert error_messages(response.text) == [
        "Le champ « Adresse » est obligatoire.",
        "Le champ « Code postal » est obligatoire.",
        "Le champ « Commune » est obligatoire.",
    ]
    response = await post_form(signed_in.http, URL, {"country": ""})
    assert error_messages(response.text) == [
        "Le champ « Pays » est obligatoire.",
        "Le champ « Adresse » est obligatoire.",
    ]
    germany = str(await country_id("99109"))
    response = await post_form(signed_in.http, URL, {"country": germany, "line1": "Hauptstraße 5"})
    assert error_messages(response.text) == ["Le champ « Ville » est obligatoire."]
    assert not has_field(response.text, "postal_code")


async def test_saves_an_address_abroad(signed_in):
    germany = str(await country_id("99109"))
    form = {
        "country": germany,
        "line1": "Hauptstraße 5",
        "foreign_city": "10115 Berlin",
        "postal_code": "99999",
    }
    response = await post_form(signed_in.http, URL, form)
    assert response.status_code == 303
    assert await stored_address(signed_in.candidate.id) == {
        "country": int(germany),
        "line1": "Hauptstraße 5",
        "line2": "",
        "line3": "",
        "postal_code": "",
        "commune": None,
        "foreign_city": "10115 Berlin",
    }


async def test_the_address_stays_editable_after_an_application(signed_in):
    await make_application(signed_in.candidate)
    germany = str(await country_id("99109"))
    form = {"country": germany, "line1": "Hauptstraße 5", "foreign_city": "Berlin"}
    assert (await post_form(signed_in.http, URL, form)).status_code == 303
