"""The public verification page of letters: ``GET /verifier/{code}`` (issue 12).

Anyone holding a letter may check it, signed in or not. An unknown or malformed code
is a 404, and the page is rate-limited per address so codes cannot be tried in bulk
(they are unguessable anyway: see :mod:`app.documents.letter_codes`).
"""

from __future__ import annotations

from litestar import Request, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath

from app.documents.letter_codes import normalised, printed
from app.documents.verification import verify
from app.web.ratelimit import Limit, check_rate
from app.web.templating import Template

VERIFY = Limit("verify_letter", per_ip=60, per_account=60, window_seconds=600)


@get("/verifier/{code:str}", name="verify_letter")
async def verify_letter(request: Request, code: FromPath[str]) -> Template:
    await check_rate(request, VERIFY)
    typed = normalised(code[:64])
    found = await verify(typed) if typed else None
    if found is None:
        raise NotFoundException
    return Template(
        template_name="documents/verify.html", context={"v": found, "code": printed(typed)}
    )


document_routes = [verify_letter]
