"""The offer tree of the active campaign: centres → groups → programmes."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date

from app.settings import get_settings
from app.tables.catalog import Campaign, Centre, Programme


@dataclass
class OfferProgramme:
    id: int
    code: str
    label: str
    keywords: str
    deposit_start: date
    deposit_end: date
    online_documents: bool
    processing_type: str

    def is_open(self, today: date) -> bool:
        """Windows are inclusive local dates."""
        return self.deposit_start <= today <= self.deposit_end


@dataclass
class OfferGroup:
    label: str
    programmes: list[OfferProgramme] = field(default_factory=list)


@dataclass
class OfferCentre:
    id: int
    code: str
    label: str
    groups: list[OfferGroup] = field(default_factory=list)


@dataclass
class Offer:
    campaign: dict | None
    centres: list[OfferCentre]


def _cache_seconds() -> float:
    """The offer changes a few times a year and is read on every page: each process
    keeps it OFFER_CACHE_SECONDS (default 5; a staff edit shows within that delay)."""
    return get_settings().offer_cache_seconds


_cache: tuple[float, Offer] | None = None


async def active_campaign() -> dict | None:
    return await Campaign.select().where(Campaign.active.eq(True)).first()


async def cached_offer() -> Offer:
    global _cache
    if _cache is None or time.monotonic() - _cache[0] >= _cache_seconds():
        _cache = (time.monotonic(), await load_offer())
    return _cache[1]


async def remember_campaign(request) -> None:
    """before_request hook: the active campaign for the page header.

    Routes marked ``skip_session`` (health, static files, CAS validation) render no page.
    """
    if request.route_handler.opt.get("skip_session"):
        return
    offer = await cached_offer()
    request.state.campaign = offer.campaign


def forget_cached_offer() -> None:
    global _cache
    _cache = None


async def load_offer() -> Offer:
    """Three queries, whatever the size of the offer."""
    campaign = await active_campaign()
    if campaign is None:
        return Offer(campaign=None, centres=[])
    centres = (
        await Centre.select(Centre.id, Centre.code, Centre.label)
        .where((Centre.campaign == campaign["id"]) & Centre.active.eq(True))
        .order_by(Centre.position)
        .order_by(Centre.label)
    )
    programmes = (
        await Programme.select(
            Programme.all_columns(),
            Programme.commission.centre.id.as_alias("centre_id"),
        )
        .where((Programme.commission.centre.campaign == campaign["id"]) & Programme.active.eq(True))
        .order_by(Programme.group_label)
        .order_by(Programme.label)
    )
    by_centre = {c["id"]: OfferCentre(c["id"], c["code"], c["label"]) for c in centres}
    for row in programmes:
        centre = by_centre.get(row["centre_id"])
        if centre is None:
            continue
        group_label = row["group_label"] or centre.label
        if not centre.groups or centre.groups[-1].label != group_label:
            centre.groups.append(OfferGroup(group_label))
        centre.groups[-1].programmes.append(
            OfferProgramme(
                id=row["id"],
                code=row["code"],
                label=row["label"],
                keywords=row["keywords"],
                deposit_start=row["deposit_start"],
                deposit_end=row["deposit_end"],
                online_documents=row["online_documents"],
                processing_type=row["processing_type"],
            )
        )
    return Offer(campaign=campaign, centres=list(by_centre.values()))
