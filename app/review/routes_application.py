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
from litestar.response import Redirect
from litestar.status_codes import HTTP_422_UNPROCESSABLE_ENTITY

from app.application_pages.page_data.piece_files import scoped_piece_file
from app.applications import lifecycle
from app.applications.notes import add_staff_note
from app.applications.staff_dossier import COMMENT_MAX
from app.core.codes.applications import DossierStatus, PieceStatus
from app.core.i18n import gettext as _
from app.documents.serving import STAFF_FILE_CSP, file_headers
from app.documents.storage import open_stored
from app.review.actions import (
    in_range,
    parse_id,
    run_change,
    text_error,
)
from app.review.application_responses import (
    BASE,
    PIECE,
    back_to_page,
    outcome,
    read_or_again,
    render_page,
    scoped_and_allowed,
    scoped_or_404,
    staff_actor,
)
from app.review.auth import staff_of, staff_required
from app.review.routes_application_decisions import (
    confirmation_date,
    enter_decision,
    return_date,
    validate_decision,
)
from app.review.scope import may_process
from app.web.forms import read_form
from app.web.templating import Template

NOTE_MAX = 255  # Note.message

# --- the page and its files --------------------------------------------------------------


@get(BASE, name="staff_application", guards=[staff_required])
async def application_page_view(request: Request, application_id: FromPath[int]) -> Template:
    scoped = await scoped_or_404(request, application_id)
    return await render_page(request, application_id, scoped)


@get(PIECE + "/fichier", name="staff_piece_file", guards=[staff_required])
async def piece_file(
    request: Request,
    application_id: FromPath[int],
    piece_id: FromPath[int],
    version: FromQuery[str | None] = None,
) -> Response:
    """A piece's current file (or an earlier version), inline, to a member whose scope
    holds the application."""
    await scoped_or_404(request, application_id)
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
    scoped = await scoped_and_allowed(request, application_id, may_process)
    if not in_range(piece_id):
        raise NotFoundException()
    field = f"commentaire-{piece_id}"
    form, again = await read_or_again(request, application_id, scoped, multiline={field})
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
        return await render_page(
            request, application_id, scoped, form=form, status_code=HTTP_422_UNPROCESSABLE_ENTITY
        )
    call = lifecycle.set_piece_status(
        application_id=application_id,
        piece_id=piece_id,
        status=PieceStatus(status),
        comment=comment,
        actor=staff_actor(request),
    )
    result = await run_change(request, call)
    if status == PieceStatus.REFUSED:
        done = _("Pièce refusée : le candidat a été prévenu par courriel, avec votre commentaire.")
    else:
        done = _("Pièce validée.")
    return await outcome(request, application_id, result, form, done, f"#piece-{piece_id}")


@post(BASE + "/statut", guards=[staff_required])
async def dossier_status(request: Request, application_id: FromPath[int]) -> Template | Redirect:
    scoped = await scoped_and_allowed(request, application_id, may_process)
    form, again = await read_or_again(request, application_id, scoped)
    if again:
        return again
    status = form.values.get("statut", "")
    if status not in (DossierStatus.INCOMPLETE, DossierStatus.COMPLETE):
        return back_to_page(
            request, application_id, _("Choisissez un statut de dossier."), ok=False
        )
    call = lifecycle.set_dossier_status(
        application_id=application_id, status=DossierStatus(status), actor=staff_actor(request)
    )
    result = await run_change(request, call)
    if status == DossierStatus.INCOMPLETE:
        done = _("Dossier déclaré incomplet : le candidat a été prévenu par courriel.")
    else:
        done = _("Dossier déclaré complet : le candidat a été prévenu par courriel.")
    return await outcome(request, application_id, result, form, done, "#actions")


@post(BASE + "/type-traitement", guards=[staff_required])
async def processing_type(request: Request, application_id: FromPath[int]) -> Template | Redirect:
    await scoped_and_allowed(request, application_id, may_process)
    form = await read_form(request)
    call = lifecycle.validate_processing_type(
        application_id=application_id, actor=staff_actor(request)
    )
    result = await run_change(request, call)
    return await outcome(
        request, application_id, result, form, _("Type de traitement validé."), "#actions"
    )


# --- staff notes ---------------------------------------------------------------------------


@post(BASE + "/notes", guards=[staff_required])
async def add_note(request: Request, application_id: FromPath[int]) -> Template | Redirect:
    """Any member who sees the application may write a note: notes change nothing."""
    scoped = await scoped_or_404(request, application_id)
    form, again = await read_or_again(request, application_id, scoped, multiline={"note"})
    if again:
        return again
    message = form.values.get("note", "").strip()
    problem = text_error(message, NOTE_MAX) or (
        None if message else _("Saisissez le texte de la note.")
    )
    if problem:
        form.add_error("note", problem)
        return await render_page(
            request, application_id, scoped, form=form, status_code=HTTP_422_UNPROCESSABLE_ENTITY
        )
    await add_staff_note(
        user_id=staff_of(request).user_id, application_id=application_id, message=message
    )
    return back_to_page(
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
