"""Issue 12 item 7: the "Etablissement" of a cursus externe in France is chosen from
the reference list (the commune's first, then the département's), the name typed only
for one absent from it or abroad; without JavaScript each choice is checked on the
server, and the list follows the commune through the refresh button (htmx: the same
answer, swapped in)."""

from __future__ import annotations

import pytest

from app.tables.dossier import PriorStudy
from tests.fixtures.web import post_form
from tests.integration.dossier_support import (
    commune_id,
    country_id,
    departement_id,
    error_messages,
    has_field,
    lycee_id,
    options,
)
from tests.integration.test_dossier_rows import study, table_rows

NEW = "/dossier/cursus-externe/nouveau"


async def in_toulouse(**overrides) -> dict:
    return {
        "country": str(await country_id("99100")),
        "departement": str(await departement_id("31")),
        "commune": str(await commune_id("31555")),
        **overrides,
    }


async def test_the_list_follows_the_commune_and_ends_with_other(signed_in, clock):
    none_yet = await post_form(
        signed_in.http, NEW, {"country": str(await country_id("99100")), "refresh": "1"}
    )
    assert options(none_yet.text, "establishment") == []
    assert "Choisissez d&#39;abord le département" in none_yet.text
    page = await post_form(signed_in.http, NEW, {**await in_toulouse(), "refresh": "1"})
    assert page.status_code == 200
    listed = options(page.text, "establishment")
    labels = [label for _, label in listed]
    assert (str(await lycee_id("0312188K")), "ÉCOLE DENTAIRE FRANÇAISE PRIVÉE – Toulouse") in listed
    assert (
        str(await lycee_id("0310036W")),
        "LYCÉE GÉNÉRAL PIERRE DE FERMAT – TOULOUSE CEDEX 07",
    ) in listed
    assert listed[-1] == ("autre", "Autre établissement (absent de la liste)")
    assert '<optgroup label="Établissements de la commune">' in page.text
    assert '<optgroup label="Établissement absent de la liste">' in page.text
    assert not has_field(page.text, "establishment_label")  # typed only for "autre"
    assert len(labels) == len(set(labels))
    # The commune's select refreshes the block (htmx), the block holds the list.
    assert 'id="bloc-cursus"' in page.text
    assert (
        page.text.count('hx-target="#bloc-cursus"') == 4
    )  # pays, département, commune, établissement


async def test_a_listed_establishment_is_stored_with_its_name(signed_in, clock):
    fermat = await lycee_id("0310036W")
    form = await study("2024", "CPGE MPSI", establishment=str(fermat), establishment_label="")
    response = await post_form(signed_in.http, NEW, form)
    assert response.status_code == 303
    [row] = await PriorStudy.select(
        PriorStudy.id, PriorStudy.establishment, PriorStudy.establishment_label
    )
    assert (row["establishment"], row["establishment_label"]) == (
        fermat,
        "LYCÉE GÉNÉRAL PIERRE DE FERMAT",
    )
    listing = await signed_in.http.get("/dossier/cursus-externe")
    assert table_rows(listing.text)[0][2] == "LYCÉE GÉNÉRAL PIERRE DE FERMAT"
    edit = await signed_in.http.get(f"/dossier/cursus-externe/{row['id']}")
    assert f'<option value="{fermat}" selected' in edit.text


async def test_other_asks_for_the_name_without_javascript(signed_in, clock):
    form = await study("2024", "L1 Droit", establishment="autre", establishment_label="")
    first = await post_form(
        signed_in.http, NEW, {k: v for k, v in form.items() if k != "establishment_label"}
    )
    assert first.status_code == 200
    assert error_messages(first.text) == ["Le champ « Nom de l'établissement » est obligatoire."]
    assert has_field(first.text, "establishment_label")  # now on the page
    assert await PriorStudy.count() == 0
    saved = await post_form(
        signed_in.http, NEW, {**form, "establishment_label": "Université Toulouse Capitole"}
    )
    assert saved.status_code == 303
    [row] = await PriorStudy.select(PriorStudy.establishment, PriorStudy.establishment_label)
    assert row == {"establishment": None, "establishment_label": "Université Toulouse Capitole"}
    [row_id] = [r["id"] for r in await PriorStudy.select(PriorStudy.id)]
    edit = await signed_in.http.get(f"/dossier/cursus-externe/{row_id}")
    assert '<option value="autre" selected' in edit.text
    assert 'value="Université Toulouse Capitole"' in edit.text


@pytest.mark.parametrize(
    "value",
    ["0090002D", "999999999999999999999", "-1", "abc", "12\x00", ""],
    ids=["other-departement", "huge", "negative", "text", "nul", "empty"],
)
async def test_only_an_offered_establishment_is_taken(signed_in, clock, value):
    if value == "0090002D":  # a lycée of Ariège, not offered for Haute-Garonne
        value = str(await lycee_id(value))
    form = await study("2024", "BTS SIO", establishment=value, establishment_label="x")
    response = await post_form(signed_in.http, NEW, form)
    assert response.status_code == 200
    expected = (
        "Le champ « Etablissement » est obligatoire."
        if value == ""
        else "Choisissez une valeur de la liste pour le champ « Etablissement »."
    )
    if "\x00" in value:  # the house rule on control characters speaks first
        assert error_messages(response.text) == [
            "Ce champ contenait des caractères non autorisés (caractères de contrôle ou "
            "retours à la ligne) : ils ont été retirés. Vérifiez la saisie puis validez à "
            "nouveau.",
            expected,
        ]
    else:
        assert error_messages(response.text) == [expected]
    assert await PriorStudy.count() == 0


async def test_abroad_the_name_is_typed(signed_in, clock):
    spain = str(await country_id("99134"))
    page = await post_form(signed_in.http, NEW, {"country": spain, "refresh": "1"})
    assert not has_field(page.text, "establishment")
    assert has_field(page.text, "establishment_label")
    # A lycée id sent anyway is ignored abroad.
    form = await study(
        "2025",
        "Erasmus, Derecho",
        country=spain,
        departement="",
        commune="",
        establishment=str(await lycee_id("0310036W")),
        establishment_label="Universidad de Salamanca",
    )
    assert (await post_form(signed_in.http, NEW, form)).status_code == 303
    [row] = await PriorStudy.select(PriorStudy.establishment, PriorStudy.establishment_label)
    assert row == {"establishment": None, "establishment_label": "Universidad de Salamanca"}
