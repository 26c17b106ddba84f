"""The summary page's body, kept per application while what it shows is unchanged.

A candidate waiting for a decision comes back to the summary again and again, and
its body (the pieces table, the timeline, the Bloc-notes) was two thirds of the page's
CPU (issue 13). The page is a function of its rows (``SummaryRows``), the language,
the day and the process's settings, so the body rendered for some rows is kept with
them and served again while the database answers the same rows: nothing to
invalidate, a change of any row (a piece, a decision, a staff edit of the programme's
contact) is a new page. Only the CSRF token differs from one session to the next: the
body is kept with a marker in its place.

When nothing at all was committed to the database since the rows were read
(``app.sql.database_version``: SQLite's data version, PostgreSQL's snapshot), the kept
body is served without reading them again.
"""

from __future__ import annotations

import secrets
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import NamedTuple

from markupsafe import Markup

from app.application_pages.forms import ACCEPTED_TYPES, formats_hint
from app.application_pages.page_data.summary import Summary, SummaryRows, summary_of
from app.clock import today as clock_today
from app.core.i18n import current_language
from app.web.forms import Form

KEPT_SUMMARIES = 256
"""Bodies kept per process (10–20 kB each: the whole page was 11 kB in the bench), the
least recently shown dropped first."""

Render = Callable[[Summary, "SummaryPage", str], str]
"""The body's macro: (summary, page, the CSRF input) → HTML."""


class _Kept(NamedTuple):
    today: date
    rows: SummaryRows
    body: str
    version: Hashable | None
    """The database's version read before the rows (``app.sql.database_version``)."""


class KeptSummaries:
    """One process's kept bodies (``app.state.kept_summaries``)."""

    def __init__(self, size: int = KEPT_SUMMARIES) -> None:
        self.size = size
        self._kept: OrderedDict[tuple[int, str], _Kept] = OrderedDict()
        # A hidden input no session's token can equal: the body holds it in place of
        # the token it was rendered with.
        self._marker = f'<input type="hidden" name="_csrf_token" value="{secrets.token_hex(16)}" />'

    def __len__(self) -> int:
        return len(self._kept)

    def unchanged(
        self, application_id: int, account_id: int, version: Hashable | None
    ) -> str | None:
        """The kept body of this account's application when nothing was committed to the
        database since its rows were read (``version``; None: the engine cannot tell), on
        the same day, in this request's language: no need to read the rows again."""
        key = (application_id, current_language.get())
        kept = self._kept.get(key)
        if (
            version is None
            or kept is None
            or kept.version != version
            or kept.rows.application["account_id"] != account_id
            or kept.today != clock_today()
        ):
            return None
        self._kept.move_to_end(key)
        return kept.body

    def body(self, page: SummaryPage, render: Render) -> str:
        """The body of ``page`` in this request's language and day, with the marker for
        its CSRF input: the kept one, or ``render(page.summary, page, marker)`` kept."""
        rows = page.rows
        key = (rows.application["id"], current_language.get())
        today = clock_today()
        kept = self._kept.get(key)
        if kept is not None and kept.today == today and kept.rows == rows:
            html = kept.body
        else:
            html = str(render(page.summary, page, self._marker))
        self._kept[key] = _Kept(today, rows, html, page.version)
        self._kept.move_to_end(key)
        if len(self._kept) > self.size:
            self._kept.popitem(last=False)
        return html

    def with_token(self, body: str, csrf_input: str) -> Markup:
        return Markup(body.replace(self._marker, csrf_input))


@dataclass
class SummaryPage:
    """What summary.html renders: the rows, and what the request adds to them."""

    rows: SummaryRows
    form: Form | None = None
    done: str = ""
    refusal: str = ""
    kept: KeptSummaries | None = None
    """None: rendered every time. A page with a form's errors or a message is."""
    version: Hashable | None = None
    """The database's version read before the rows."""

    accepted_types = ACCEPTED_TYPES

    @cached_property
    def summary(self) -> Summary:
        return summary_of(self.rows)

    @property
    def formats_hint(self) -> str:
        """Read by the body's macro: a kept body does not ask for it."""
        return formats_hint()

    def body(self, render: Render, csrf_input: str) -> Markup:
        if self.kept is None or self.form is not None or self.done or self.refusal:
            return Markup(render(self.summary, self, csrf_input))
        body = self.kept.body(self, render)
        return self.kept.with_token(body, csrf_input)


@dataclass
class KeptPage:
    """What summary.html renders when the database has not changed since the kept body's
    rows were read (``KeptSummaries.unchanged``)."""

    kept_body: str
    kept: KeptSummaries

    def body(self, render: Render, csrf_input: str) -> Markup:
        return self.kept.with_token(self.kept_body, csrf_input)
