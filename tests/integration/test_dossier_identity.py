"""« Informations personnelles » over HTTP (guide §04.1, issue 4 items 2, 8, 9)."""

from __future__ import annotations

from datetime import date

import pytest

from app.tables.dossier import Candidate
from app.tables.mail import OutboxMail
from app.tables.ops import AuditEvent
from tests.factories import make_campaign
from tests.fixtures.web import post_form
from tests.integration.dossier_support import (
    commune_id,
    country_id,
    departement_id,
    error_messages,
    has_field,
    make_application,
    new_candidate,
    options,
    sign_in,
)

URL = "/dossier/informations-personnelles"


async def valid_identity(**overrides) -> dict:
    """A complete form as a candidate born in Toulouse fills it."""
    return {
        "nationality": str(await country_id("99100")),
        "ine": "",
        "civility": "MME",
        "birth_name": "martin",
        "usual_name": "",
        "first_name": "Camille",
        "other_first_name": "Louise",
        "birth_date": "15/03/2005",
        "birth_country": str(await country_id("99100")),
        "birth_departement": str(await departement_id("31")),
        "birth_commune": str(await commune_id("31555")),
        "phone": "",
        "mobile": "06 12 34 56 78",
        **overrides,
    }


async def test_saves_every_field_and_audits_the_change(signed_in, clock):
    response = await post_form(signed_in.http, URL, await valid_identity(ine="0100007108d"))
    assert response.status_code == 303
    assert response.headers["location"] == "/dossier?enregistre=informations-personnelles"

    row = await Candidate.select().where(Candidate.id == signed_in.candidate.id).first()
    assert {k: row[k] for k in ("civility", "birth_name", "first_name", "other_first_name")} == {
        "civility": "MME",
        "birth_name": "MARTIN",
        "first_name": "Camille",
        "other_first_name": "Louise",
    }
    assert row["birth_date"] == date(2005, 3, 15)
    assert row["ine"] == "0100007108D"
    assert row["mobile"] == "+33612345678"
    assert row["phone"] == ""
    assert row["birth_commune"] == await commune_id("31555")
    assert row["birth_city_label"] == "Toulouse"
    assert row["nationality"] == await country_id("99100")

    [event] = await AuditEvent.select().where(AuditEvent.action == "dossier_identity_saved")
    assert event["entity_id"] == signed_in.candidate.id
    assert event["actor_id"] == signed_in.account.id
    page = await signed_in.http.get("/dossier?enregistre=informations-personnelles")
    assert "Vos informations personnelles ont été enregistrées." in page.text


REQUIRED = [
    ("nationality", "Le champ « Nationalité » est obligatoire."),
    ("civility", "Le champ « Civilité » est obligatoire."),
    ("birth_name", "Le champ « Nom patronymique » est obligatoire."),
    ("first_name", "Le champ « Prénom » est obligatoire."),
    ("birth_date", "Le champ « Date naissance (jj/mm/aaaa) » est obligatoire."),
    ("birth_country", "Le champ « Pays de naissance » est obligatoire."),
    ("birth_departement", "Le champ « Département de naissance » est obligatoire."),
    ("birth_commune", "Le champ « Ville de naissance » est obligatoire."),
]


@pytest.mark.parametrize(("name", "message"), REQUIRED)
async def test_each_mandatory_field_is_enforced_by_name(signed_in, clock, name, message):
    before = await Candidate.select().where(Candidate.id == signed_in.candidate.id).first()
    form = await valid_identity(**{name: ""})
    if name == "birth_departement":
        form["birth_commune"] = ""  # no département, so no commune list yet
    response = await post_form(signed_in.http, URL, form)
    assert response.status_code == 200
    messages = error_messages(response.text)
    assert messages[0] == message
    if name == "birth_departement":
        assert messages == [message, "Le champ « Ville de naissance » est obligatoire."]
    else:
        assert messages == [message]
    assert f'<a href="#{name}">' in response.text
    assert await Candidate.select().where(Candidate.id == signed_in.candidate.id).first() == before


