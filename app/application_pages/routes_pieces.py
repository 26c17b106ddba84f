"""The pieces of one application (guide §05.4): upload or replace, delete, "Non
concerné", and the file itself, served only to its owner.

Uploads are plain multipart forms; with htmx the same form is sent by XHR and
``static/js/upload-progress.js`` shows its progress.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from litestar import Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.exceptions.http_exceptions import RequestEntityTooLarge
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect
from litestar.status_codes import HTTP_413_REQUEST_ENTITY_TOO_LARGE, HTTP_422_UNPROCESSABLE_ENTITY
from litestar.types import Receive, Scope, Send

from app.accounts.auth import current_account_id
from app.accounts.guards import account_id_of
from app.application_pages.forms import file_field, read_upload, too_large_message, upload_message
from app.application_pages.page_data import piece_file
from app.application_pages.page_data.contact import application_contact
from app.application_pages.page_data.upload_target import piece_for_upload
from app.application_pages.routes_common import (
    application_url,
    candidate,
    change_then_summary,
    refused_page,
    rows_or_404,
    summary_page,
)
from app.applications import lifecycle
from app.documents.serving import CANDIDATE_FILE_CSP, file_headers
from app.documents.storage import (
    UploadRefused,
    delete_stored,
    open_stored,
    store_upload_file,
)
from app.settings import get_settings
from app.web.forms import Form
from app.web.inputs import is_database_id
from app.web.templating import Template

PIECE_PATH = "/{application_id:int}/pieces/{piece_id:int}"

# The body of an upload is the file plus a few hundred bytes of form: a little over the
# file limit, so that a file just over it reaches the storage check and its message.
UPLOAD_BODY_LIMIT = get_settings().max_upload_bytes + 64 * 1024

# A served file is the candidate's, not ours: no script, nothing else loaded. Chrome's
# PDF viewer needs object-src and inline styles (crbug.com/271452).


class TemplateAfterLookup(Template):
    """A page whose context is completed by ``lookup`` (awaited) just before it is sent:
    Litestar calls exception handlers synchronously, so they cannot await a query."""

    def __init__(self, *args, lookup: Callable[[], Awaitable[dict]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.lookup = lookup

    def to_asgi_response(self, *args, **kwargs):
        async def respond(scope: Scope, receive: Receive, send: Send) -> None:
            self.context.update(await self.lookup())
            await super(TemplateAfterLookup, self).to_asgi_response(*args, **kwargs)(
                scope, receive, send
            )

        return respond


def too_large(request: Request, _: Exception) -> Template:
    """Over the body limit, the form is never read: say so in French, point back, with
    the programme's contact."""
    application_id = request.path_params.get("application_id")
    account_id = current_account_id(request)

    async def contact() -> dict:
        if application_id is None or account_id is None:
            return {"contact": None}
        return {"contact": await application_contact(account_id, application_id)}

    return TemplateAfterLookup(
        template_name="applications/too_large.html",
        context={
            "message": too_large_message(),
            "back_url": application_url(application_id) if application_id else "/candidatures",
        },
        status_code=HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        lookup=contact,
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
    piece = await piece_for_upload(account_id_of(request), application_id, piece_id)
    if piece is None:
        raise NotFoundException
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
        rows = await rows_or_404(request, application_id)
        return summary_page(request, rows, form=form, status_code=HTTP_422_UNPROCESSABLE_ENTITY)
    call = lifecycle.submit_piece(
        application_id=application_id, piece_id=piece_id, file_id=file_id, actor=candidate(request)
    )
    return await change_then_summary(
        request,
        application_id,
        call,
        "piece-deposee",
        f"#piece-{piece_id}",
        undo=lambda: delete_stored(file_id),
    )


@post(f"{PIECE_PATH}/supprimer")
async def remove_piece(
    request: Request, application_id: FromPath[int], piece_id: FromPath[int]
) -> Template | Redirect:
    call = lifecycle.remove_piece(
        application_id=application_id, piece_id=piece_id, actor=candidate(request)
    )
    return await change_then_summary(
        request, application_id, call, "piece-supprimee", f"#piece-{piece_id}"
    )


@post(f"{PIECE_PATH}/non-concerne")
async def not_concerned(
    request: Request, application_id: FromPath[int], piece_id: FromPath[int]
) -> Template | Redirect:
    call = lifecycle.declare_not_concerned(
        application_id=application_id, piece_id=piece_id, actor=candidate(request)
    )
    return await change_then_summary(
        request, application_id, call, "non-concerne", f"#piece-{piece_id}"
    )


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
