"""A signed-in page reads the catalogue version in the same Redis round trip as its
session (``RotatingSessionConfig.read_along``): a staff edit still shows at once, and
with Redis down the page still renders from the process's copy."""

from __future__ import annotations

from app.catalog.offer_cache import VERSION_KEY, catalogue_changed
from app.tables.catalog import Programme
from tests.fixtures.web import keeps_the_offer
from tests.integration.test_application_pages import (
    new_applicant,
    world,  # noqa: F401  (fixture)
)

RENAMED = "CESURE RENOMMEE SANS ATTENDRE"


pytestmark = keeps_the_offer


async def test_a_staff_edit_shows_at_once_on_a_signed_in_page(client, world, redis):  # noqa: F811
    await new_applicant(client)
    await catalogue_changed(redis)  # the factories wrote behind the admin's back
    page = (await client.get("/candidatures/nouvelle")).text
    assert world.programme.label in page

    await Programme.update({Programme.label: RENAMED}).where(Programme.id == world.programme.id)
    assert RENAMED not in (await client.get("/candidatures/nouvelle")).text  # the copy is kept
    await catalogue_changed(redis)
    page = (await client.get("/candidatures/nouvelle")).text
    assert RENAMED in page
    assert world.programme.label not in page


async def test_one_round_trip_for_the_session_and_the_version(client, app, world, redis):  # noqa: F811
    calls: list[tuple[str, tuple]] = []
    shared = app.state.redis  # the session store's client too
    get, mget = shared.get, shared.mget

    async def spy_get(*keys):
        calls.append(("GET", keys))
        return await get(*keys)

    async def spy_mget(*keys):
        calls.append(("MGET", keys))
        return await mget(*keys)

    shared.get, shared.mget = spy_get, spy_mget
    assert (await client.get("/")).status_code == 200  # anonymous: the version alone
    assert calls == [("GET", (VERSION_KEY,))]

    await new_applicant(client)
    calls.clear()
    assert (await client.get("/dossier")).status_code == 200
    assert [(command, keys[-1]) for command, keys in calls] == [("MGET", VERSION_KEY)]
    assert len(calls[0][1]) == 2  # the session's key, then the version's
