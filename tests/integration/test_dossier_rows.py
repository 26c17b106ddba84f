"""Cursus externe, stages and expériences over HTTP (guide §04.4–04.5, issue 4 items 5, 7).

Rows are the candidate's own: another candidate's row id answers 404 and stays as it is.
"""

from __future__ import annotations

import re

from app.tables.dossier import Internship, PriorStudy, WorkExperience
from app.tables.ops import AuditEvent
from app.tables.refdata import BacMention, DiplomaType
from tests.fixtures.web import post_form
from tests.integration.dossier_support import (
    commune_id,
    country_id,
    departement_id,
    error_messages,
    new_candidate,
)


async def diploma(code: str) -> int:
    return (await DiplomaType.select(DiplomaType.id).where(DiplomaType.code == code).first())["id"]


async def mention(code: str) -> int:
    return (await BacMention.select(BacMention.id).where(BacMention.code == code).first())["id"]


async def study(year: str, label: str, outcome: str = "O", **overrides) -> dict:
    return {
        "country": str(await country_id("99100")),
        "departement": str(await departement_id("31")),
        "commune": str(await commune_id("31555")),
        # Universities are not in the reference list of establishments yet: "autre".
        "establishment": "autre",
        "establishment_label": "UNIVERSITE DE TOULOUSE",
        "year": year,
        "diploma_type": str(await diploma("LI")),
        "label": label,
        "outcome": outcome,
        "mention": str(await mention("AB")) if outcome == "O" else "",
        **overrides,
    }


