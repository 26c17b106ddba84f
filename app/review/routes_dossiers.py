"""``GET /staff/formations/{programme_id}/dossiers.zip``: a programme's dossiers as one
streamed ZIP (see :mod:`app.review.dossier_zip`); a programme outside the member's
scope, or none, answers 404."""

from __future__ import annotations

from litestar import Request, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Stream

from app.documents.zip_stream import MEDIA_TYPE as ZIP_MEDIA_TYPE
from app.review.auth import staff_of, staff_required
from app.review.dossier_zip import dossiers_zip, export_day, programme_export, record_export


def dossiers_zip_url(programme_id: int) -> str:
    return f"/staff/formations/{programme_id}/dossiers.zip"


@get(
    "/formations/{programme_id:int}/dossiers.zip",
    name="staff_programme_dossiers_zip",
    guards=[staff_required],
)
async def programme_dossiers_zip(request: Request, programme_id: FromPath[int]) -> Stream:
    member = staff_of(request)
    export = await programme_export(member, programme_id)
    if export is None:
        raise NotFoundException
    await record_export(member, export)
    return Stream(
        dossiers_zip(export),
        media_type=ZIP_MEDIA_TYPE,
        headers={
            "Content-Disposition": f'attachment; filename="{export.file_name(export_day())}"',
            "Cache-Control": "no-store",  # personal data: no copy in any cache
            "X-Content-Type-Options": "nosniff",
        },
    )


dossier_zip_routes = [programme_dossiers_zip]
