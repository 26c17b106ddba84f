"""Queries per candidate page (issue 13, target 3): the count does not grow with the
number of applications, and is each page's budget exactly. Counted on the Piccolo
engine, whose query id grows by one per query.

The app keeps the offer as in production (other tests turn the cache off): the offer
tree costs one Redis GET per page, and the guard's account check lives in the
session. Issue 13's target is six per page; lower a budget whenever a page needs
fewer, never raise it without a reason.
"""

from __future__ import annotations

from piccolo.engine import engine_finder

from app.application_pages.page_data.summary_page import KeptSummaries
from app.catalog.offer_cache import catalogue_changed
from app.sql import database_version
from tests.factories import make_programme
from tests.fixtures.files import PDF
from tests.fixtures.web import keeps_the_offer
from tests.integration.test_application_pages import (
    application_id_from,
    apply_to,
    new_applicant,
    upload,
    world,  # noqa: F401  (fixture)
)

pytestmark = keeps_the_offer


PAGES = ("/candidatures", "/candidatures/{first}", "/dossier", "/candidatures/nouvelle")


async def queries_of(http, path: str) -> int:
    engine = engine_finder()
    before = engine.query_id
    response = await http.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return engine.query_id - before


async def counts_with(client, world, redis, applications: int) -> dict[str, int]:  # noqa: F811
    await new_applicant(client)
    programmes = [world.programme] + [
        await make_programme(world.commission, world.pieces, label=f"CESURE {n}")
        for n in range(applications - 1)
    ]
    await catalogue_changed(redis)  # the factories wrote behind the admin's back
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
    "/candidatures": 1,  # applications (with the account's names and current decisions)
    "/candidatures/{first}": 2,  # the application; its pieces, replaced pieces, timeline, notes
    "/dossier": 1,  # the dossier's rows, counts and reference ids (app.dossier.read_model)
    "/candidatures/nouvelle": 1,  # the dossier's rows and the live applications
}


async def test_queries_per_candidate_page_stay_within_budget_and_do_not_grow(
    app,
    client,
    world,  # noqa: F811
    redis,
):
    app.state.kept_summaries = KeptSummaries(size=0)  # the summary's reads, every time
    one = await counts_with(client, world, redis, 1)
    twenty = await counts_with(client, world, redis, 20)
    assert twenty == one
    # PostgreSQL reads the database's version with a query (SQLite, with a pragma).
    version = 0 if engine_finder().engine_type == "sqlite" else 1
    assert one == {**BUDGET, "/candidatures/{first}": BUDGET["/candidatures/{first}"] + version}


async def test_a_kept_summary_reads_only_the_database_version_while_nothing_was_committed(
    app,
    client,
    world,  # noqa: F811
):
    """A summary whose rows were read after the database's last commit is served without
    reading them again: SQLite tells it without a query (``PRAGMA data_version``),
    PostgreSQL in one (its current snapshot)."""
    app.state.kept_summaries = KeptSummaries()
    await new_applicant(client)
    application_id = application_id_from(await apply_to(client, world.programme.id))
    path = f"/candidatures/{application_id}"
    if engine_finder().engine_type == "sqlite":
        await client.get(path)
        assert await queries_of(client, path) == 0
    else:
        # The other test processes write to their own databases of the same server, and
        # any transaction that writes moves the snapshot: only a snapshot that did not
        # move from the first request to the end of the second promises one query.
        before = await database_version()
        await client.get(path)
        queries = await queries_of(client, path)
        after = await database_version()
        assert queries == 1 if after == before else queries in (1, 3), (queries, before, after)
    await upload(client, application_id, world.pieces[0].id, "cv.pdf", PDF)  # a commit
    read = await queries_of(client, path)
    assert read == (2 if engine_finder().engine_type == "sqlite" else 3)


# An upload checks the piece it is for (the application with its current decision, its
# current pieces) before storing the file, then stores it and gives it to the piece in
# one transaction; the summary (earlier versions, timeline, notes) is read by the page it leads to, not here
# too: on deadline day each candidate sends several. PostgreSQL takes row locks that
# SQLite's write lock makes needless: three more statements. (Reading the whole summary
# first cost three more on each.) One of them keeps the application's count of pieces
# to check (``application.pieces_to_review``, the desk's sort) in step.
UPLOAD_BUDGET = {"sqlite": 11, "postgres": 14}


async def test_an_upload_reads_the_piece_it_is_for_not_the_whole_summary(
    client,
    world,  # noqa: F811
    redis,
):
    await new_applicant(client)
    application_id = application_id_from(await apply_to(client, world.programme.id))
    await upload(client, application_id, world.pieces[1].id, "cv.pdf", PDF)  # warm
    engine = engine_finder()
    before = engine.query_id
    response = await upload(client, application_id, world.pieces[0].id, "cv.pdf", PDF)
    assert response.status_code == 303
    assert response.headers["location"].endswith(f"?fait=piece-deposee#piece-{world.pieces[0].id}")
    assert engine.query_id - before == UPLOAD_BUDGET[engine.engine_type]
