"""The dossier overview (/dossier) and ``dossier_completeness`` (issue 4 items 1 and 6)."""

from __future__ import annotations

import re
from datetime import date

from app.dossier.field_labels import Section
from app.dossier.service import MissingItem, dossier_completeness
from app.tables.dossier import (
    Address,
    Baccalaureate,
    Candidate,
    InternalStudy,
    Internship,
    PriorStudy,
    WorkExperience,
)
from tests.integration.dossier_support import (
    commune_id,
    country_id,
    departement_id,
    lycee_id,
    new_candidate,
    plant_session,
    serie_id,
)


def states(html: str) -> dict[str, str]:
    """Section title → state badge, as the overview shows them."""
    cards = re.findall(
        r'<h3><a href="[^"]+">([^<]+)</a></h3>\s*<p class="state"><span class="badge">([^<]+)</span>',
        html,
    )
    return {title: state.replace("&#39;", "'") for title, state in cards}


async def complete_identity(candidate_id: int, **extra) -> None:
    await Candidate.update(
        {
            Candidate.nationality: await country_id("99100"),
            Candidate.civility: "MME",
            Candidate.birth_name: "MARTIN",
            Candidate.first_name: "Camille",
            Candidate.birth_date: date(2005, 3, 15),
            Candidate.birth_country: await country_id("99100"),
            Candidate.birth_departement: await departement_id("31"),
            Candidate.birth_commune: await commune_id("31555"),
            Candidate.birth_city_label: "Toulouse",
            **extra,
        }
    ).where(Candidate.id == candidate_id)


async def complete_address_and_bac(candidate_id: int, *, bac_imported: bool = False) -> None:
    address = Address(
        country=await country_id("99100"),
        line1="12 rue des Lois",
        postal_code="31000",
        commune=await commune_id("31555"),
    )
    await address.save()
    await Candidate.update({Candidate.address: address.id}).where(Candidate.id == candidate_id)
    await Baccalaureate(
        candidate=candidate_id,
        year=2022,
        serie=await serie_id("BG"),
        country=await country_id("99100"),
        departement=await departement_id("31"),
        commune=await commune_id("31555"),
        lycee=await lycee_id("0310036W"),
        from_student_records=bac_imported,
    ).save()


async def test_sign_in_is_required(client):
    response = await client.get("/dossier")
    assert response.status_code == 303
    assert response.headers["location"] == "/connexion?suivant=/dossier"


async def test_a_new_dossier_lists_what_is_missing(signed_in):
    completeness = await dossier_completeness(signed_in.account.id)
    assert (completeness.identity_ok, completeness.address_ok, completeness.bac_ok) == (
        False,
        False,
        False,
    )
    assert completeness.missing == (
        MissingItem(Section.IDENTITY, "nationality", "Nationalité"),
        MissingItem(Section.IDENTITY, "civility", "Civilité"),
        MissingItem(Section.IDENTITY, "birth_date", "Date naissance (jj/mm/aaaa)"),
        MissingItem(Section.IDENTITY, "birth_country", "Pays de naissance"),
        MissingItem(Section.ADDRESS, "", "à saisir"),
        MissingItem(Section.BAC, "", "à saisir"),
    )
    page = await signed_in.http.get("/dossier")
    assert page.status_code == 200
    assert signed_in.account.login in page.text
    assert signed_in.account.email in page.text
    assert 'href="/compte/adresse-mail"' in page.text
    assert "Il reste à compléter :" in page.text
    assert "Informations personnelles</a> : Nationalité" in page.text
    assert states(page.text) == {
        "Informations personnelles": "Incomplet",
        "Adresse": "Incomplet",
        "Baccalauréat": "Incomplet",
        "Cursus externe": "Non renseigné (facultatif)",
        "Stages": "Non renseigné (facultatif)",
        "Expériences professionnelles": "Non renseigné (facultatif)",
    }