async def test_born_abroad_the_city_is_typed(signed_in, clock):
    belgium = str(await country_id("99131"))
    refreshed = await post_form(signed_in.http, URL, {"birth_country": belgium, "refresh": "1"})
    assert refreshed.status_code == 200
    assert has_field(refreshed.text, "birth_city_label")
    assert not has_field(refreshed.text, "birth_departement")

    form = await valid_identity(birth_country=belgium, birth_departement="", birth_commune="")
    missing = await post_form(signed_in.http, URL, form)
    assert error_messages(missing.text) == ["Le champ « Ville de naissance » est obligatoire."]

    saved = await post_form(signed_in.http, URL, {**form, "birth_city_label": "Liège"})
    assert saved.status_code == 303
    row = await Candidate.select().where(Candidate.id == signed_in.candidate.id).first()
    assert (row["birth_country"], row["birth_departement"], row["birth_commune"]) == (
        int(belgium),
        None,
        None,
    )
    assert row["birth_city_label"] == "Liège"


async def test_birth_date_between_10_and_100_years_ago(signed_in, clock):
    # The clock fixture says 15 June 2026.
    expected = (
        "Le champ « Date naissance (jj/mm/aaaa) » doit être une date comprise entre le "
        "15/06/1926 et le 15/06/2016 : il faut avoir entre 10 et 100 ans."
    )
    for typed in ("16/06/2016", "14/06/1926"):
        response = await post_form(signed_in.http, URL, await valid_identity(birth_date=typed))
        assert error_messages(response.text) == [expected]
    wrong = await post_form(signed_in.http, URL, await valid_identity(birth_date="2005-03-15"))
    assert error_messages(wrong.text) == [
        "Le champ « Date naissance (jj/mm/aaaa) » doit être une date au format jj/mm/aaaa "
        "(par exemple 17/05/2004)."
    ]
    for typed, stored in (("15/06/2016", date(2016, 6, 15)), ("15/06/1926", date(1926, 6, 15))):
        response = await post_form(signed_in.http, URL, await valid_identity(birth_date=typed))
        assert response.status_code == 303
        row = (
            await Candidate.select(Candidate.birth_date)
            .where(Candidate.id == signed_in.candidate.id)
            .first()
        )
        assert row["birth_date"] == stored


async def test_former_communes_are_offered_and_lists_follow_the_departement(signed_in, clock):
    haute_savoie = str(await departement_id("74"))
    page = await post_form(
        signed_in.http,
        URL,
        {
            "birth_country": str(await country_id("99100")),
            "birth_departement": haute_savoie,
            "refresh": "1",
        },
    )
    communes = dict(options(page.text, "birth_commune"))
    annecy_le_vieux = str(await commune_id("74011", "commune-deleguee"))
    assert communes[annecy_le_vieux] == "Annecy-le-Vieux (ancienne commune, Annecy)"
    assert communes[str(await commune_id("74010"))] == "Annecy"
    assert str(await commune_id("31555")) not in communes  # Toulouse is in 31

    form = await valid_identity(birth_departement=haute_savoie, birth_commune=annecy_le_vieux)
    assert (await post_form(signed_in.http, URL, form)).status_code == 303
    row = await Candidate.select().where(Candidate.id == signed_in.candidate.id).first()
    assert (row["birth_commune"], row["birth_city_label"]) == (
        int(annecy_le_vieux),
        "Annecy-le-Vieux",
    )

    # A commune of another département is not taken.
    other = await valid_identity(
        birth_departement=haute_savoie, birth_commune=str(await commune_id("31555"))
    )
    response = await post_form(signed_in.http, URL, other)
    assert error_messages(response.text) == [
        "Choisissez une valeur de la liste pour le champ « Ville de naissance »."
    ]


async def test_nationality_labels(signed_in):
    page = await signed_in.http.get(URL)
    labels = dict(options(page.text, "nationality"))
    ordered = [label for _, label in options(page.text, "nationality")]
    assert ordered[0] == "Français"
    assert labels[str(await country_id("99303"))] == "Sud-Africain"
    assert labels[str(await country_id("99239"))] == "Sud-Coréen"
    assert labels[str(await country_id("99129"))] == "Vatican"  # no adjective in the source
    assert labels[str(await country_id("99157"))] == "Kosovar"
    assert str(await country_id("99133")) not in labels  # territories share a State's
    assert len(labels) == 197


