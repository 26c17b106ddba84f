"""The summary's kept bodies (app/application_pages/page_data/summary_page.py): served
again only for equal rows, the same language and the same day, with each request's
CSRF input; never for a page with a form or a message; the least recently shown go
first."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import time_machine

from app.application_pages.page_data.summary import SummaryRows
from app.application_pages.page_data.summary_page import KeptSummaries, SummaryPage
from app.core.i18n import current_language

CSRF_A = '<input type="hidden" name="_csrf_token" value="token-a" />'
CSRF_B = '<input type="hidden" name="_csrf_token" value="token-b" />'


class Page(SummaryPage):
    summary = "the summary"  # what summary_of would build from real rows


def rows(application_id: int, status: str = "attente") -> SummaryRows:
    return SummaryRows(
        application={"id": application_id, "account_id": 40 + application_id, "status": status},
        parts=[{"part": "piece", "piece_id": 7, "status": "transmise"}],
    )


class Renders:
    """The body's macro: counts its calls, writes what it was given."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, summary: str, page: SummaryPage, csrf_input: str) -> str:
        self.calls += 1
        status = page.rows.application["status"]
        return f"<p>{summary} {status} {current_language.get()}</p><form>{csrf_input}</form>"


def test_a_kept_body_is_served_again_with_each_requests_token():
    kept, render = KeptSummaries(), Renders()
    first = Page(rows(1), kept=kept).body(render, CSRF_A)
    second = Page(rows(1), kept=kept).body(render, CSRF_B)
    assert render.calls == 1
    assert first == f"<p>the summary attente fr</p><form>{CSRF_A}</form>"
    assert second == f"<p>the summary attente fr</p><form>{CSRF_B}</form>"
    # What is kept holds neither token: a marker no session's token equals.
    [(_, _, body, _)] = kept._kept.values()
    assert "token-a" not in body and "token-b" not in body
    assert re.fullmatch(
        r'<p>.*</p><form><input type="hidden" name="_csrf_token" value="[0-9a-f]{32}" /></form>',
        body,
    )


def test_other_rows_another_language_or_the_next_day_render_again():
    kept, render = KeptSummaries(), Renders()
    with time_machine.travel(datetime(2026, 6, 15, 10, tzinfo=UTC), tick=False) as clock:
        Page(rows(1), kept=kept).body(render, CSRF_A)
        changed = Page(rows(1, status="complet"), kept=kept).body(render, CSRF_A)
        assert (render.calls, changed) == (2, f"<p>the summary complet fr</p><form>{CSRF_A}</form>")
        token = current_language.set("en")
        try:
            english = Page(rows(1, status="complet"), kept=kept).body(render, CSRF_A)
        finally:
            current_language.reset(token)
        assert (render.calls, english) == (3, f"<p>the summary complet en</p><form>{CSRF_A}</form>")
        Page(rows(1, status="complet"), kept=kept).body(render, CSRF_A)  # French, still kept
        assert render.calls == 3
        clock.move_to(datetime(2026, 6, 15, 22, 30, tzinfo=UTC))  # 00:30 in Paris
        Page(rows(1, status="complet"), kept=kept).body(render, CSRF_A)
        assert render.calls == 4


def test_a_page_with_a_form_or_a_message_is_rendered_every_time_and_not_kept():
    kept, render = KeptSummaries(), Renders()
    for extra in ({"done": "Pièce déposée."}, {"refusal": "Trop tard."}, {"form": object()}):
        Page(rows(1), kept=kept, **extra).body(render, CSRF_A)
        Page(rows(1), kept=kept, **extra).body(render, CSRF_A)
    assert (render.calls, len(kept)) == (6, 0)


def test_the_least_recently_shown_body_goes_first():
    kept, render = KeptSummaries(size=2), Renders()
    for application_id in (1, 2, 1, 3):  # 1 shown again after 2: 2 is the oldest
        Page(rows(application_id), kept=kept).body(render, CSRF_A)
    assert (render.calls, len(kept)) == (3, 2)
    Page(rows(1), kept=kept).body(render, CSRF_A)
    assert render.calls == 3
    Page(rows(2), kept=kept).body(render, CSRF_A)
    assert render.calls == 4


def test_the_kept_body_is_served_unread_only_while_the_database_saw_no_commit():
    kept, render = KeptSummaries(), Renders()
    with time_machine.travel(datetime(2026, 6, 15, 10, tzinfo=UTC), tick=False) as clock:
        Page(rows(1), kept=kept, version=(1, 7)).body(render, CSRF_A)
        body = kept.unchanged(1, 41, (1, 7))
        assert body is not None
        assert (
            kept.with_token(body, CSRF_B) == f"<p>the summary attente fr</p><form>{CSRF_B}</form>"
        )
        assert kept.unchanged(1, 41, (1, 8)) is None  # a commit since
        assert kept.unchanged(1, 41, (2, 7)) is None  # another reader's count
        assert kept.unchanged(1, 41, None) is None  # PostgreSQL: cannot tell
        assert kept.unchanged(1, 99, (1, 7)) is None  # not this account's application
        assert kept.unchanged(2, 42, (1, 7)) is None  # nothing kept for it
        token = current_language.set("en")
        try:
            assert kept.unchanged(1, 41, (1, 7)) is None
        finally:
            current_language.reset(token)
        # Rows read again after a commit, and equal: kept with the newer version.
        Page(rows(1), kept=kept, version=(1, 8)).body(render, CSRF_A)
        assert render.calls == 1
        assert kept.unchanged(1, 41, (1, 8)) == body
        clock.move_to(datetime(2026, 6, 15, 22, 30, tzinfo=UTC))  # the next day in Paris
        assert kept.unchanged(1, 41, (1, 8)) is None
