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
    assert one == BUDGET


async def test_a_kept_summary_reads_nothing_while_sqlite_saw_no_commit(
    app,
    client,
    world,  # noqa: F811
):
    """On SQLite, a summary whose rows were read after the database's last commit is
    served without reading them again (``PRAGMA data_version``, not an engine query);
    PostgreSQL cannot tell, so its summary reads its two statements every time."""
    app.state.kept_summaries = KeptSummaries()
    await new_applicant(client)
    application_id = application_id_from(await apply_to(client, world.programme.id))
    path = f"/candidatures/{application_id}"
    await client.get(path)
    engine = engine_finder()
    assert await queries_of(client, path) == (0 if engine.engine_type == "sqlite" else 2)
    await upload(client, application_id, world.pieces[0].id, "cv.pdf", PDF)  # a commit
    assert await queries_of(client, path) == 2


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
