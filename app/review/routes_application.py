"""The desk's application page (``/staff/candidatures/<id>``), its piece files and its
actions. Each action is a plain POST form calling ONE lifecycle function as the staff
member, then 303 back to the page with a flash message; a field error re-renders the
page with the typed text (422). Outside the member's scope everything is 404; an
action the member has no right to is 403.
"""

from __future__ import annotations

from litestar import Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_403_FORBIDDEN, HTTP_422_UNPROCESSABLE_ENTITY

from app.applications import lifecycle
from app.applications.codes import DossierStatus, PieceStatus
from app.applications.lifecycle_base import Actor, Refusal
from app.applications.notes import add_staff_note
from app.applications.page_data.summary import scoped_piece_file
from app.applications.queries import application_view
from app.applications.staff_dates import (
    set_confirmation_date_override,
    set_return_date_override,
)
from app.applications.staff_dossier import COMMENT_MAX
from app.applications.tables import Decision
from app.documents.serving import STAFF_FILE_CSP, file_headers
from app.documents.storage import open_stored
from app.review.actions import (
    decision_input,
    flash,
    in_range,
    parse_date,
    parse_id,
    pop_flash,
    refusal_text,
    run_change,
    text_error,
)
from app.review.application_page import application_page
from app.review.auth import scoped_application, staff_of, staff_required
from app.review.duplicates import duplicate_panel
from app.review.scope import may_decide, may_process
from app.web.forms import Form, read_form
from app.web.i18n import gettext as _
from app.web.templating import short_date

BASE = "/candidatures/{application_id:int}"
PIECE = BASE + "/pieces/{piece_id:int}"
NOTE_MAX = 255  # Note.message


def page_url(application_id: int, anchor: str = "") -> str:
    return f"/staff/candidatures/{application_id}{anchor}"


async def _scoped(request: Request, application_id: int) -> dict:
    if not in_range(application_id):
        raise NotFoundException()
    return await scoped_application(request, application_id)


async def _render(
    request: Request,
    application_id: int,
    scoped: dict,
    *,
    form: Form | None = None,
    status_code: int = 200,
) -> Template:
    view = await application_view(application_id)
    if view is None:
        raise NotFoundException()
    member = staff_of(request)
    return Template(
        "review/application.html",
        context={
            "staff": member,
            "p": await application_page(member, scoped, view),
            "duplicates": await duplicate_panel(member, view.candidate_id),
            "form": form or Form(),
            "flash": pop_flash(request),
        },
        status_code=status_code,
        # A form shown again (422) under htmx's boost: the address bar keeps the page's
        # URL, not the action's (which a reload could not GET).
        headers={"HX-Push-Url": page_url(application_id)} if status_code != 200 else None,
    )


async def _read(
    request: Request, application_id: int, scoped: dict, *, multiline=()
) -> tuple[Form, Template | None]:
    """The posted form, and the page again (422) when a field held characters the desk
    does not store: ``read_form`` keeps such a field without them and records a message,
    and a value changed behind the staff member's back must not be acted upon."""
    form = await read_form(request, multiline=multiline)
    if form.ok:
        return form, None
    page = await _render(
        request, application_id, scoped, form=form, status_code=HTTP_422_UNPROCESSABLE_ENTITY
    )
    return form, page


def _forbidden(request: Request, application_id: int) -> Template:
    return Template(
        "review/application_forbidden.html",
        context={"staff": staff_of(request), "application_id": application_id},
        status_code=HTTP_403_FORBIDDEN,
    )


def _back(
    request: Request, application_id: int, text: str, *, ok: bool, anchor: str = ""
) -> Redirect:
    flash(request, text, ok=ok)
    return Redirect(page_url(application_id, anchor), status_code=303)


async def _outcome(
    request: Request, application_id: int, result, form: Form, done: str, anchor: str = ""
) -> Redirect:
    if isinstance(result, Refusal):
        text = await refusal_text(application_id, form.values.get("etat"), result)
        return _back(request, application_id, text, ok=False, anchor=anchor)
    return _back(request, application_id, done, ok=True, anchor=anchor)


def _actor(request: Request) -> Actor:
    return Actor.staff(staff_of(request).user_id)


# --- the page and its files --------------------------------------------------------------


@get(BASE, name="staff_application", guards=[staff_required])
async def application_page_view(request: Request, application_id: FromPath[int]) -> Template:
    scoped = await _scoped(request, application_id)
    return await _render(request, application_id, scoped)