async def test_a_complete_dossier_may_apply(signed_in):
    cid = signed_in.candidate.id
    await complete_identity(cid)
    await complete_address_and_bac(cid)
    await PriorStudy(
        candidate=cid, year=2024, country=await country_id("99100"), label="L1", outcome="O"
    ).save()
    await Internship(
        candidate=cid, year=2024, duration="1 mois", employer="CHU", description="x"
    ).save()
    await WorkExperience(
        candidate=cid, year=2024, title="Animateur", duration="2 mois", employer="Mairie"
    ).save()
    completeness = await dossier_completeness(signed_in.account.id)
    assert completeness.ok and completeness.missing == ()
    page = await signed_in.http.get("/dossier")
    assert "vous pouvez déposer vos demandes de césure" in page.text
    assert set(states(page.text).values()) == {"Complet"}
    assert "12 rue des Lois, 31000 Toulouse" in page.text
    assert "Baccalauréat général (enseignements de spécialité), 2022" in page.text


async def test_partial_sections_name_their_missing_fields(signed_in):
    cid = signed_in.candidate.id
    await complete_identity(cid, birth_commune=None)
    address = Address(country=await country_id("99109"), line1="Hauptstraße 5")
    await address.save()
    await Candidate.update({Candidate.address: address.id}).where(Candidate.id == cid)
    await Baccalaureate(candidate=cid, serie=await serie_id("0000")).save()
    completeness = await dossier_completeness(signed_in.account.id)
    assert (completeness.identity_ok, completeness.address_ok, completeness.bac_ok) == (
        False,
        False,
        True,
    )
    assert completeness.missing == (
        MissingItem(Section.IDENTITY, "birth_commune", "Ville de naissance"),
        MissingItem(Section.ADDRESS, "foreign_city", "Ville"),
    )


async def test_a_university_student_sees_imported_sections(client, refdata):
    account, candidate = await new_candidate(cas_login="lbernard")
    await complete_identity(candidate.id, from_student_records=True)
    await complete_address_and_bac(candidate.id, bac_imported=True)
    for year, label in ((2022, "L1 STAPS"), (2023, "L2 STAPS")):
        await InternalStudy(
            candidate=candidate.id,
            year=year,
            programme_code=f"F2SMH-{year}",
            programme_label=label,
            mark="12.10",
            result="Admis",
        ).save()
    await plant_session(client, account)
    page = await client.get("/dossier")
    assert states(page.text) == {
        "Informations personnelles": "Importé de l'université",
        "Adresse": "Complet",
        "Baccalauréat": "Importé de l'université",
        "Cursus interne": "Importé de l'université",
        "Cursus externe": "Non renseigné (facultatif)",
        "Stages": "Non renseigné (facultatif)",
        "Expériences professionnelles": "Non renseigné (facultatif)",
    }
    internal = await client.get("/dossier/cursus-interne")
    rows = re.findall(
        r"<tr>\s*<td[^>]*>([^<]+)</td>\s*<td[^>]*>([^<]+)</td>\s*<td[^>]*>([^<]+)</td>",
        internal.text,
    )
    assert rows == [
        ("2022/2023", "F2SMH-2022", "L1 STAPS"),
        ("2023/2024", "F2SMH-2023", "L2 STAPS"),
    ]
    assert "<form" not in internal.text.split('id="contenu"')[1].split("</main>")[0]


async def test_a_university_student_confirms_the_email_first(client, refdata):
    account, _ = await new_candidate(cas_login="cmartin", email_validated_at=None)
    await plant_session(client, account)
    for path in ("/dossier", "/dossier/informations-personnelles", "/dossier/stages"):
        response = await client.get(path)
        assert response.status_code == 303
        assert response.headers["location"] == "/universite/premiere-connexion"


async def test_a_destroyed_account_signs_in_again(client, refdata):
    account, candidate = await new_candidate()
    await plant_session(client, account)
    await Candidate.delete().where(Candidate.id == candidate.id)
    await type(account).delete().where(type(account).id == account.id)
    response = await client.get("/dossier")
    assert response.status_code == 303
    assert response.headers["location"] == "/connexion?suivant=/dossier"
    again = await client.get("/connexion")
    assert again.status_code == 200  # the stale session was dropped: no redirect loop