async def test_english_shows_nationalities_as_adjectives(signed_in):
    """Issue 12 item 7: "French", not "France" (nationality_en of the reference data)."""
    await post_form(signed_in.http, "/langue", {"language": "en", "next": URL})
    page = await signed_in.http.get(URL)
    labels = dict(options(page.text, "nationality"))
    ordered = [label for _, label in options(page.text, "nationality")]
    assert ordered[0] == "French"
    expected = {
        "99109": "German",
        "99132": "British",
        "99404": "American",
        "99303": "South African",
        "99239": "South Korean",
        "99157": "Kosovan",
        "99260": "Turkmen",  # the source gives the country's name: fixed in the data
        "99129": "Holy See (Vatican City State)",  # no adjective: the country's name
    }
    assert {code: labels[str(await country_id(code))] for code in expected} == expected
    assert len(labels) == 197
    saved = await post_form(signed_in.http, URL, await valid_identity())
    assert saved.status_code == 303
    await post_form(signed_in.http, "/langue", {"language": "fr", "next": URL})


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("06 12 34 56 78", "+33612345678"),
        ("05.61.55.66.11", "+33561556611"),
        ("0692 12 34 56", "+262692123456"),  # La Réunion
        ("0590 12 34 56", "+590590123456"),  # Guadeloupe
        ("+687 75 12 34", "+687751234"),  # Nouvelle-Calédonie
        ("0032 470 12 34 56", "+32470123456"),
    ],
)
async def test_phones_are_stored_in_e164(signed_in, clock, typed, stored):
    response = await post_form(signed_in.http, URL, await valid_identity(phone=typed, mobile=typed))
    assert response.status_code == 303
    row = await Candidate.select().where(Candidate.id == signed_in.candidate.id).first()
    assert (row["phone"], row["mobile"]) == (stored, stored)


async def test_invalid_phone_is_refused(signed_in, clock):
    response = await post_form(signed_in.http, URL, await valid_identity(mobile="06 12"))
    assert error_messages(response.text) == [
        "Le champ « Téléphone portable » n'est pas un numéro de téléphone valide "
        "(exemples : 06 12 34 56 78, 0692 12 34 56, +32 470 12 34 56)."
    ]


async def test_ine_is_checked_and_unique_within_the_campaign(signed_in, clock):
    bad = await post_form(signed_in.http, URL, await valid_identity(ine="1234567890G"))
    assert error_messages(bad.text) == [
        "Le champ « INE » n'est pas valide : il faut les 11 caractères de l'INE, clé comprise "
        "(par exemple 0123456789M)."
    ]
    campaign = await signed_in.account.get_related("campaign")
    _, other = await new_candidate(campaign)
    await Candidate.update({Candidate.ine: "1234567890V"}).where(Candidate.id == other.id)
    taken = await post_form(signed_in.http, URL, await valid_identity(ine="12345 67890 v"))
    assert error_messages(taken.text) == [
        "Cet INE est déjà enregistré dans un autre compte de cette campagne : utilisez ce "
        "compte. Si vous avez oublié son identifiant, faites-vous-le envoyer par courriel."
    ]
    assert 'href="/compte/identifiant-oublie"' in taken.text
    # The same INE in another campaign's dossier does not count.
    await Candidate.update({Candidate.ine: None}).where(Candidate.id == other.id)
    _, elsewhere = await new_candidate(await make_campaign(active=False))
    await Candidate.update({Candidate.ine: "1234567890V"}).where(Candidate.id == elsewhere.id)
    saved = await post_form(signed_in.http, URL, await valid_identity(ine="12345 67890 v"))
    assert saved.status_code == 303
    row = (
        await Candidate.select(Candidate.ine).where(Candidate.id == signed_in.candidate.id).first()
    )
    assert row["ine"] == "1234567890V"


async def test_inline_validation_renders_the_field_with_its_message(signed_in, clock):
    response = await post_form(
        signed_in.http, URL, {**await valid_identity(birth_name=""), "validate": "birth_name"}
    )
    assert response.status_code == 200
    assert 'id="field-birth_name"' in response.text
    assert "Le champ « Nom patronymique » est obligatoire." in response.text
    assert await Candidate.count().where(Candidate.birth_name == "MARTIN") == 0


