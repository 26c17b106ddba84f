"""« Pas un doublon » on the desk's application page (issue 15).

Only the central office (and the technical administrator) may say that two dossiers
are two different people; the pair must be one the member's panel shows, so an id
typed by hand cannot reach a dossier outside the member's scope (404, as if absent).
A second click on the same pair says the same thing again instead of failing.
"""

from __future__ import annotations

from litestar import Request, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect
from litestar.status_codes import HTTP_403_FORBIDDEN

from app.core.i18n import gettext as _
from app.dossier.duplicates import NotADuplicatePair, dismiss_duplicate, pair_dismissed
from app.review.actions import flash, in_range, parse_id
from app.review.auth import scoped_application, staff_of, staff_required
from app.review.duplicates import may_dismiss, visible_duplicate
from app.tables.applications import Application
from app.web.forms import read_form
from app.web.templating import Template

BASE = "/candidatures/{application_id:int}"


def _back(request: Request, application_id: int, text: str, *, ok: bool) -> Redirect:
    flash(request, text, ok=ok)
    return Redirect(f"/staff/candidatures/{application_id}#doublons", status_code=303)


@post(BASE + "/pas-un-doublon", guards=[staff_required])
async def not_a_duplicate(request: Request, application_id: FromPath[int]) -> Template | Redirect:
    if not in_range(application_id):
        raise NotFoundException()
    await scoped_application(request, application_id)  # 404 outside the scope
    member = staff_of(request)
    if not may_dismiss(member):
        return Template(
            "review/application_forbidden.html",
            context={"staff": member, "application_id": application_id},
            status_code=HTTP_403_FORBIDDEN,
        )
    form = await read_form(request)
    other_id = parse_id(form.values.get("autre"))
    row = await Application.select(Application.candidate).where(Application.id == application_id)
    candidate_id = row[0]["candidate"]
    if other_id is None or other_id == candidate_id:
        raise NotFoundException()
    done = _("Ces deux dossiers ne sont plus signalés comme doublons possibles.")
    if await pair_dismissed(candidate_id, other_id):
        return _back(request, application_id, done, ok=True)  # a double submit
    if not await visible_duplicate(member, candidate_id, other_id):
        raise NotFoundException()
    try:
        await dismiss_duplicate(
            staff_user_id=member.user_id, candidate_id=candidate_id, other_id=other_id
        )
    except NotADuplicatePair as error:  # the panel only lists pairs of one campaign
        raise NotFoundException() from error
    return _back(request, application_id, done, ok=True)


duplicate_routes = [not_a_duplicate]
