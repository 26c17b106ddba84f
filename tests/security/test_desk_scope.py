"""The review desk's lists and bulk actions keep to the staff member's scope (issue 9,
with the world of the security suite): the access matrix says every staff member may
open the queue, the exports and the bulk steps; here, what they hold.

The manager of another centre and the member of another commission (see
tests/security/world.py) must never see candidate A's rows, even when they ask for
them (A's centre in the filter, A's dossier number in the search), and a bulk action
forged with A's application ids acts on nothing: each id is "not found".
"""

from __future__ import annotations

import csv
import io
import re

import pytest
from openpyxl import load_workbook

from app.core.codes.applications import Verdict
from app.review.bulk import BulkAction
from app.tables.accounts import CandidateAccount
from app.tables.applications import Application
from app.tables.catalog import DecisionType
from tests.security.snapshot import changed_tables, database_rows
from tests.security.world import (
    CANDIDATE_A,
    CENTRAL_OFFICE,
    CENTRE_MANAGER,
    COMMISSION_MEMBER,
    STAFF,
    TECH_ADMIN,
    World,
    portal_token,
)

OUTSIDERS = (CENTRE_MANAGER, COMMISSION_MEMBER)
INSIDERS = (CENTRAL_OFFICE, TECH_ADMIN)


@pytest.fixture
def clean_tables():
    """Overrides tests/fixtures/db.py's: the world is kept while no test changes it
    (see ``tests.security.world.SharedWorld``)."""


async def a_login(world: World) -> str:
    """A's dossier number (the login the desk shows in its lists)."""
    row = await (
        CandidateAccount.select(CandidateAccount.login)
        .where(CandidateAccount.id == world.owned[CANDIDATE_A].account_id)
        .first()
    )
    return row["login"]


def table_body(html: str) -> str:
    """The queue's rows (the search field repeats what was searched)."""
    found = re.search(r"<tbody>(.*?)</tbody>", html, re.S)
    return found[1] if found else ""


def csv_cells(text: str) -> set[str]:
    return {cell for row in csv.reader(io.StringIO(text), delimiter=";") for cell in row} | {
        cell for row in csv.reader(io.StringIO(text)) for cell in row
    }


async def test_the_lists_hold_a_s_rows_for_the_central_office_only(world):
    login = await a_login(world)
    asks = {
        "queue": "/staff/candidatures",
        "queue, A's dossier searched": f"/staff/candidatures?q={login}",
        "queue, A's centre": f"/staff/candidatures?centre={world.centre_id}",
        "csv": "/staff/candidatures/export.csv",
        "csv, A's centre and dossier": (
            f"/staff/candidatures/export.csv?centre={world.centre_id}&q={login}"
        ),
    }
    wrong = {}
    for actor in STAFF:
        http = world.client(actor)
        for what, url in asks.items():
            response = await http.get(url)
            assert response.status_code == 200, f"{actor} {what}: {response.status_code}"
            if what.startswith("csv"):
                assert response.headers["content-type"].startswith("text/csv")
                shown = login in csv_cells(response.text)
            else:
                shown = login in table_body(response.text)
            if shown != (actor in INSIDERS):
                wrong[f"{actor} {what}"] = "shown" if shown else "missing"
    assert wrong == {}


def xlsx_cells(content: bytes) -> set[str]:
    book = load_workbook(io.BytesIO(content), read_only=True)
    return {str(v) for sheet in book for row in sheet.iter_rows(values_only=True) for v in row}


async def test_the_xlsx_export_and_the_home_counts_keep_to_the_scope(world):
    """A's row in the spreadsheet, A's programme in the home page's counts: for the
    central office and the administrator only."""
    login = await a_login(world)
    programme = await (
        Application.select(Application.programme.label.as_alias("label"))
        .where(Application.id == world.owned[CANDIDATE_A].application)
        .first()
    )
    wrong = {}
    for actor in STAFF:
        http = world.client(actor)
        sheet = await http.get(f"/staff/candidatures/export.xlsx?centre={world.centre_id}")
        home = await http.get("/staff")
        assert (sheet.status_code, home.status_code) == (200, 200), actor
        for what, shown in (
            ("xlsx", login in xlsx_cells(sheet.content)),
            ("home", programme["label"] in home.text),
        ):
            if shown != (actor in INSIDERS):
                wrong[f"{actor} {what}"] = "shown" if shown else "missing"
    assert wrong == {}


def result_path(response) -> str:
    assert response.status_code == 303, response.status_code
    location = response.headers["location"]
    assert re.fullmatch(r"/staff/candidatures/lot/[A-Za-z0-9_-]{20,64}", location), location
    return location


@pytest.mark.parametrize("actor", OUTSIDERS)
async def test_a_forged_bulk_action_on_a_s_applications_acts_on_nothing(world, actor):
    a = world.owned[CANDIDATE_A]
    http = world.client(actor)
    token = await portal_token(http)
    favourable = await (
        DecisionType.select(DecisionType.id).where(DecisionType.verdict == Verdict.FAVOURABLE)
    ).first()
    ids = [str(a.application), str(a.decided)]
    before = await database_rows()

    # The first step only offers the member's rows: none of A's.
    asked = await http.post(
        "/staff/candidatures/lot",
        data={"action": BulkAction.COMPLETE.value, "ids": ids, "_csrf_token": token},
    )
    assert asked.status_code == 200
    assert "Aucune candidature choisie" in asked.text

    # A hand-made confirmation: every action, A's ids; each row is "not found".
    for action in BulkAction:
        form = {"action": action.value, "ids": ids, "_csrf_token": token}
        if action is BulkAction.ENTER_DECISION:
            form["type_decision"] = str(favourable["id"])
        done = await http.post("/staff/candidatures/lot/confirmer", data=form)
        result = await http.get(result_path(done))
        assert result.status_code == 200
        assert "Faites : 0 — refusées : 2." in result.text, action
        assert result.text.count("Candidature introuvable.") == 2, action
        assert await a_login(world) not in result.text
    assert changed_tables(before, await database_rows()) == []
