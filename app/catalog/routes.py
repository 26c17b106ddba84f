"""Public pages of the catalogue: the home page shows the offer tree read-only."""

from __future__ import annotations

from litestar import Request, get

from app.catalog.offer import cached_offer
from app.clock import today
from app.web.templating import Template


@get("/", name="home")
async def home(request: Request) -> Template:
    offer = await cached_offer()
    return Template(
        template_name="catalog/home.html",
        context={"offer": offer, "today": today()},
    )