def table_rows(html: str) -> list[list[str]]:
    body = re.search(r"<tbody>(.*?)</tbody>", html, re.S).group(1)
    return [
        [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        ][:-1]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


async def test_prior_studies_listed_by_year_like_the_guide(signed_in, clock):
    http = signed_in.http
    # Entered out of order: the list is by year, as in the guide's example table.
    for form in (
        await study(
            "2026", "L3 Sciences de la Vie, parcours Biologie cellulaire et physiologie", "E"
        ),
        await study("2024", "L1 Sciences de la Vie"),
        await study("2025", "L2 Sciences de la Vie, parcours Biologie cellulaire et physiologie"),
    ):
        response = await post_form(http, "/dossier/cursus-externe/nouveau", form)
        assert response.status_code == 303
        assert response.headers["location"] == "/dossier/cursus-externe?enregistre=ligne"
    page = await http.get("/dossier/cursus-externe?enregistre=ligne")
    assert "La ligne a été enregistrée." in page.text
    assert table_rows(page.text) == [
        [
            "2024",
            "France, Haute-Garonne, Toulouse",
            "UNIVERSITE DE TOULOUSE",
            "Licence",
            "L1 Sciences de la Vie",
            "Obtenu",
            "Assez bien",
        ],
        [
            "2025",
            "France, Haute-Garonne, Toulouse",
            "UNIVERSITE DE TOULOUSE",
            "Licence",
            "L2 Sciences de la Vie, parcours Biologie cellulaire et physiologie",
            "Obtenu",
            "Assez bien",
        ],
        [
            "2026",
            "France, Haute-Garonne, Toulouse",
            "UNIVERSITE DE TOULOUSE",
            "Licence",
            "L3 Sciences de la Vie, parcours Biologie cellulaire et physiologie",
            "En cours",
            "",
        ],
    ]
    assert await AuditEvent.count().where(AuditEvent.action == "dossier_prior_study_added") == 3


async def test_prior_study_required_fields(signed_in, clock):
    response = await post_form(
        signed_in.http,
        "/dossier/cursus-externe/nouveau",
        {"country": str(await country_id("99100"))},
    )
    assert response.status_code == 200
    assert error_messages(response.text) == [
        "Le champ « Département » est obligatoire.",
        "Le champ « Commune » est obligatoire.",
        "Le champ « Etablissement » est obligatoire.",
        "Le champ « Année d'obtention » est obligatoire.",
        "Le champ « Formation » est obligatoire.",
        "Le champ « Libellé et niveau de la formation » est obligatoire.",
        "Le champ « Obtenu » est obligatoire.",
    ]
    response = await post_form(signed_in.http, "/dossier/cursus-externe/nouveau", {"country": ""})
    assert error_messages(response.text)[0] == "Le champ « Pays » est obligatoire."
    assert await PriorStudy.count() == 0


async def test_prior_study_abroad_needs_no_departement(signed_in, clock):
    spain = str(await country_id("99134"))
    form = await study(
        "2025",
        "Erasmus, Biología",
        country=spain,
        departement="",
        commune="",
        establishment="",
        establishment_label="Universidad de Salamanca",
    )
    response = await post_form(signed_in.http, "/dossier/cursus-externe/nouveau", form)
    assert response.status_code == 303
    row = await PriorStudy.select().first()
    assert (row["country"], row["departement"], row["commune"], row["establishment_label"]) == (
        int(spain),
        None,
        None,
        "Universidad de Salamanca",
    )


async def test_edit_and_delete_a_prior_study(signed_in, clock):
    http = signed_in.http
    await post_form(
        http, "/dossier/cursus-externe/nouveau", await study("2024", "L1 Sciences de la Vie")
    )
    row = await PriorStudy.select().first()
    page = await http.get(f"/dossier/cursus-externe/{row['id']}")
    assert 'value="L1 Sciences de la Vie"' in page.text
    response = await post_form(
        http,
        f"/dossier/cursus-externe/{row['id']}",
        await study("2024", "L1 Sciences de la Vie", "N"),
    )
    assert response.status_code == 303
    changed = await PriorStudy.select().first()
    assert (changed["outcome"], changed["mention"]) == ("N", None)
    response = await post_form(http, f"/dossier/cursus-externe/{row['id']}/supprimer", {})
    assert response.status_code == 303
    assert response.headers["location"] == "/dossier/cursus-externe?supprime=1"
    assert await PriorStudy.count() == 0
    assert (
        "La ligne a été supprimée." in (await http.get("/dossier/cursus-externe?supprime=1")).text
    )


async def test_internships_add_edit_delete(signed_in, clock):
    http = signed_in.http
    empty = await post_form(http, "/dossier/stages/nouveau", {})
    assert error_messages(empty.text) == [
        "Le champ « Année » est obligatoire.",
        "Le champ « Durée » est obligatoire.",
        "Le champ « Employeur/organisme » est obligatoire.",
        "Le champ « Descriptif » est obligatoire.",
    ]
    bad_hours = {
        "year": "2025",
        "duration": "2 mois",
        "hours_per_week": "120",
        "employer": "CHU",
        "description": "Stage",
    }
    for hours in ("120", "3²", "٣٥"):  # "²" passes str.isdigit but not int()
        sent = await post_form(
            http, "/dossier/stages/nouveau", {**bad_hours, "hours_per_week": hours}
        )
        assert error_messages(sent.text) == [
            "Le champ « Nombre d'heures/semaine » doit être un nombre entier entre 1 et 80."
        ]
    form = {
        **bad_hours,
        "hours_per_week": "35",
        "employer": "CHU de Toulouse",
        "description": "Stage d'observation en laboratoire",
    }
    assert (await post_form(http, "/dossier/stages/nouveau", form)).status_code == 303
    row = await Internship.select().first()
    assert {
        k: row[k] for k in ("year", "duration", "hours_per_week", "employer", "description")
    } == {
        "year": 2025,
        "duration": "2 mois",
        "hours_per_week": 35,
        "employer": "CHU de Toulouse",
        "description": "Stage d'observation en laboratoire",
    }
    edited = await post_form(http, f"/dossier/stages/{row['id']}", {**form, "hours_per_week": ""})
    assert edited.status_code == 303
    assert (await Internship.select().first())["hours_per_week"] is None
    assert (await post_form(http, f"/dossier/stages/{row['id']}/supprimer", {})).status_code == 303
    assert await Internship.count() == 0


async def test_experiences_add_edit_delete(signed_in, clock):
    http = signed_in.http
    empty = await post_form(http, "/dossier/experiences/nouvelle", {})
    assert error_messages(empty.text) == [
        "Le champ « Année » est obligatoire.",
        "Le champ « Intitulé » est obligatoire.",
        "Le champ « Durée » est obligatoire.",
        "Le champ « Employeur/organisme » est obligatoire.",
    ]
    form = {
        "year": "2024",
        "title": "Animateur",
        "duration": "2 mois (CDD)",
        "employer": "Mairie de Toulouse",
        "description": "",
    }
    assert (await post_form(http, "/dossier/experiences/nouvelle", form)).status_code == 303
    row = await WorkExperience.select().first()
    assert (row["title"], row["description"]) == ("Animateur", "")
    page = await http.get("/dossier/experiences")
    assert "Mairie de Toulouse" in page.text
    assert (
        await post_form(
            http, f"/dossier/experiences/{row['id']}", {**form, "title": "Animateur BAFA"}
        )
    ).status_code == 303
    assert (await WorkExperience.select().first())["title"] == "Animateur BAFA"
    assert (
        await post_form(http, f"/dossier/experiences/{row['id']}/supprimer", {})
    ).status_code == 303
    assert await WorkExperience.count() == 0


async def test_another_candidates_rows_answer_404_and_stay(signed_in, clock):
    _, other = await new_candidate()
    rows = {
        "cursus-externe": PriorStudy(
            candidate=other.id,
            year=2024,
            country=await country_id("99100"),
            label="L1",
            outcome="O",
        ),
        "stages": Internship(candidate=other.id, year=2024, duration="1 mois", employer="X"),
        "experiences": WorkExperience(
            candidate=other.id, year=2024, title="T", duration="1 mois", employer="X"
        ),
    }
    for row in rows.values():
        await row.save()
    http = signed_in.http
    for slug, row in rows.items():
        before = await type(row).select().where(type(row).id == row.id).first()
        assert (await http.get(f"/dossier/{slug}/{row.id}")).status_code == 404
        assert (
            await post_form(http, f"/dossier/{slug}/{row.id}", {"year": "2020"})
        ).status_code == 404
        assert (await post_form(http, f"/dossier/{slug}/{row.id}/supprimer", {})).status_code == 404
        assert await type(row).select().where(type(row).id == row.id).first() == before
        listing = await http.get(f"/dossier/{slug}")
        assert f"/dossier/{slug}/{row.id}" not in listing.text
    assert (await http.get("/dossier/stages/999999")).status_code == 404
