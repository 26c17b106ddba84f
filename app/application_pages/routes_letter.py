"""The candidate's letter: ``GET /candidatures/{id}/lettre.pdf`` (guide §07, "Télécharger
lettre d'admission"). Someone else's application, or one with no letter due, is a 404."""

from __future__ import annotations

from litestar import Request, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Response

from app.accounts.guards import account_id_of
from app.documents.letter_pdf import letters_pdf
from app.documents.letters import candidate_letter
from app.documents.serving import CANDIDATE_FILE_CSP, file_headers
from app.tables.letters import LetterKind

FILE_NAMES = {
    LetterKind.ADMISSION: "lettre-admission-{login}.pdf",
    LetterKind.REFUSAL: "lettre-refus-{login}.pdf",
}


@get("/{application_id:int}/lettre.pdf", name="application_letter_pdf")
async def letter_pdf(request: Request, application_id: FromPath[int]) -> Response:
    letter = await candidate_letter(account_id_of(request), application_id)
    if letter is None:
        raise NotFoundException
    name = FILE_NAMES[letter.kind].format(login=letter.login)
    return Response(
        content=await letters_pdf([letter]),
        media_type="application/pdf",
        headers=file_headers(name, policy=CANDIDATE_FILE_CSP, kind="attachment"),
    )


letter_handlers = [letter_pdf]