@get(PIECE + "/fichier", name="staff_piece_file", guards=[staff_required])
async def piece_file(
    request: Request,
    application_id: FromPath[int],
    piece_id: FromPath[int],
    version: FromQuery[str | None] = None,
) -> Response:
    """A piece's current file (or an earlier version), inline, to a member whose scope
    holds the application."""
    await _scoped(request, application_id)
    version_id = parse_id(version) if version else None
    if not in_range(piece_id) or (version and version_id is None):
        raise NotFoundException()
    found = await scoped_piece_file(application_id, piece_id, version_id)
    data = await open_stored(found["file_id"]) if found else None
    if data is None:
        raise NotFoundException()
    return Response(
        content=data,
        media_type=found["content_type"],
        headers=file_headers(found["original_name"], policy=STAFF_FILE_CSP),
    )


# --- pieces, status, processing type -----------------------------------------------------


@post(PIECE + "/statut", guards=[staff_required])
async def judge_piece(
    request: Request, application_id: FromPath[int], piece_id: FromPath[int]
) -> Template | Redirect:
    scoped = await _scoped(request, application_id)
    if not may_process(staff_of(request), scoped):
        return _forbidden(request, application_id)
    if not in_range(piece_id):
        raise NotFoundException()
    field = f"commentaire-{piece_id}"
    form, again = await _read(request, application_id, scoped, multiline={field})
    if again:
        return again
    comment = form.values.get(field, "").strip()
    status = form.values.get("statut", "")
    problem = text_error(comment, COMMENT_MAX)
    if status not in (PieceStatus.VALIDATED, PieceStatus.REFUSED):
        problem = _("Choisissez « Validée » ou « Refusée ».")
    elif status == PieceStatus.REFUSED and not comment and problem is None:
        problem = _(
            "Un commentaire est obligatoire pour refuser une pièce : il est montré au candidat."
        )
    if problem:
        form.add_error(field, problem)
        return await _render(
            request, application_id, scoped, form=form, status_code=HTTP_422_UNPROCESSABLE_ENTITY
        )
    call = lifecycle.set_piece_status(
        application_id=application_id,
        piece_id=piece_id,
        status=PieceStatus(status),
        comment=comment,
        actor=_actor(request),
    )
    result = await run_change(request, call)
    if status == PieceStatus.REFUSED:
        done = _("Pièce refusée : le candidat a été prévenu par courriel, avec votre commentaire.")
    else:
        done = _("Pièce validée.")
    return await _outcome(request, application_id, result, form, done, f"#piece-{piece_id}")


@post(BASE + "/statut", guards=[staff_required])
async def dossier_status(request: Request, application_id: FromPath[int]) -> Template | Redirect:
    scoped = await _scoped(request, application_id)
    if not may_process(staff_of(request), scoped):
        return _forbidden(request, application_id)
    form, again = await _read(request, application_id, scoped)
    if again:
        return again
    status = form.values.get("statut", "")
    if status not in (DossierStatus.INCOMPLETE, DossierStatus.COMPLETE):
        return _back(request, application_id, _("Choisissez un statut de dossier."), ok=False)
    call = lifecycle.set_dossier_status(
        application_id=application_id, status=DossierStatus(status), actor=_actor(request)
    )
    result = await run_change(request, call)
    if status == DossierStatus.INCOMPLETE:
        done = _("Dossier déclaré incomplet : le candidat a été prévenu par courriel.")
    else:
        done = _("Dossier déclaré complet : le candidat a été prévenu par courriel.")
    return await _outcome(request, application_id, result, form, done, "#actions")


@post(BASE + "/type-traitement", guards=[staff_required])
async def processing_type(request: Request, application_id: FromPath[int]) -> Template | Redirect:
    scoped = await _scoped(request, application_id)
    if not may_process(staff_of(request), scoped):
        return _forbidden(request, application_id)
    form = await read_form(request)
    call = lifecycle.validate_processing_type(application_id=application_id, actor=_actor(request))
    result = await run_change(request, call)
    return await _outcome(
        request, application_id, result, form, _("Type de traitement validé."), "#actions"
    )


# --- decisions --------------------------------------------------------------------------


