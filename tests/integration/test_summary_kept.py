"""The summary page served from its kept body (issue 13): the same page as rendered
afresh, every change shown at once whoever made it, each session's own CSRF token."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from app.application_pages.page_data.summary_page import KeptSummaries
from app.applications import lifecycle
from app.applications.lifecycle import Actor
from app.core.codes.applications import PieceStatus
from app.tables.catalog import Commission
from tests.fixtures.files import PDF
from tests.fixtures.web import CSRF_COOKIE, post_form, running
from tests.integration.dossier_support import plant_session
from tests.integration.test_application_pages import (  # noqa: F401 (fixtures)
    application_id_from,
    apply_to,
    camille,
    new_applicant,
    table_rows,
    text_of,
    upload,
    world,
)


def form_tokens(html: str) -> set[str]:
    return set(re.findall(r'name="_csrf_token" value="([^"]+)"', html))


@dataclass
class Applied:
    application_id: int
    url: str


@pytest.fixture
async def applied(
    camille,  # noqa: F811
    world,  # noqa: F811
) -> Applied:
    """Camille's application to the world's programme (its summary's address)."""
    application_id = application_id_from(await apply_to(camille.http, world.programme.id))
    return Applied(application_id, f"/candidatures/{application_id}")


async def test_a_kept_summary_is_the_page_rendered_afresh_and_follows_every_change(
    app,
    applied,
    camille,  # noqa: F811
    world,  # noqa: F811
):
    application_id, url = applied.application_id, applied.url
    piece = world.pieces[0]
    await upload(camille.http, application_id, piece.id, "cv.pdf", PDF)
    app.state.kept_summaries = kept = KeptSummaries()

    rendered = (await camille.http.get(url)).text
    assert len(kept) == 1
    served_again = (await camille.http.get(url)).text
    app.state.kept_summaries = KeptSummaries()
    afresh = (await camille.http.get(url)).text
    assert served_again == rendered == afresh
    assert form_tokens(rendered) == {camille.http.cookies[CSRF_COOKIE]}

    # Staff validate the piece (not through the candidate's pages): shown at once.
    await lifecycle.set_piece_status(
        application_id=application_id,
        piece_id=piece.id,
        status=PieceStatus.VALIDATED,
        comment="Conforme",
        actor=Actor.staff(None),
    )
    [first_row, *_] = table_rows((await camille.http.get(url)).text, "pieces-table")
    assert first_row[2:4] == ["Validée", "Conforme"]

    # A staff edit of the programme's contact, made in SQL (no catalogue version moved).
    await Commission.update({Commission.email: "cesure.sciences@univ.example"}).where(
        Commission.id == world.commission.id
    )
    assert "cesure.sciences@univ.example" in (await camille.http.get(url)).text


async def test_each_session_gets_the_kept_body_with_its_own_token(
    app,
    applied,
    camille,  # noqa: F811
):
    url = applied.url
    app.state.kept_summaries = kept = KeptSummaries()
    first = (await camille.http.get(url)).text
    async with running(app) as other_browser:
        await plant_session(other_browser, camille.account)
        second = (await other_browser.get(url)).text
        assert len(kept) == 1
        token = other_browser.cookies[CSRF_COOKIE]
        assert token != camille.http.cookies[CSRF_COOKIE]
        assert form_tokens(second) == {token}
        assert form_tokens(first) == {camille.http.cookies[CSRF_COOKIE]}
        # The kept form posts with this session's token.
        added = await post_form(other_browser, f"{url}/notes", {"note": "Depuis la tablette"})
        assert added.status_code == 303, text_of(added.text)
    page = text_of((await camille.http.get(url)).text)
    assert "Depuis la tablette" in page


async def test_another_candidate_gets_404_for_a_kept_summary(
    app,
    applied,
    camille,  # noqa: F811
):
    async with running(app) as stranger:
        await new_applicant(stranger)  # before the page is kept: no commit after it
        app.state.kept_summaries = kept = KeptSummaries()
        assert (await camille.http.get(applied.url)).status_code == 200
        assert len(kept) == 1
        response = await stranger.get(applied.url)
        assert response.status_code == 404
