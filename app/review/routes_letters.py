"""``GET /staff/formations/{programme_id}/lettres.pdf``: a programme's admission and
refusal letters in one PDF (thin handler; see :mod:`app.review.letters`)."""

from __future__ import annotations

from litestar import Request, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Response

from app.documents.letter_pdf import letters_pdf
from app.documents.serving import STAFF_FILE_CSP, file_headers
from app.review.auth import staff_of, staff_required
from app.review.letters import programme_letters
from app.web.templating import Template


@get(
    "/formations/{programme_id:int}/lettres.pdf",
    name="staff_programme_letters",
    guards=[staff_required],
)
async def programme_letters_pdf(
    request: Request, programme_id: FromPath[int]
) -> Response | Template:
    letters = await programme_letters(staff_of(request), programme_id)
    if letters is None:
        raise NotFoundException
    if not letters:
        return Template(
            "review/no_letters.html",
            context={"staff": staff_of(request), "programme_id": programme_id},
        )
    return Response(
        content=await letters_pdf(letters),
        media_type="application/pdf",
        headers=file_headers(
            f"lettres-formation-{programme_id}.pdf", policy=STAFF_FILE_CSP, kind="attachment"
        ),
    )


letter_routes = [programme_letters_pdf]
