"""The candidate's documents: "Télécharger mon dossier" (one PDF of an application,
with every piece) and the calendar of their deadlines (.ics). Both are GETs that
change nothing; someone else's application answers 404."""

from __future__ import annotations

from litestar import Request, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Response, Stream

from app.accounts.guards import account_id_of
from app.application_pages.page_data.calendar import deadlines_file
from app.application_pages.page_data.dossier_document import (
    PDF_MEDIA_TYPE,
    dossier_document,
    dossier_file_name,
    dossier_pdf,
)
from app.applications import queries
from app.documents.calendar import MEDIA_TYPE as CALENDAR_MEDIA_TYPE
from app.documents.serving import CANDIDATE_FILE_CSP, file_headers
from app.documents.spool import spool_pieces, spool_size

CALENDAR_FILE_NAME = "echeances-ecesure.ics"


@get("/{application_id:int}/dossier.pdf", name="application_dossier_pdf")
async def dossier_download(request: Request, application_id: FromPath[int]) -> Stream:
    application = await queries.application_for(account_id_of(request), application_id)
    if application is None:
        raise NotFoundException
    spool = await dossier_pdf(await dossier_document(application))
    headers = file_headers(
        dossier_file_name(application), policy=CANDIDATE_FILE_CSP, kind="attachment"
    )
    return Stream(
        spool_pieces(spool),
        media_type=PDF_MEDIA_TYPE,
        headers={**headers, "Content-Length": str(spool_size(spool))},
    )


@get("/echeances.ics", name="applications_calendar")
async def deadlines_calendar(request: Request) -> Response:
    body = await deadlines_file(account_id_of(request))
    headers = file_headers(CALENDAR_FILE_NAME, policy=CANDIDATE_FILE_CSP, kind="attachment")
    return Response(body, media_type=CALENDAR_MEDIA_TYPE, headers=headers)


document_handlers = [dossier_download, deadlines_calendar]
