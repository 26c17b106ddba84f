"""The desk's decision actions on an application (enter, validate) and the candidate's
own dates (return, confirmation): plain POST forms, each calling ONE lifecycle function
as the staff member, then 303 back to the page with a flash message."""

from __future__ import annotations

from litestar import Request, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect
from litestar.status_codes import HTTP_422_UNPROCESSABLE_ENTITY

from app.applications import lifecycle
from app.applications.staff_dates import (
    set_confirmation_date_override,
    set_return_date_override,
)
from app.core.dates import short_date
from app.core.i18n import gettext as _
from app.review.actions import decision_input, parse_date, parse_id, run_change
from app.review.application_responses import (
    BASE,
    outcome,
    read_or_again,
    render_page,
    scoped_and_allowed,
    staff_actor,
)
from app.review.auth import staff_required
from app.review.scope import may_decide, may_process
from app.tables.applications import Decision
from app.web.forms import read_form
from app.web.templating import Template

# --- decisions --------------------------------------------------------------------------


@post(BASE + "/decision", guards=[staff_required])
async def enter_decision(request: Request, application_id: FromPath[int]) -> Template | Redirect:
    scoped = await scoped_and_allowed(request, application_id, may_decide)
    form = await read_form(request, multiline={"decision-commentaire"})
    values = await decision_input(form)
    if not form.ok:
        return await render_page(
            request, application_id, scoped, form=form, status_code=HTTP_422_UNPROCESSABLE_ENTITY
        )
    call = lifecycle.enter_decision(
        application_id=application_id, actor=staff_actor(request), **values
    )
    result = await run_change(request, call)
    done = _(
        "Décision saisie : le candidat ne la voit pas encore. Validez-la pour la lui communiquer."
    )
    return await outcome(request, application_id, result, form, done, "#decision")


@post(BASE + "/decision/valider", guards=[staff_required])
async def validate_decision(request: Request, application_id: FromPath[int]) -> Template | Redirect:
    scoped = await scoped_and_allowed(request, application_id, may_decide)
    form, again = await read_or_again(request, application_id, scoped)
    if again:
        return again
    decision_id = parse_id(form.values.get("decision"))
    # Only a decision of this (scoped) application.
    if decision_id is None or not await Decision.exists().where(
        (Decision.id == decision_id) & (Decision.application == application_id)
    ):
        raise NotFoundException()
    call = lifecycle.validate_decision(decision_id=decision_id, actor=staff_actor(request))
    result = await run_change(request, call)
    done = _("Décision validée : le candidat la voit et en a été informé par courriel.")
    return await outcome(request, application_id, result, form, done, "#decision")


# --- the candidate's own dates -----------------------------------------------------------


async def _date_change(request: Request, application_id: int, which: str) -> Template | Redirect:
    scoped = await scoped_and_allowed(request, application_id, may_process)
    form, again = await read_or_again(request, application_id, scoped)
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
        return await render_page(
            request, application_id, scoped, form=form, status_code=HTTP_422_UNPROCESSABLE_ENTITY
        )
    function = set_return_date_override if which == "retour" else set_confirmation_date_override
    kwargs = {} if isinstance(before, ValueError) else {"expected": before}
    call = function(
        application_id=application_id, value=value, actor=staff_actor(request), **kwargs
    )
    result = await run_change(request, call)
    new = short_date(value) if value else _("date de la formation")
    if which == "retour":
        done = _("Date limite de retour du candidat : %(date)s.", date=new)
    else:
        done = _("Date limite de confirmation du candidat : %(date)s.", date=new)
    return await outcome(request, application_id, result, form, done, "#dates")


@post(BASE + "/date-retour", guards=[staff_required])
async def return_date(request: Request, application_id: FromPath[int]) -> Template | Redirect:
    return await _date_change(request, application_id, "retour")


@post(BASE + "/date-confirmation", guards=[staff_required])
async def confirmation_date(request: Request, application_id: FromPath[int]) -> Template | Redirect:
    return await _date_change(request, application_id, "confirmation")
