"""« Baccalauréat » over HTTP (guide §04.3, issue 4 item 4)."""

from __future__ import annotations

import csv
import re

from app.refdata.load import DATA_DIR
from app.tables.dossier import Baccalaureate
from app.tables.ops import AuditEvent
from app.tables.refdata import BacSerie
from tests.fixtures.web import post_form
from tests.integration.dossier_support import (
    commune_id,
    country_id,
    departement_id,
    error_messages,
    has_field,
    lycee_id,
    options,
    serie_id,
)

URL = "/dossier/baccalaureat"


def series_open_in(year: int) -> set[str]:
    """The rule of the reference data: first_year ≤ year ≤ last_year where known."""
    with (DATA_DIR / "bac_series.csv").open(encoding="utf-8", newline="") as handle:
        return {
            row["code"]
            for row in csv.DictReader(handle)
            if row["code"] != "0000"
            and (not row["first_year"] or int(row["first_year"]) <= year)
            and (not row["last_year"] or int(row["last_year"]) >= year)
        }


async def offered_series(http, year: str) -> set[str]:
    response = await post_form(http, URL, {"has_bac": "oui", "year": year, "refresh": "1"})
    assert response.status_code == 200
    ids = {value for value, _ in options(response.text, "serie")}
    codes = {r["id"]: r["code"] for r in await BacSerie.select(BacSerie.id, BacSerie.code)}
    return {codes[int(i)] for i in ids}


async def test_series_offered_follow_the_year(signed_in, clock):
    by_year = {year: await offered_series(signed_in.http, str(year)) for year in (1990, 2010, 2024)}
    for year, codes in by_year.items():
        assert codes == series_open_in(year)
    assert len(by_year[1990]) == 32 and len(by_year[2010]) == 25 and len(by_year[2024]) == 24
    assert {"A", "C", "D", "F", "G"} <= by_year[1990] - by_year[2010]
    assert {"L", "ES", "S", "STG"} <= by_year[2010] - by_year[1990] - by_year[2024]
    assert {"BG", "STMG", "STI2D", "STHR", "S2TMD"} <= by_year[2024] - by_year[2010]
    assert "0000" not in by_year[2024]  # "sans bac" is the other answer, not a série
    # No year yet: no série to choose from, and the page says why.
    empty = await post_form(signed_in.http, URL, {"has_bac": "oui", "refresh": "1"})
    assert options(empty.text, "serie") == []
    assert "Saisissez d&#39;abord l&#39;année d&#39;obtention" in empty.text


async def full_bac(**overrides) -> dict:
    return {
        "has_bac": "oui",
        "year": "2022",
        "serie": str(await serie_id("BG")),
        "mention": "",
        "country": str(await country_id("99100")),
        "departement": str(await departement_id("31")),
        "commune": str(await commune_id("31555")),
        "lycee": str(await lycee_id("0310036W")),
        **overrides,
    }


async def test_saves_the_bac_and_keeps_one_row(signed_in, clock):
    response = await post_form(signed_in.http, URL, await full_bac())
    assert response.status_code == 303
    assert response.headers["location"] == "/dossier?enregistre=baccalaureat"
    [row] = await Baccalaureate.select().where(Baccalaureate.candidate == signed_in.candidate.id)
    assert (row["year"], row["serie"], row["lycee"], row["from_student_records"]) == (
        2022,
        await serie_id("BG"),
        await lycee_id("0310036W"),
        False,
    )
    # "Je n'ai pas le Bac" then "0000-sans bac" replaces it: still one row, série
    # 0000, nothing else.
    response = await post_form(
        signed_in.http,
        URL,
        {"has_bac": "non", "no_bac": str(await serie_id("0000")), "year": "2022"},
    )
    assert response.status_code == 303
    [row] = await Baccalaureate.select().where(Baccalaureate.candidate == signed_in.candidate.id)
    assert (row["serie"], row["year"], row["country"], row["lycee"]) == (
        await serie_id("0000"),
        None,
        None,
        None,
    )
    assert await AuditEvent.count().where(AuditEvent.action == "dossier_bac_saved") == 2
    page = await signed_in.http.get(URL)
    assert re.search(r'value="non" checked', page.text)
    assert options(page.text, "no_bac") == [(str(await serie_id("0000")), "0000-sans bac")]
    assert re.search(rf'<option value="{await serie_id("0000")}" selected', page.text)


