"""Queries per candidate page (issue 13, target 3): the count does not grow with the
number of applications, and stays within each page's budget. Counted on the Piccolo
engine, whose query id grows by one per query.

The budgets are today's figures (the offer cache is off in tests, so each page also
loads the offer tree: campaign, centres, programmes). Issue 13's target is six per page;
lower a budget whenever a page needs fewer, never raise it without a reason.
"""

from __future__ import annotations

from piccolo.engine import engine_finder

from tests.factories import make_programme
from tests.fixtures.files import PDF
from tests.integration.test_application_pages import (
    application_id_from,
    apply_to,
    new_applicant,
    upload,
    world,  # noqa: F401  (fixture)
)

PAGES = ("/candidatures", "/candidatures/{first}", "/dossier", "/candidatures/nouvelle")


async def queries_of(http, path: str) -> int:
    engine = engine_finder()
    before = engine.query_id
    response = await http.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return engine.query_id - before


async def counts_with(client, world, applications: int) -> dict[str, int]:  # noqa: F811
    await new_applicant(client)
    programmes = [world.programme] + [
        await make_programme(world.commission, world.pieces, label=f"CESURE {n}")
        for n in range(applications - 1)
    ]
    ids = []
    for programme in programmes:
        ids.append(application_id_from(await apply_to(client, programme.id)))
        await upload(client, ids[-1], world.pieces[0].id, "cv.pdf", PDF)
    counts = {}
    for page in PAGES:
        path = page.format(first=ids[0])
        await client.get(path)  # warm: first-request work is not the page's
        counts[page] = await queries_of(client, path)
    return counts


BUDGET = {
    "/candidatures": 7,
    "/candidatures/{first}": 13,
    "/dossier": 9,
    "/candidatures/nouvelle": 12,
}


async def test_queries_per_candidate_page_stay_within_budget_and_do_not_grow(
    client,
    world,  # noqa: F811
):
    one = await counts_with(client, world, 1)
    twenty = await counts_with(client, world, 20)
    assert twenty == one
    assert {page: min(n, BUDGET[page]) for page, n in one.items()} == one, one
