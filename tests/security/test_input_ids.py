"""Defect 6 (ids): every ``{x:int}`` path parameter out of the database's range
(1 to 2**31 - 1, PostgreSQL integer) answers 404 on both databases, for every route
and method, signed in or not; never a 500. Generated from the route table, so a new
route is covered without an entry here."""

from __future__ import annotations

import re

import pytest
from litestar.routes import HTTPRoute

from app.asgi import create_app
from app.web.inputs import MAX_ID
from tests.factories import make_campaign
from tests.factories_dossier import make_complete_dossier
from tests.fixtures.web import csrf_token
from tests.integration.dossier_support import new_candidate, plant_session

BAD_IDS = ["0", "-1", str(MAX_ID + 1), str(2**63), str(2**64 + 5), "9" * 40]
INT_PARAM = re.compile(r"\{(\w+):int\}")


def id_routes() -> list[tuple[str, str]]:
    """(method, path template) of every route with an int path parameter."""
    found = []
    for route in create_app().routes:
        if isinstance(route, HTTPRoute) and INT_PARAM.search(route.path):
            found += [
                (m, route.path) for m in sorted(route.methods) if m not in {"HEAD", "OPTIONS"}
            ]
    return found


ROUTES = id_routes()


def test_the_route_table_has_id_routes():
    assert len(ROUTES) >= 15
    assert ("GET", "/candidatures/{application_id:int}") in ROUTES


@pytest.fixture
async def signed_in(client, refdata, clock):
    await make_campaign()
    account, _ = await new_candidate()
    await make_complete_dossier(account)
    await plant_session(client, account)
    return client


async def _send(http, method: str, path: str):
    token = await csrf_token(http)
    if method == "GET":
        return await http.get(path, headers={"accept": "text/html"})
    return await http.request(
        method, path, data={"_csrf_token": token}, headers={"accept": "text/html"}
    )


@pytest.mark.parametrize(("method", "template"), ROUTES)
async def test_out_of_range_ids_are_404_for_a_candidate(signed_in, method, template):
    for bad in BAD_IDS:
        for name in INT_PARAM.findall(template):
            path = INT_PARAM.sub(lambda m, n=name, b=bad: b if m[1] == n else "1", template)
            response = await _send(signed_in, method, path)
            assert response.status_code == 404, (path, response.status_code)
            assert "Page introuvable" in response.text


async def test_out_of_range_ids_are_404_anonymous_too(client):
    for method, template in ROUTES:
        path = INT_PARAM.sub(str(2**63), template)
        response = await _send(client, method, path)
        assert response.status_code == 404, (path, response.status_code)


async def test_the_largest_id_is_an_ordinary_missing_page(signed_in):
    response = await signed_in.get(f"/candidatures/{MAX_ID}")
    assert response.status_code == 404
    response = await signed_in.get(f"/dossier/stages/{MAX_ID}")
    assert response.status_code == 404


async def test_a_version_out_of_range_in_the_query_is_404(signed_in):
    for bad in BAD_IDS[:4]:
        response = await signed_in.get(f"/candidatures/1/pieces/1/fichier?version={bad}")
        assert response.status_code == 404