async def test_without_the_bac_the_guide_asks_to_choose_0000(signed_in, clock):
    """Guide §04.3: "Si vous avez cliqué sur « Je n'ai pas le Bac » — Sélectionnez
    0000-sans bac et enregistrez", under "Précisez votre situation *"."""
    shown = await post_form(signed_in.http, URL, {"has_bac": "non", "refresh": "1"})
    assert shown.status_code == 200
    assert options(shown.text, "no_bac") == [(str(await serie_id("0000")), "0000-sans bac")]
    assert "Précisez votre situation" in shown.text
    assert not has_field(shown.text, "year")
    # Saved without choosing: the field is asked for, nothing is written.
    unchosen = await post_form(signed_in.http, URL, {"has_bac": "non"})
    assert error_messages(unchosen.text) == [
        "Le champ « Précisez votre situation » est obligatoire."
    ]
    # Any other série smuggled into the list is refused.
    smuggled = await post_form(
        signed_in.http, URL, {"has_bac": "non", "no_bac": str(await serie_id("BG"))}
    )
    assert error_messages(smuggled.text) == [
        "Choisissez une valeur de la liste pour le champ « Précisez votre situation »."
    ]
    assert await Baccalaureate.count().where(Baccalaureate.candidate == signed_in.candidate.id) == 0
    chosen = await post_form(
        signed_in.http, URL, {"has_bac": "non", "no_bac": str(await serie_id("0000"))}
    )
    assert chosen.status_code == 303
    [row] = await Baccalaureate.select(Baccalaureate.serie).where(
        Baccalaureate.candidate == signed_in.candidate.id
    )
    assert row["serie"] == await serie_id("0000")


async def test_each_mandatory_field_is_enforced_by_name(signed_in, clock):
    response = await post_form(signed_in.http, URL, {})
    assert error_messages(response.text) == [
        "Le champ « Avez-vous le baccalauréat ou une équivalence ? » est obligatoire."
    ]
    response = await post_form(
        signed_in.http, URL, {"has_bac": "oui", "country": str(await country_id("99100"))}
    )
    assert error_messages(response.text) == [
        "Le champ « Année d'obtention » est obligatoire.",
        "Le champ « Série du bac ou équivalence » est obligatoire.",
        "Le champ « Département » est obligatoire.",
        "Le champ « Commune » est obligatoire.",
        "Le champ « Etablissement » est obligatoire.",
    ]
    response = await post_form(signed_in.http, URL, {"has_bac": "oui", "country": ""})
    assert error_messages(response.text)[-1] == "Le champ « Pays d'obtention » est obligatoire."
    abroad = await full_bac(country=str(await country_id("99109")))
    response = await post_form(signed_in.http, URL, abroad)
    assert error_messages(response.text) == ["Le champ « Etablissement » est obligatoire."]
    assert not has_field(response.text, "lycee")
    assert await Baccalaureate.count() == 0


async def test_a_serie_closed_that_year_is_refused(signed_in, clock):
    response = await post_form(signed_in.http, URL, await full_bac(year="2010"))
    assert error_messages(response.text) == [
        "Le champ « Série du bac ou équivalence » : cette série n'était pas délivrée en 2010, "
        "choisissez-en une de la liste."
    ]
    response = await post_form(signed_in.http, URL, await full_bac(year="2027"))
    assert error_messages(response.text) == [
        "Le champ « Année d'obtention » doit être une année entre 1926 et 2026."
    ]
    assert await Baccalaureate.count() == 0


async def test_lycees_of_the_commune_come_first_then_the_departement(signed_in, clock):
    page = await post_form(signed_in.http, URL, {**await full_bac(lycee=""), "refresh": "1"})
    html = page.text
    commune_group = re.search(
        r'<optgroup label="Établissements de la commune">(.*?)</optgroup>', html, re.S
    )
    other_group = re.search(
        r'<optgroup label="Autres établissements du département">(.*?)</optgroup>', html, re.S
    )
    assert commune_group and other_group
    assert f'value="{await lycee_id("0311186W")}"' in commune_group.group(1)  # 31000 Toulouse
    # Fermat has a CEDEX postal code: found through its département.
    assert f'value="{await lycee_id("0310036W")}"' in other_group.group(1)
    assert f'value="{await lycee_id("0810006S")}"' not in html  # Albi, Tarn
    saved = await post_form(
        signed_in.http, URL, await full_bac(lycee=str(await lycee_id("0810006S")))
    )
    assert error_messages(saved.text) == [
        "Choisissez une valeur de la liste pour le champ « Etablissement »."
    ]


async def test_an_imported_bac_is_read_only(signed_in, clock):
    await Baccalaureate(
        candidate=signed_in.candidate.id,
        year=2022,
        serie=await serie_id("BG"),
        country=await country_id("99100"),
        departement=await departement_id("81"),
        commune=await commune_id("81004"),
        lycee=await lycee_id("0810006S"),
        from_student_records=True,
    ).save()
    before = await Baccalaureate.select().first()
    page = await signed_in.http.get(URL)
    assert 'name="year"' not in page.text
    assert "Baccalauréat général (enseignements de spécialité)" in page.text
    assert "Donnée issue du logiciel de scolarité" in page.text
    response = await post_form(signed_in.http, URL, {"has_bac": "non"})
    assert response.status_code == 403
    assert await Baccalaureate.select().first() == before
