"""``OfferPage.branch``: a centre's rendered rows are kept and shared by every candidate
whose applications in it are to the same programmes; each gets the links to their own."""

from __future__ import annotations

import re
from datetime import date

from app.application_pages.page_data.offer import KEPT_BRANCHES, OfferPage
from app.catalog.offer import OfferCentre, OfferGroup, OfferProgramme
from app.dossier.completeness import Completeness

DAY = date(2027, 3, 1)


def programme(programme_id: int) -> OfferProgramme:
    return OfferProgramme(
        programme_id, f"P{programme_id}", f"Programme {programme_id}", "", DAY, DAY, True, "C"
    )


CENTRE = OfferCentre(1, "C1", "Centre", [OfferGroup("Groupe", [programme(5), programme(55)])])


def rows(centre: OfferCentre, page: OfferPage) -> str:
    """What the macro shows of the candidate: a link per applied programme."""
    return "".join(
        f'<a href="/candidatures/{page.applied[p.id]}">{p.label}</a>'
        if p.id in page.applied
        else f"<span>{p.label}</span>"
        for group in centre.groups
        for p in group.programmes
    )


def page_of(applied: dict[int, int], kept: dict) -> OfferPage:
    complete = Completeness(True, True, True, ())
    return OfferPage(None, [CENTRE], "", 2, applied, complete, DAY, kept)


def links(html: str) -> list[str]:
    return re.findall(r'href="([^"]*)"', html)


def test_candidates_applied_to_the_same_programmes_share_the_rows_with_their_own_links():
    kept: dict = {}
    first = page_of({5: 101, 55: 102}, kept).branch(CENTRE, rows)
    second = page_of({5: 201, 55: 202}, kept).branch(CENTRE, rows)
    assert links(first) == ["/candidatures/101", "/candidatures/102"]
    assert links(second) == ["/candidatures/201", "/candidatures/202"]
    assert len(kept) == 1


def test_another_set_of_applied_programmes_is_kept_apart():
    kept: dict = {}
    nothing = page_of({}, kept).branch(CENTRE, rows)
    one = page_of({55: 7}, kept).branch(CENTRE, rows)
    applied_elsewhere = page_of({999: 8}, kept).branch(CENTRE, rows)
    assert links(nothing) == [] and applied_elsewhere == nothing
    assert links(one) == ["/candidatures/7"]
    assert len(kept) == 2


def test_past_the_bound_the_rows_are_rendered_and_not_kept():
    kept: dict = {("filler", n): ("", "") for n in range(KEPT_BRANCHES)}
    html = page_of({5: 3}, kept).branch(CENTRE, rows)
    assert links(html) == ["/candidatures/3"]
    assert len(kept) == KEPT_BRANCHES


def test_a_search_renders_the_rows_for_the_candidate_and_keeps_nothing():
    page = page_of({5: 3}, {})
    page.shared_branches = None
    assert links(page.branch(CENTRE, rows)) == ["/candidatures/3"]
