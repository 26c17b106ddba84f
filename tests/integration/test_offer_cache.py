"""Each web process keeps the offer; a staff edit in the admin shows at once in every
process (issue 13): two apps stand for two processes, each with its own copy."""

from __future__ import annotations

import asyncio
import dataclasses
import socket

from app.asgi import create_app
from app.catalog.offer_cache import VERSION_KEY, OfferCache, catalogue_changed
from app.settings import get_settings
from app.tables.catalog import Programme
from app.web.sessions import redis_client
from tests.fixtures.web import running
from tests.integration.test_admin import admin_login, admin_visitor, make_application_rows
from tests.integration.test_admin import make_user as make_staff
from tests.integration.test_admin_rules import edit_form

OLD, NEW, BEHIND = "Césure en licence 3", "Césure en master 1", "Césure sans l'admin"


def kept_for(seconds: float):
    return dataclasses.replace(get_settings(), offer_cache_seconds=seconds)


async def test_an_admin_edit_shows_at_once_in_another_process(redis):
    rows = await make_application_rows()
    programme_id = rows["programme"].id
    editing, reading = create_app(kept_for(300)), create_app(kept_for(300))
    async with admin_visitor(editing) as staff, running(reading) as visitor:
        await make_staff("gestion")
        assert (await admin_login(staff, "gestion")).status_code == 200
        assert OLD in (await visitor.get("/")).text

        # A change behind the admin's back waits for the copy to age: the copy is used.
        await Programme.update({Programme.label: BEHIND}).where(Programme.id == programme_id)
        assert BEHIND not in (await visitor.get("/")).text
        await Programme.update({Programme.label: OLD}).where(Programme.id == programme_id)

        saved = await edit_form(staff, "programme", programme_id, label=NEW)
        assert saved.status_code == 200, saved.text
        assert int(await redis.get(VERSION_KEY)) == 1
        page = (await visitor.get("/")).text
        assert NEW in page
        assert OLD not in page


async def test_a_refused_admin_edit_leaves_the_version_alone(redis):
    rows = await make_application_rows()
    editing = create_app(kept_for(300))
    async with admin_visitor(editing) as staff:
        await make_staff("gestion")
        assert (await admin_login(staff, "gestion")).status_code == 200
        refused = await edit_form(
            staff, "programme", rows["programme"].id, deposit_end="2026-01-01"
        )
        assert refused.status_code == 405  # the validators' refusal
        assert await redis.get(VERSION_KEY) is None


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def test_with_redis_down_the_copy_is_kept_and_an_edit_does_not_fail():
    down = redis_client(f"redis://127.0.0.1:{_closed_port()}/0")
    loads = []

    async def load():
        loads.append(1)
        return f"offer {len(loads)}"

    cache = OfferCache(load, max_age=300)
    assert await cache.offer(down) == "offer 1"
    assert await cache.offer(down) == "offer 1"
    await catalogue_changed(down)  # logged, not raised: the edit itself is saved
    assert loads == [1]
    await down.aclose()


async def test_a_process_reloads_when_the_version_moves(redis):
    loads = []

    async def load():
        loads.append(1)
        return f"offer {len(loads)}"

    cache = OfferCache(load, max_age=300)
    assert [await cache.offer(redis), await cache.offer(redis)] == ["offer 1", "offer 1"]
    await catalogue_changed(redis)
    assert [await cache.offer(redis), await cache.offer(redis)] == ["offer 2", "offer 2"]
    assert await OfferCache(load, max_age=0).offer(redis) == "offer 3"  # 0: never kept


async def test_requests_finding_the_copy_stale_together_load_it_once():
    loads, release = [], asyncio.Event()

    async def load():
        loads.append(1)
        await release.wait()
        return "offer"

    cache = OfferCache(load, max_age=300)
    requests = [asyncio.create_task(cache.offer()) for _ in range(5)]
    for _ in range(10):
        await asyncio.sleep(0)  # every request reaches the reload
    release.set()
    assert await asyncio.gather(*requests) == ["offer"] * 5
    assert loads == [1]
