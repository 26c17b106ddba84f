"""One application: its summary, the Bloc-notes, and the final actions (transmit,
cancel, confirm, withdraw), each behind a confirmation page that works without
JavaScript. Two clicks or two tabs reach the lifecycle, which changes the state once;
the second one reads why it was refused ("déjà transmise")."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from litestar import Request, get, post
from litestar.exceptions import NotFoundException
from litestar.handlers import HTTPRouteHandler
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect
from litestar.status_codes import HTTP_422_UNPROCESSABLE_ENTITY

from app.accounts.guards import account_id_of
from app.application_pages.forms import NOTE_FIELD, done_message, note_message, read_note
from app.application_pages.page_data import Summary
from app.application_pages.routes_common import (
    application_url,
    applications_page,
    candidate,
    change_then_summary,
    current_summary_page,
    done,
    rows_or_404,
    summary_or_404,
    summary_page,
)
from app.applications import lifecycle
from app.applications.lifecycle import Actor, Change
from app.applications.notes import NoteRefused, add_candidate_note
from app.core.dates import short_date
from app.core.i18n import gettext as _
from app.web.templating import Template


@get("/{application_id:int}", name="application")
async def summary(
    request: Request, application_id: FromPath[int], fait: FromQuery[str | None] = None
) -> Template:
    return await current_summary_page(request, application_id, done_message(fait))


@post("/{application_id:int}/notes")
async def add_note(request: Request, application_id: FromPath[int]) -> Template | Redirect:
    form, message = await read_note(request)
    if not form.ok:
        rows = await rows_or_404(request, application_id)
        return summary_page(request, rows, form=form, status_code=HTTP_422_UNPROCESSABLE_ENTITY)
    try:
        note = await add_candidate_note(
            account_id=account_id_of(request), application_id=application_id, message=message
        )
    except NoteRefused as refused:
        form.add_error(NOTE_FIELD, note_message(refused.problem))
        rows = await rows_or_404(request, application_id)
        return summary_page(request, rows, form=form, status_code=HTTP_422_UNPROCESSABLE_ENTITY)
    if note is None:
        raise NotFoundException
    return done(application_id, "note", "#bloc-notes")


# --- confirmation steps ---------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """What a confirmation page says, in the request's language."""

    slug: str
    title: str
    question: str
    button: str
    warnings: list[str] = field(default_factory=list)
    danger: bool = False


def _authorisation_warnings(s: Summary) -> list[str]:
    warnings = [
        _("Attention : cette autorisation n'est valable que pour l'année universitaire indiquée."),
        _("Année universitaire : %(year)s", year=s.academic_year),
    ]
    if s.confirmation_deadline:
        warnings.append(
            _(
                "Date limite de confirmation : %(date)s",
                date=short_date(s.confirmation_deadline),
            )
        )
    return warnings


def step_for(slug: str, s: Summary) -> Step:
    if slug == "transmettre":
        return Step(
            slug,
            title=_("Transmettre ma candidature"),
            question=_(
                "Etes vous certain de transmettre votre candidature? Attention: une fois votre dossier transmis aucune modification ne sera possible sur votre candidature."
            ),
            button=_("Oui, transmettre ma candidature"),
        )
    if slug == "annuler":
        return Step(
            slug,
            title=_("Annuler ma candidature"),
            question=_("Voulez-vous annuler votre candidature à cette formation ?"),
            warnings=[_("Attention : une annulation est définitive et fait l'objet d'un mail.")],
            button=_("Oui, annuler ma candidature"),
            danger=True,
        )
    if slug == "confirmer":
        return Step(
            slug,
            title=_("Confirmation candidature"),
            question=_("Confirmez-vous votre candidature à cette formation ?"),
            warnings=_authorisation_warnings(s),
            button=_("Oui, je confirme ma candidature"),
        )
    return Step(
        slug,
        title=_("Désistement candidature"),
        question=_("Voulez-vous vous désister de cette candidature ?"),
        warnings=[
            _(
                "Attention : un désistement est définitif, vous ne pourrez plus confirmer cette candidature."
            ),
            *_authorisation_warnings(s),
        ],
        button=_("Oui, je me désiste"),
        danger=True,
    )


def _allowed(slug: str, s: Summary) -> bool:
    if slug == "transmettre":
        return s.can_transmit
    if slug == "annuler":
        return s.can_cancel
    return s.can_answer


async def _step_page(request: Request, application_id: int, slug: str) -> Template | Redirect:
    """The confirmation page; an action no longer possible sends back to the summary."""
    s = await summary_or_404(request, application_id)
    if not _allowed(slug, s):
        return Redirect(application_url(application_id), status_code=303)
    return applications_page("confirm", s=s, step=step_for(slug, s), done="", refusal="")


@dataclass(frozen=True)
class FinalAction:
    """A final action: its confirmation page (GET) and the change itself (POST) at
    ``/candidatures/<id>/<slug>``; after the change, the summary says ``done_key``."""

    slug: str
    route_name: str
    done_key: str
    change: Callable[[int, Actor], Awaitable[Change]]


FINAL_ACTIONS = (
    FinalAction(
        "transmettre",
        "application_transmit",
        "transmise",
        lambda application_id, actor: lifecycle.transmit(
            application_id=application_id, actor=actor
        ),
    ),
    FinalAction(
        "annuler",
        "application_cancel",
        "annulee",
        lambda application_id, actor: lifecycle.cancel(application_id=application_id, actor=actor),
    ),
    FinalAction(
        "confirmer",
        "application_confirm",
        "confirmee",
        lambda application_id, actor: lifecycle.answer(
            application_id=application_id, confirm=True, actor=actor
        ),
    ),
    FinalAction(
        "desister",
        "application_withdraw",
        "desistement",
        lambda application_id, actor: lifecycle.answer(
            application_id=application_id, confirm=False, actor=actor
        ),
    ),
)


def final_action_handlers(action: FinalAction) -> list[HTTPRouteHandler]:
    path = f"/{{application_id:int}}/{action.slug}"

    @get(path, name=action.route_name)
    async def confirmation_page(
        request: Request, application_id: FromPath[int]
    ) -> Template | Redirect:
        return await _step_page(request, application_id, action.slug)

    @post(path)
    async def act(request: Request, application_id: FromPath[int]) -> Template | Redirect:
        change = action.change(application_id, candidate(request))
        return await change_then_summary(request, application_id, change, action.done_key)

    return [confirmation_page, act]


application_handlers = [
    summary,
    add_note,
    *(handler for action in FINAL_ACTIONS for handler in final_action_handlers(action)),
]