@post(BASE + "/decision", guards=[staff_required])
async def enter_decision(request: Request, application_id: FromPath[int]) -> Template | Redirect:
    scoped = await _scoped(request, application_id)
    if not may_decide(staff_of(request), scoped):
        return _forbidden(request, application_id)
    form = await read_form(request, multiline={"decision-commentaire"})
    values = await decision_input(form)
    if not form.ok:
        return await _render(
            request, application_id, scoped, form=form, status_code=HTTP_422_UNPROCESSABLE_ENTITY
        )
    call = lifecycle.enter_decision(application_id=application_id, actor=_actor(request), **values)
    result = await run_change(request, call)
    done = _(
        "Décision saisie : le candidat ne la voit pas encore. Validez-la pour la lui communiquer."
    )
    return await _outcome(request, application_id, result, form, done, "#decision")


@post(BASE + "/decision/valider", guards=[staff_required])
async def validate_decision(request: Request, application_id: FromPath[int]) -> Template | Redirect:
    scoped = await _scoped(request, application_id)
    if not may_decide(staff_of(request), scoped):
        return _forbidden(request, application_id)
    form, again = await _read(request, application_id, scoped)
    if again:
        return again
    decision_id = parse_id(form.values.get("decision"))
    # Only a decision of this (scoped) application.
    if decision_id is None or not await Decision.exists().where(
        (Decision.id == decision_id) & (Decision.application == application_id)
    ):
        raise NotFoundException()
    call = lifecycle.validate_decision(decision_id=decision_id, actor=_actor(request))
    result = await run_change(request, call)
    done = _("Décision validée : le candidat la voit et en a été informé par courriel.")
    return await _outcome(request, application_id, result, form, done, "#decision")


# --- the candidate's own dates -----------------------------------------------------------


async def _date_change(request: Request, application_id: int, which: str) -> Template | Redirect:
    scoped = await _scoped(request, application_id)
    if not may_process(staff_of(request), scoped):
        return _forbidden(request, application_id)
    form, again = await _read(request, application_id, scoped)
    if again:
        return again
    field = f"date-{which}"
    value = parse_date(form.values.get(field))
    before = parse_date(form.values.get(f"{field}-avant"))
    if isinstance(value, ValueError) or (value is not None and not 2000 <= value.year <= 2100):
        form.add_error(
            field,
            _(
                "Saisissez une date valide (jj/mm/aaaa), ou laissez vide pour revenir à la date de la formation."
            ),
        )
        return await _render(
            request, application_id, scoped, form=form, status_code=HTTP_422_UNPROCESSABLE_ENTITY
        )
    function = set_return_date_override if which == "retour" else set_confirmation_date_override
    kwargs = {} if isinstance(before, ValueError) else {"expected": before}
    call = function(application_id=application_id, value=value, actor=_actor(request), **kwargs)
    result = await run_change(request, call)
    new = short_date(value) if value else _("date de la formation")
    if which == "retour":
        done = _("Date limite de retour du candidat : %(date)s.", date=new)
    else:
        done = _("Date limite de confirmation du candidat : %(date)s.", date=new)
    return await _outcome(request, application_id, result, form, done, "#dates")


@post(BASE + "/date-retour", guards=[staff_required])
async def return_date(request: Request, application_id: FromPath[int]) -> Template | Redirect:
    return await _date_change(request, application_id, "retour")


@post(BASE + "/date-confirmation", guards=[staff_required])
async def confirmation_date(request: Request, application_id: FromPath[int]) -> Template | Redirect:
    return await _date_change(request, application_id, "confirmation")


# --- staff notes ---------------------------------------------------------------------------


@post(BASE + "/notes", guards=[staff_required])
async def add_note(request: Request, application_id: FromPath[int]) -> Template | Redirect:
    """Any member who sees the application may write a note: notes change nothing."""
    scoped = await _scoped(request, application_id)
    form, again = await _read(request, application_id, scoped, multiline={"note"})
    if again:
        return again
    message = form.values.get("note", "").strip()
    problem = text_error(message, NOTE_MAX) or (
        None if message else _("Saisissez le texte de la note.")
    )
    if problem:
        form.add_error("note", problem)
        return await _render(
            request, application_id, scoped, form=form, status_code=HTTP_422_UNPROCESSABLE_ENTITY
        )
    await add_staff_note(
        user_id=staff_of(request).user_id, application_id=application_id, message=message
    )
    return _back(
        request,
        application_id,
        _("Note ajoutée (visible des gestionnaires seulement)."),
        ok=True,
        anchor="#notes",
    )


application_routes = [
    application_page_view,
    piece_file,
    judge_piece,
    dossier_status,
    processing_type,
    enter_decision,
    validate_decision,
    return_date,
    confirmation_date,
    add_note,
]
