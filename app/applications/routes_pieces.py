"""The pieces of one application (guide §05.4): upload or replace, delete, "Non
concerné", and the file itself, served only to its owner.

Uploads are plain multipart forms; with htmx the same form is sent by XHR and
``static/js/upload-progress.js`` shows its progress.
"""

from __future__ import annotations

from litestar import Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.exceptions.http_exceptions import RequestEntityTooLarge
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_413_REQUEST_ENTITY_TOO_LARGE, HTTP_422_UNPROCESSABLE_ENTITY

from app.applications import lifecycle
from app.applications.forms import file_field, read_upload, too_large_message, upload_message
from app.applications.lifecycle import Refusal
from app.applications.page_data import PieceRow, Summary, piece_file
from app.applications.routes_common import (
    application_url,
    candidate,
    done,
    page,
    refused_page,
    run_change,
    summary_or_404,
    summary_page,
)
from app.documents.serving import CANDIDATE_FILE_CSP, file_headers
from app.documents.storage import UploadRefused, delete_stored, open_stored, store_upload_file
from app.dossier.pages import account_id_of
from app.settings import get_settings
from app.web.forms import Form
from app.web.inputs import is_database_id

PIECE_PATH = "/{application_id:int}/pieces/{piece_id:int}"

# The body of an upload is the file plus a few hundred bytes of form: a little over the
# file limit, so that a file just over it reaches the storage check and its message.
UPLOAD_BODY_LIMIT = get_settings().max_upload_bytes + 64 * 1024

# A served file is the candidate's, not ours: no script, nothing else loaded. Chrome's
# PDF viewer needs object-src and inline styles (crbug.com/271452).


def _piece(s: Summary, piece_id: int) -> PieceRow:
    piece = s.piece(piece_id)
    if piece is None:
        raise NotFoundException
    return piece


def too_large(request: Request, _: Exception) -> Template:
    """Over the body limit, the form is never read: say so in French, point back."""
    application_id = request.path_params.get("application_id")
    return page(
        "too_large",
        status_code=HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        message=too_large_message(),
        back_url=application_url(application_id) if application_id else "/candidatures",
    )


@post(
    PIECE_PATH,
    request_max_body_size=UPLOAD_BODY_LIMIT,
    exception_handlers={RequestEntityTooLarge: too_large},
)
async def upload_piece(
    request: Request, application_id: FromPath[int], piece_id: FromPath[int]
) -> Template | Redirect:
    """Store the file, then give it to the piece; a refused change leaves no file."""
    s = await summary_or_404(request, application_id)
    piece = _piece(s, piece_id)
    if piece.refusal is not None:
        return await refused_page(request, application_id, piece.refusal)
    upload = await read_upload(request)
    try:
        file_id = await store_upload_file(
            owner_account_id=account_id_of(request), filename=upload.filename, source=upload.file
        )
    except UploadRefused as refused:
        form = Form()
        form.add_error(file_field(piece_id), upload_message(refused.reason, piece.label))
        return summary_page(s, form=form, status_code=HTTP_422_UNPROCESSABLE_ENTITY)
    call = lifecycle.submit_piece(
        application_id=application_id, piece_id=piece_id, file_id=file_id, actor=candidate(request)
    )
    result = await run_change(request, call, undo=lambda: delete_stored(file_id))
    if isinstance(result, Refusal):
        return await refused_page(request, application_id, result)
    return done(application_id, "piece-deposee", f"#piece-{piece_id}")


@post(f"{PIECE_PATH}/supprimer")
async def remove_piece(
    request: Request, application_id: FromPath[int], piece_id: FromPath[int]
) -> Template | Redirect:
    call = lifecycle.remove_piece(
        application_id=application_id, piece_id=piece_id, actor=candidate(request)
    )
    result = await run_change(request, call)
    if isinstance(result, Refusal):
        return await refused_page(request, application_id, result)
    return done(application_id, "piece-supprimee", f"#piece-{piece_id}")


@post(f"{PIECE_PATH}/non-concerne")
async def not_concerned(
    request: Request, application_id: FromPath[int], piece_id: FromPath[int]
) -> Template | Redirect:
    call = lifecycle.declare_not_concerned(
        application_id=application_id, piece_id=piece_id, actor=candidate(request)
    )
    result = await run_change(request, call)
    if isinstance(result, Refusal):
        return await refused_page(request, application_id, result)
    return done(application_id, "non-concerne", f"#piece-{piece_id}")


@get(f"{PIECE_PATH}/fichier", name="application_piece_file")
async def piece_file_view(
    request: Request,
    application_id: FromPath[int],
    piece_id: FromPath[int],
    inline: FromQuery[bool] = False,
    version: FromQuery[int | None] = None,
) -> Response:
    """The piece's current file (or an earlier version), to its owner only."""
    if version is not None and not is_database_id(version):
        raise NotFoundException  # no such version (and no query PostgreSQL would refuse)
    found = await piece_file(account_id_of(request), application_id, piece_id, version)
    if found is None:
        raise NotFoundException
    data = await open_stored(found["file_id"])
    if data is None:  # the row outlived its file (removed by an operator)
        raise NotFoundException
    kind = "inline" if inline else "attachment"
    return Response(
        content=data,
        media_type=found["content_type"],
        headers=file_headers(found["original_name"], policy=CANDIDATE_FILE_CSP, kind=kind),
    )


piece_handlers = [upload_piece, remove_piece, not_concerned, piece_file_view]
