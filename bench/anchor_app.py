"""The anchor of the page benchmarks: the floor this stack allows for a page.

A bare Litestar app on the same server: one Jinja template, one Redis GET and one query
on the same database through the same Piccolo engine, read the way the pages read
(``app.sql.one_connection``: a held pooled connection on PostgreSQL, the event loop's
own connection on SQLite; before, the anchor's query went through aiosqlite's thread on
SQLite and flattered the pages' ratios there). Served by ``signed_in_pages.py`` with
``uvicorn --factory bench.anchor_app:create_app``.
"""

from __future__ import annotations

from pathlib import Path

from litestar import Litestar, get
from litestar.contrib.jinja import JinjaTemplateEngine
from litestar.response import Template
from litestar.template.config import TemplateConfig
from piccolo.engine import engine_finder
from redis.asyncio import Redis

from app.settings import get_settings
from app.sql import one_connection
from app.tables.catalog import Programme

TEMPLATES = Path(__file__).parent / "templates"


def create_app() -> Litestar:
    redis = Redis.from_url(get_settings().redis_url)

    @get("/anchor")
    async def anchor() -> Template:
        session = await redis.get("bench:anchor-session")
        async with one_connection():
            programmes = await Programme.select(Programme.id, Programme.label).limit(20)
        return Template("anchor.html", context={"session": session, "programmes": programmes})

    async def open_pool() -> None:
        engine = engine_finder()
        if getattr(engine, "pool", "n/a") is None:
            await engine.start_connection_pool()

    return Litestar(
        route_handlers=[anchor],
        template_config=TemplateConfig(directory=TEMPLATES, engine=JinjaTemplateEngine),
        on_startup=[open_pool],
    )
