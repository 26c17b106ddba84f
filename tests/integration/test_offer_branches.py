"""The offer page keeps each centre's rendered rows with the offer copy and serves them
to every candidate (``OfferPage.branch``): never what belongs to one candidate."""

from __future__ import annotations

import re

import pytest

from app.catalog.offer_cache import catalogue_changed
from app.dossier.read_model import dossier_rows, dossier_rows_and_live_applications
from app.tables.catalog import Programme
from tests.factories import make_commission, make_programme
from tests.fixtures.web import keeps_the_offer, post_form
from tests.integration.test_application_pages import (
    application_id_from,
    apply_to,
    new_applicant,
    table_rows,
    world,  # noqa: F401  (fixture)
)

OFFER = "/candidatures/nouvelle"


pytestmark = keeps_the_offer


@pytest.fixture
async def second_programme(world):  # noqa: F811
    """Another programme of the same centre, so that a centre holds the candidate's
    application and a programme they may still apply to."""
    commission = await make_commission(world.centre)
    return await make_programme(commission, world.pieces, label="CESURE FSI L2 (SEMESTRE)")


def rows_of(html: str) -> dict[str, str]:
    """Programme title → the last cell of its row (the action)."""
    return {row[0]: row[-1] for row in table_rows(html, "offer-table")}


def kept_branches(app) -> dict:
    return app.state.offer_cache._copy.offer.derived


async def test_a_candidates_application_is_never_shown_to_another(
    app,
    client,
    world,  # noqa: F811
    second_programme,
):
    first = await new_applicant(client)
    assert rows_of((await client.get(OFFER)).text) == {
        "CESURE FSI L2 (SEMESTRE)": "Candidater : CESURE FSI L2 (SEMESTRE)",
        "GESTION CESURE FSI L1 (ANNEE)": "Candidater : GESTION CESURE FSI L1 (ANNEE)",
    }
    assert len(kept_branches(app)) == 1  # the centre, as every candidate sees it
    application_id = application_id_from(await apply_to(client, world.programme.id))
    mine = (await client.get(OFFER)).text
    assert len(kept_branches(app)) == 2  # and as those who applied to that programme see it
    assert f'href="/candidatures/{application_id}"' in mine
    assert rows_of(mine)["GESTION CESURE FSI L1 (ANNEE)"] == (
        "Voir ma candidature GESTION CESURE FSI L1 (ANNEE)"
    )

    await new_applicant(client)  # another candidate, same browser
    theirs = (await client.get(OFFER)).text
    assert len(kept_branches(app)) == 2  # served from what was kept
    assert f"/candidatures/{application_id}" not in theirs
    assert rows_of(theirs)["GESTION CESURE FSI L1 (ANNEE)"] == (
        "Candidater : GESTION CESURE FSI L1 (ANNEE)"
    )
    await first.become()
    assert f'href="/candidatures/{application_id}"' in (await client.get(OFFER)).text


async def test_two_candidates_applied_to_one_programme_each_see_their_own_application(
    app,
    client,
    world,  # noqa: F811
    second_programme,
):
    await new_applicant(client)
    first = application_id_from(await apply_to(client, world.programme.id))
    await new_applicant(client)
    second = application_id_from(await apply_to(client, world.programme.id))
    theirs = (await client.get(OFFER)).text
    assert len(kept_branches(app)) == 1  # the centre as both see it, rendered once
    assert f'href="/candidatures/{second}"' in theirs
    assert f"/candidatures/{first}" not in theirs
    assert rows_of(theirs) == {
        "CESURE FSI L2 (SEMESTRE)": "Candidater : CESURE FSI L2 (SEMESTRE)",
        "GESTION CESURE FSI L1 (ANNEE)": "Voir ma candidature GESTION CESURE FSI L1 (ANNEE)",
    }


async def test_an_incomplete_dossier_and_another_language_get_their_own_rows(
    client,
    world,  # noqa: F811
):
    await new_applicant(client)
    assert rows_of((await client.get(OFFER)).text)["GESTION CESURE FSI L1 (ANNEE)"] == (
        "Candidater : GESTION CESURE FSI L1 (ANNEE)"
    )
    await new_applicant(client, complete=False)
    assert rows_of((await client.get(OFFER)).text)["GESTION CESURE FSI L1 (ANNEE)"] == (
        "Dossier incomplet"
    )
    await new_applicant(client)
    await post_form(client, "/langue", {"language": "en", "next": OFFER})
    english = (await client.get(OFFER)).text
    assert "Apply" in rows_of(english)["GESTION CESURE FSI L1 (ANNEE)"]
    assert "Candidater" not in english


async def test_a_staff_edit_of_the_offer_shows_on_the_next_page(
    client,
    world,  # noqa: F811
    redis,
):
    await new_applicant(client)
    assert "GESTION CESURE FSI L1 (ANNEE)" in (await client.get(OFFER)).text
    await Programme.update({Programme.label: "CESURE RENOMMEE"}).where(
        Programme.id == world.programme.id
    )
    await catalogue_changed(redis)
    page = (await client.get(OFFER)).text
    assert "CESURE RENOMMEE" in page
    assert not re.search(r"GESTION CESURE FSI L1", page)


async def test_the_dossier_and_the_live_applications_come_in_one_statement(
    client,
    world,  # noqa: F811
    second_programme,
):
    someone = await new_applicant(client)
    account_id = someone.account.id
    assert await dossier_rows_and_live_applications(account_id) == (
        await dossier_rows(account_id),
        {},
    )
    kept = application_id_from(await apply_to(client, world.programme.id))
    cancelled = application_id_from(await apply_to(client, second_programme.id))
    await post_form(client, f"/candidatures/{cancelled}/annuler", {})
    dossier, live = await dossier_rows_and_live_applications(account_id)
    assert live == {world.programme.id: kept}
    assert dossier == await dossier_rows(account_id)
    assert dossier.counts["live_applications"] == 1
    assert rows_of((await client.get(OFFER)).text)["CESURE FSI L2 (SEMESTRE)"] == (
        "Candidater : CESURE FSI L2 (SEMESTRE)"
    )
    assert await dossier_rows_and_live_applications(10**9) == (None, {})
