"""What the desk's application handlers share: the scoped application (404 outside the
member's scope) and the member's right to act on it (the 403 page), the page rendered
again with a form (422), and the 303 back to the page with a flash message."""

from __future__ import annotations

from collections.abc import Callable

from litestar import Request
from litestar.exceptions import NotFoundException
from litestar.response import Redirect
from litestar.status_codes import HTTP_403_FORBIDDEN, HTTP_422_UNPROCESSABLE_ENTITY

from app.applications.lifecycle_base import Refusal
from app.applications.queries import application_view
from app.core.actor import Actor
from app.review.actions import flash, in_range, pop_flash, refusal_text
from app.review.application_page import application_page
from app.review.auth import scoped_application, staff_of
from app.review.duplicates import duplicate_panel
from app.review.identity import StaffMember
from app.web.forms import Form, read_form
from app.web.templating import Template

BASE = "/candidatures/{application_id:int}"
PIECE = BASE + "/pieces/{piece_id:int}"


def page_url(application_id: int, anchor: str = "") -> str:
    return f"/staff/candidatures/{application_id}{anchor}"


async def scoped_or_404(request: Request, application_id: int) -> dict:
    if not in_range(application_id):
        raise NotFoundException()
    return await scoped_application(request, application_id)


async def render_page(
    request: Request,
    application_id: int,
    scoped: dict,
    *,
    form: Form | None = None,
    status_code: int = 200,
) -> Template:
    view = await application_view(application_id)
    if view is None:
        raise NotFoundException()
    member = staff_of(request)
    return Template(
        "review/application.html",
        context={
            "staff": member,
            "p": await application_page(member, scoped, view),
            "duplicates": await duplicate_panel(member, view.candidate_id),
            "form": form or Form(),
            "flash": pop_flash(request),
        },
        status_code=status_code,
        # A form shown again (422) under htmx's boost: the address bar keeps the page's
        # URL, not the action's (which a reload could not GET).
        headers={"HX-Push-Url": page_url(application_id)} if status_code != 200 else None,
    )


async def read_or_again(
    request: Request, application_id: int, scoped: dict, *, multiline=()
) -> tuple[Form, Template | None]:
    """The posted form, and the page again (422) when a field held characters the desk
    does not store: ``read_form`` keeps such a field without them and records a message,
    and a value changed behind the staff member's back must not be acted upon."""
    form = await read_form(request, multiline=multiline)
    if form.ok:
        return form, None
    page = await render_page(
        request, application_id, scoped, form=form, status_code=HTTP_422_UNPROCESSABLE_ENTITY
    )
    return form, page


class ActionForbidden(Exception):
    """The member sees the application but may not do this to it: the 403 page."""

    def __init__(self, application_id: int) -> None:
        super().__init__(application_id)
        self.application_id = application_id


async def scoped_and_allowed(
    request: Request, application_id: int, may: Callable[[StaffMember, dict], bool]
) -> dict:
    """The scoped application (404 outside the scope), once ``may`` allows the member
    to act on it (else :class:`ActionForbidden`, answered by :func:`forbidden`)."""
    scoped = await scoped_or_404(request, application_id)
    if not may(staff_of(request), scoped):
        raise ActionForbidden(application_id)
    return scoped


def forbidden(request: Request, exc: ActionForbidden) -> Template:
    """The desk router's handler of :class:`ActionForbidden`."""
    return Template(
        "review/application_forbidden.html",
        context={"staff": staff_of(request), "application_id": exc.application_id},
        status_code=HTTP_403_FORBIDDEN,
    )


def back_to_page(
    request: Request, application_id: int, text: str, *, ok: bool, anchor: str = ""
) -> Redirect:
    flash(request, text, ok=ok)
    return Redirect(page_url(application_id, anchor), status_code=303)


async def outcome(
    request: Request, application_id: int, result, form: Form, done: str, anchor: str = ""
) -> Redirect:
    if isinstance(result, Refusal):
        text = await refusal_text(application_id, form.values.get("etat"), result)
        return back_to_page(request, application_id, text, ok=False, anchor=anchor)
    return back_to_page(request, application_id, done, ok=True, anchor=anchor)


def staff_actor(request: Request) -> Actor:
    return Actor.staff(staff_of(request).user_id)
