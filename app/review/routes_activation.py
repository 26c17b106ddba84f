"""``/staff/activation/{token}``: a staff member chooses their password through the
single-use link mailed by the admin (activation or new password; issue 10, item 5).

Thin handlers over app.backoffice.staff_links. The token is in the path: errors log the
route's template, not the path (app.web.errors), and the page sends
``Referrer-Policy: no-referrer`` so that no link it holds (or a browser's prefetch)
hands the token to another site, and ``Cache-Control: no-store``.
"""

from __future__ import annotations

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect

from app.accounts.forms import check_new_password
from app.backoffice.staff_links import LinkState, link_state, set_password_with_link
from app.backoffice.staff_members import StaffError
from app.core.i18n import gettext as _
from app.review.auth import sign_in_staff
from app.web.forms import Form, read_form
from app.web.ratelimit import Limit, check_rate
from app.web.templating import Template

STAFF_ACTIVATION = Limit("staff-activation", per_ip=20, per_account=10, window_seconds=900)
PRIVATE_HEADERS = {"Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}
MAX_PASSWORD = 128  # piccolo's own limit (BaseUser._max_password_length)


def _page(token: str, state: LinkState, form: Form, username: str = "") -> Template:
    return Template(
        "review/activation.html",
        context={"token": token, "state": state.value, "form": form, "username": username},
        headers=PRIVATE_HEADERS,
    )


@get("/activation/{token:str}", name="staff_activation")
async def activation_form(token: FromPath[str]) -> Template:
    state, owner = await link_state(token)
    return _page(token, state, Form(), owner.username if owner else "")


@post("/activation/{token:str}")
async def activation_post(request: Request, token: FromPath[str]) -> Template | Redirect:
    await check_rate(request, STAFF_ACTIVATION, token[:200])
    state, owner = await link_state(token)
    if owner is None:
        return _page(token, state, Form())
    form = await read_form(request)
    password = check_new_password(form)
    if len(password) > MAX_PASSWORD:
        form.add_error("password", _("Le mot de passe ne doit pas dépasser 128 caractères."))
    if not form.ok:
        return _page(token, state, Form(errors=form.errors), owner.username)
    try:
        user_id = await set_password_with_link(token, password)
    except StaffError:
        # Used or expired between the check and now (another tab), the login deactivated
        # (the link is then dead), or a password piccolo itself refuses.
        state, owner = await link_state(token)
        if owner is None:
            return _page(token, state, Form())
        form = Form()
        form.add_error("password", _("Ce mot de passe n'est pas accepté : choisissez-en un autre."))
        return _page(token, state, form, owner.username)
    sign_in_staff(request, user_id)
    return Redirect("/staff/", status_code=303, headers=PRIVATE_HEADERS)


activation_routes = [activation_form, activation_post]