async def test_after_an_application_identity_is_refused_but_email_still_changes(
    signed_in, clock, mail_templates
):
    assert (await post_form(signed_in.http, URL, await valid_identity())).status_code == 303
    await make_application(signed_in.candidate)
    before = await Candidate.select().where(Candidate.id == signed_in.candidate.id).first()

    refused = await post_form(signed_in.http, URL, await valid_identity(birth_name="DURAND"))
    assert refused.status_code == 403
    assert "Vous avez déposé une candidature" in refused.text
    assert "Rien n'a été modifié dans votre dossier." in refused.text
    assert await Candidate.select().where(Candidate.id == signed_in.candidate.id).first() == before
    assert await AuditEvent.count().where(AuditEvent.action == "dossier_identity_saved") == 1

    page = await signed_in.http.get(URL)
    assert 'name="birth_name"' not in page.text  # shown, not editable
    assert "MARTIN" in page.text
    assert 'href="/compte/adresse-mail"' in page.text

    changed = await post_form(
        signed_in.http, "/compte/adresse-mail", {"email": "nouvelle@example.org"}
    )
    assert changed.status_code == 200
    assert "Un lien de validation a été envoyé" in changed.text
    [mail] = await OutboxMail.select().where(OutboxMail.to_address == "nouvelle@example.org")
    assert mail["status"] == "queued"


async def test_a_cancelled_application_does_not_lock(signed_in, clock):
    await make_application(signed_in.candidate, cancelled=True)
    response = await post_form(signed_in.http, URL, await valid_identity(birth_name="Durand"))
    assert response.status_code == 303
    row = (
        await Candidate.select(Candidate.birth_name)
        .where(Candidate.id == signed_in.candidate.id)
        .first()
    )
    assert row["birth_name"] == "DURAND"


async def test_university_civil_status_is_read_only(client, refdata, clock):
    account, candidate = await new_candidate(cas_login="cmartin")
    await Candidate.update(
        {
            Candidate.from_student_records: True,
            Candidate.civility: "MME",
            Candidate.birth_name: "MARTIN",
            Candidate.birth_date: date(2007, 3, 15),
            Candidate.birth_country: await country_id("99100"),
            Candidate.birth_departement: await departement_id("31"),
            Candidate.birth_commune: await commune_id("31555"),
            Candidate.birth_city_label: "Toulouse",
            Candidate.mobile: "+33639980101",
        }
    ).where(Candidate.id == candidate.id)
    await sign_in(client, account)
    page = await client.get(URL)
    assert 'name="birth_name"' not in page.text
    assert "Donnée issue du logiciel de scolarité de l&#39;université" in page.text
    assert 'name="nationality"' in page.text  # the records gave none: to complete
    assert 'name="mobile"' in page.text

    france = str(await country_id("99100"))
    tampered = await post_form(client, URL, {"birth_name": "DURAND", "nationality": france})
    assert tampered.status_code == 403
    row = await Candidate.select().where(Candidate.id == candidate.id).first()
    assert (row["birth_name"], row["nationality"]) == ("MARTIN", None)

    # The stored mobile (a number reserved for fiction) is kept as it is.
    completed = await post_form(
        client,
        URL,
        {"nationality": france, "ine": "", "phone": "05 61 55 66 11", "mobile": "06 39 98 01 01"},
    )
    assert completed.status_code == 303
    row = await Candidate.select().where(Candidate.id == candidate.id).first()
    assert (row["nationality"], row["phone"], row["mobile"], row["birth_name"]) == (
        int(france),
        "+33561556611",
        "+33639980101",
        "MARTIN",
    )
    again = await client.get(URL)
    assert 'name="nationality"' not in again.text  # imported or completed: now locked


async def test_a_post_without_the_csrf_token_is_refused(signed_in):
    await signed_in.http.get(URL)
    response = await signed_in.http.post(URL, data=await valid_identity(birth_name="DURAND"))
    assert response.status_code == 403
    row = (
        await Candidate.select(Candidate.birth_name)
        .where(Candidate.id == signed_in.candidate.id)
        .first()
    )
    assert row["birth_name"] != "DURAND"
