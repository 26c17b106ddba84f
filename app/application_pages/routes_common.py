"""What the candidate's application handlers share: rendering, the lifecycle call
and its refusal, the summary page."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable

from litestar import Request
from litestar.exceptions import NotFoundException
from litestar.response import Redirect
from litestar.status_codes import HTTP_409_CONFLICT

from app.accounts.guards import account_id_of
from app.application_pages.forms import refusal_message
from app.application_pages.page_data import Summary, SummaryRows, summary_of, summary_rows
from app.application_pages.page_data.summary_page import KeptPage, KeptSummaries, SummaryPage
from app.applications.lifecycle import Actor, Change, LifecycleRefused, Refusal
from app.dossier.field_labels import section_title
from app.mail.outbox import enqueue_mails
from app.sql import database_version
from app.web.forms import Form
from app.web.templating import Template

APPLICATIONS_URL = "/candidatures"


def applications_page(name: str, *, status_code: int = 200, **context) -> Template:
    return Template(
        template_name=f"applications/{name}.html",
        context={"section_title": section_title, **context},
        status_code=status_code,
    )


def application_url(application_id: int) -> str:
    return f"{APPLICATIONS_URL}/{application_id}"


def done(application_id: int, key: str, anchor: str = "") -> Redirect:
    """Post/redirect/get: the summary with a confirmation (``?fait=<key>``)."""
    return Redirect(f"{application_url(application_id)}?fait={key}{anchor}", status_code=303)


def candidate(request: Request) -> Actor:
    return Actor.candidate(account_id_of(request))


async def run_change(
    request: Request,
    change: Awaitable[Change],
    *,
    undo: Callable[[], Awaitable[object]] | None = None,
) -> Change | Refusal:
    """Await one lifecycle call; after its commit, hand its mails to the worker.

    NOT_FOUND (someone else's application, an unknown piece) is a 404; any other
    refusal is returned for the page to explain. ``undo`` runs when the change did not
    happen (refused or failed): it removes what the handler prepared for it.
    """
    try:
        result = await change
    except Exception as failure:
        if undo is not None:
            await undo()
        if not isinstance(failure, LifecycleRefused):
            raise
        if failure.reason is Refusal.NOT_FOUND:
            raise NotFoundException from failure
        return failure.reason
    await enqueue_mails(request.app.state.redis, result.mail_ids)
    return result


async def change_then_summary(
    request: Request,
    application_id: int,
    change: Awaitable[Change],
    done_key: str,
    anchor: str = "",
    *,
    undo: Callable[[], Awaitable[object]] | None = None,
) -> Template | Redirect:
    """Run one lifecycle change (:func:`run_change`), then back to the summary saying
    it is done (303), or the summary saying why it was refused (409)."""
    result = await run_change(request, change, undo=undo)
    if isinstance(result, Refusal):
        return await refused_page(request, application_id, result)
    return done(application_id, done_key, anchor)


async def rows_or_404(request: Request, application_id: int) -> SummaryRows:
    rows = await summary_rows(account_id_of(request), application_id)
    if rows is None:
        raise NotFoundException
    return rows


async def summary_or_404(request: Request, application_id: int) -> Summary:
    return summary_of(await rows_or_404(request, application_id))


def summary_page(
    request: Request,
    rows: SummaryRows,
    *,
    status_code: int = 200,
    form: Form | None = None,
    done_text: str = "",
    refusal: str = "",
    version: Hashable | None = None,
) -> Template:
    page = SummaryPage(
        rows,
        form=form,
        done=done_text,
        refusal=refusal,
        kept=request.app.state.kept_summaries,
        version=version,
    )
    return applications_page("summary", status_code=status_code, page=page)


async def current_summary_page(request: Request, application_id: int, done_text: str) -> Template:
    """The summary as it is now: its kept body when nothing was committed to the
    database since its rows were read, else read and rendered
    (``KeptSummaries``), with the confirmation ``done_text`` if any."""
    kept: KeptSummaries = request.app.state.kept_summaries
    version = None  # a page with a message is not kept (``SummaryPage.body``)
    if not done_text:
        version = await database_version()  # before the rows: a later commit moves it
        body = kept.unchanged(application_id, account_id_of(request), version)
        if body is not None:
            return applications_page("summary", page=KeptPage(body, kept))
    rows = await rows_or_404(request, application_id)
    return summary_page(request, rows, done_text=done_text, version=version)


async def refused_page(request: Request, application_id: int, reason: Refusal) -> Template:
    """The summary as it is now, with why the action was refused (409: the state of
    the application did not allow it)."""
    rows = await rows_or_404(request, application_id)
    return summary_page(
        request, rows, status_code=HTTP_409_CONFLICT, refusal=refusal_message(reason)
    )
