"""Staff sign-in and sign-out at ``/staff/connexion`` (thin handlers)."""

from __future__ import annotations

from litestar import Request, get, post
from litestar.params import FromQuery
from litestar.response import Redirect

from app.core.i18n import gettext as _
from app.review.auth import sign_in_staff, staff_user_id
from app.review.identity import authenticate_staff
from app.web.forms import Form, read_form
from app.web.ratelimit import Limit, check_rate
from app.web.templating import Template

STAFF_SIGN_IN = Limit("staff-signin", per_ip=30, per_account=10, window_seconds=900)
HOME = "/staff/"


def _local_staff_path(target: str | None) -> str:
    """Only a desk page of ours after sign-in (no open redirect)."""
    if target and (target == "/staff" or target.startswith(("/staff/", "/staff?"))):
        return target
    return HOME


@get("/connexion", name="staff_sign_in")
async def sign_in_form(
    request: Request, suivant: FromQuery[str | None] = None
) -> Template | Redirect:
    if staff_user_id(request) is not None:
        return Redirect(_local_staff_path(suivant), status_code=303)
    return Template("review/sign_in.html", context={"form": Form(values={"next": suivant or ""})})


@post("/connexion")
async def sign_in_post(request: Request) -> Template | Redirect:
    form = await read_form(request)
    username = form.require("username", _("L'identifiant est obligatoire."))
    password = form.require("password", _("Le mot de passe est obligatoire."))
    if form.ok:
        await check_rate(request, STAFF_SIGN_IN, username)
        user_id = await authenticate_staff(username, password)
        if user_id is None:
            form.add_error("username", _("Identifiant ou mot de passe incorrect."))
        else:
            sign_in_staff(request, user_id)
            return Redirect(_local_staff_path(form.values.get("next")), status_code=303)
    return Template("review/sign_in.html", context={"form": form})


@post("/deconnexion", name="staff_sign_out")
async def sign_out_post(request: Request) -> Redirect:
    request.clear_session()
    return Redirect("/staff/connexion", status_code=303)


staff_auth_routes = [sign_in_form, sign_in_post, sign_out_post]
