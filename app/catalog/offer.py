"""The offer tree of the active campaign: centres → groups → programmes."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date

from app.catalog.offer_cache import OfferCache, version_of
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
    derived: dict = field(default_factory=dict, repr=False, compare=False)
    """What pages derive from this copy of the offer and keep (the offer page's rendered
    centres): it goes with the copy, so a reload or a staff edit starts it empty."""


async def active_campaign() -> dict | None:
    return await Campaign.select().where(Campaign.active.eq(True)).first()


def new_offer_cache(max_age: float | None = None) -> OfferCache:
    """A process's copy of the offer, kept at most ``max_age`` seconds
    (OFFER_CACHE_SECONDS by default); see ``app.catalog.offer_cache``."""
    if max_age is None:
        max_age = get_settings().offer_cache_seconds
    return OfferCache(lambda: load_offer(), max_age=max_age)


_outside_requests: OfferCache | None = None
_this_request: ContextVar[Offer | None] = ContextVar("offer_of_this_request", default=None)


async def cached_offer() -> Offer:
    """The offer this request started with (:func:`remember_campaign` checked its
    version): every part of a page sees the same one, for one Redis GET. Outside a
    request, the process's copy kept for OFFER_CACHE_SECONDS."""
    global _outside_requests
    offer = _this_request.get()
    if offer is not None:
        return offer
    if _outside_requests is None:
        _outside_requests = new_offer_cache()
    return await _outside_requests.offer()


async def remember_campaign(
    request, *, version_read: bool = False, version_value: bytes | None = None
) -> None:
    """before_request hook: the offer of this request, and its active campaign for the
    page header. ``version_read``: the catalogue version's Redis value was already read
    with the session (``version_value``); otherwise one GET here.

    Routes marked ``skip_session`` (health, static files, CAS validation) render no page.
    """
    if request.route_handler.opt.get("skip_session"):
        return
    state = request.app.state
    if version_read:
        offer = await state.offer_cache.offer_at(version_of(version_value))
    else:
        offer = await state.offer_cache.offer(state.redis)
    _this_request.set(offer)
    request.state.campaign = offer.campaign


def forget_cached_offer() -> None:
    """Tests: the next read loads the offer (outside requests)."""
    global _outside_requests
    _outside_requests = None
    _this_request.set(None)


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
