"""The offer as the "Nouvelle candidature" page shows it: searched, with the candidate's
applications and the dossier's completeness."""

from __future__ import annotations

import secrets
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date

from app.catalog.offer import Offer, OfferCentre, OfferGroup, OfferProgramme, cached_offer
from app.clock import today as clock_today
from app.core.i18n import current_language
from app.dossier.completeness import Completeness, completeness_and_live_applications
from app.sql import one_connection


def fold(text: str) -> str:
    """Lower case without accents: "Médecine" and "MEDECINE" match "medecine"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def search_words(query: str) -> list[str]:
    return fold(query).split()


def matches(programme: OfferProgramme, words: list[str]) -> bool:
    """Every word of the search appears in the programme's title or keywords."""
    haystack = fold(f"{programme.label} {programme.keywords}")
    return all(word in haystack for word in words)


def filter_offer(centres: list[OfferCentre], words: list[str]) -> list[OfferCentre]:
    """Centres and groups keeping only the matching programmes (the cached offer is
    shared by every request: copies, never changed in place)."""
    if not words:
        return centres
    kept = []
    for centre in centres:
        groups = [
            OfferGroup(group.label, [p for p in group.programmes if matches(p, words)])
            for group in centre.groups
        ]
        groups = [group for group in groups if group.programmes]
        if groups:
            kept.append(replace(centre, groups=groups))
    return kept


def count_programmes(centres: list[OfferCentre]) -> int:
    return sum(len(group.programmes) for centre in centres for group in centre.groups)


@dataclass
class OfferPage:
    campaign: dict | None
    centres: list[OfferCentre]
    query: str
    found: int
    applied: dict[int, int]
    """Programme id → the candidate's live application to it."""
    completeness: Completeness
    today: date = field(default_factory=clock_today)
    shared_branches: dict | None = None
    """The offer copy's ``derived`` when the page shows the whole offer (no search)."""

    def branch(self, centre: OfferCentre, render: Callable[[OfferCentre, OfferPage], str]) -> str:
        """A centre's part of the page, ``render(centre, self)``: a dozen rows of table
        each (a third of the page's CPU, issue 13). It is kept with the offer copy and
        shared by every candidate. What a centre shows depends on the language, the day,
        whether the dossier is complete and which of its programmes the candidate applied
        to: the key. The link to each of those applications is kept with a marker in
        place of its id, which is put back for each candidate."""
        if self.shared_branches is None:
            return render(centre, self)
        applied = tuple(
            programme.id
            for group in centre.groups
            for programme in group.programmes
            if programme.id in self.applied
        )
        key = (current_language.get(), centre.id, self.today, self.completeness.ok, applied)
        kept = self.shared_branches.get(key)
        if kept is None:
            if len(self.shared_branches) >= KEPT_BRANCHES:
                return render(centre, self)
            marker = secrets.token_hex(8)
            markers = {programme_id: _stand_in(marker, programme_id) for programme_id in applied}
            html = render(centre, replace(self, applied=markers))
            kept = self.shared_branches[key] = (html, marker)
        html, marker = kept
        for programme_id in applied:
            html = html.replace(_stand_in(marker, programme_id), str(self.applied[programme_id]))
        return html


def _stand_in(marker: str, programme_id: int) -> str:
    """What a kept centre holds in place of the id of the application to a programme
    (closed by a dot: programme 5's must not be the start of programme 55's)."""
    return f"application-{marker}-{programme_id}."


KEPT_BRANCHES = 1000
"""Rendered centres kept with one copy of the offer (it is reloaded every
OFFER_CACHE_SECONDS): each set of applied programmes of a centre is one more."""


async def offer_page(account_id: int, query: str) -> OfferPage:
    offer: Offer = await cached_offer()
    words = search_words(query)
    centres = filter_offer(offer.centres, words)
    async with one_connection():
        completeness, applied = await completeness_and_live_applications(account_id)
    return OfferPage(
        campaign=offer.campaign,
        centres=centres,
        query=query.strip(),
        found=count_programmes(centres),
        applied=applied,
        completeness=completeness,
        shared_branches=None if words else offer.derived,
    )


async def offer_branch(account_id: int, centre_id: int) -> OfferPage | None:
    """One centre of the offer (the htmx partial), or None when it is not offered."""
    offer = await cached_offer()
    centres = [centre for centre in offer.centres if centre.id == centre_id]
    if not centres:
        return None
    async with one_connection():
        completeness, applied = await completeness_and_live_applications(account_id)
    return OfferPage(
        campaign=offer.campaign,
        centres=centres,
        query="",
        found=count_programmes(centres),
        applied=applied,
        completeness=completeness,
    )


@dataclass(frozen=True)
class OfferedProgramme:
    programme: OfferProgramme
    centre_label: str
    group_label: str


async def offered_programme(programme_id: int) -> OfferedProgramme | None:
    """A programme of the active campaign's offer (active centre and programme)."""
    offer = await cached_offer()
    for centre in offer.centres:
        for group in centre.groups:
            for programme in group.programmes:
                if programme.id == programme_id:
                    return OfferedProgramme(programme, centre.label, group.label)
    return None
