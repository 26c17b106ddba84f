"""Candidate account pages (guide §02.1 and §03): thin handlers over accounts.service."""

from __future__ import annotations

from litestar import Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.plugins.htmx import ClientRedirect, HTMXRequest
from litestar.response import Redirect
from litestar.status_codes import HTTP_200_OK, HTTP_503_SERVICE_UNAVAILABLE

from app.accounts import credentials, service
from app.accounts.account_outcomes import AccountError, AccountRefused
from app.accounts.account_pages import after_answering, page, send_mails
from app.accounts.auth import (
    can_start_session,
    current_account_id,
    sign_in,
    sign_out,
    signed_in_via_cas,
)
from app.accounts.cas_client import logout_url
from app.accounts.forms import clean_email, validate_signup
from app.accounts.routes_recovery import recovery_routes
from app.core.i18n import current_language
from app.core.i18n import gettext as _
from app.settings import get_settings
from app.web.forms import Form, read_form
from app.web.ratelimit import RESEND, SIGN_IN, SIGN_UP, check_rate
from app.web.redirects import local_path
from app.web.templating import Template

AFTER_SIGN_IN = "/dossier"


def _local_path(target: str | None) -> str:
    """Where to go after sign-in: only a path of ours (no open redirect)."""
    return local_path(target, AFTER_SIGN_IN)


@get("/compte/creer", name="signup")
async def signup_form() -> Template:
    return page("signup", form=Form())


@post("/compte/creer")
async def signup(request: Request) -> Template | Redirect:
    form = await read_form(request)
    await check_rate(request, SIGN_UP, form.values.get("email"))
    validate_signup(form)
    if form.ok:
        try:
            outcome = await service.create_account(
                last_name=form.values["last_name"],
                first_name=form.values["first_name"],
                email=form.values["email"],
                password=form.values["password"],
                language=current_language.get(),
            )
        except AccountRefused as refused:
            if refused.reason is AccountError.EMAIL_TAKEN:
                form.add_error(
                    "email",
                    _(
                        "Cette adresse mail est déjà utilisée par un autre compte. "
                        "Si c'est la vôtre, utilisez « J'ai oublié mon identifiant »."
                    ),
                )
            else:
                form.add_error(
                    "email", _("Aucune campagne de césure n'est ouverte pour le moment.")
                )
        else:
            await send_mails(request, outcome)
            return Redirect("/compte/cree", status_code=303)
    return page("signup", form=form)


@get("/compte/cree", name="signup_done")
async def signup_done() -> Template:
    return page("signup_done", days=get_settings().account_activation_days)


@get("/compte/activer/{token:str}", name="activate")
async def activate(request: Request, token: FromPath[str]) -> Template:
    """The link of the "account created" mail. Its first use activates the account and
    signs the holder in, unless this browser is signed in to another account: that
    session is kept (a link planted by someone else must not switch the user to an
    account they do not own) and the page says which account is signed in."""
    try:
        outcome = await service.activate_account(token)
    except AccountRefused as refused:
        return page(
            "activation_failed",
            reason=refused.reason.value,
            days=get_settings().account_activation_days,
        )
    if outcome.already_active:
        return page("activated", already_active=True)
    signed_in_as = current_account_id(request)
    if signed_in_as is not None and signed_in_as != outcome.account_id:
        other = await service.account_login(signed_in_as)
        return page("activated", login=outcome.login, other_login=other)
    if signed_in_as is None:
        if not await can_start_session(request):  # activated, but no session can be kept
            return page("activated", login=outcome.login, sign_in_first=True)
        sign_in(request, outcome.account_id)
    return page("activated", login=outcome.login)


@get("/compte/code-activation", name="resend_activation")
async def resend_form() -> Template:
    return page("resend", form=Form(), sent=False)


@post("/compte/code-activation")
async def resend(request: Request) -> Template:
    form = await read_form(request)
    await check_rate(request, RESEND, form.values.get("email"))
    email = clean_email(form, "email", _("L'adresse mail est obligatoire."))
    if not form.ok:
        return page("resend", form=form, sent=False)
    answer = page("resend", form=Form(), sent=True)
    return after_answering(request, answer, service.resend_activation, email)


@get("/connexion", name="sign_in")
async def sign_in_form(
    request: Request, suivant: FromQuery[str | None] = None
) -> Template | Redirect:
    if current_account_id(request) is not None:
        return Redirect(_local_path(suivant), status_code=303)
    return page("sign_in", form=Form(values={"next": suivant or ""}), unavailable=False)


@post("/connexion")
async def sign_in_post(request: Request) -> Template | Redirect:
    form = await read_form(request)
    identifier = form.require(
        "identifier", _("Le numéro de dossier ou l'adresse mail est obligatoire.")
    )
    password = form.require("password", _("Le mot de passe est obligatoire."))
    if form.ok:
        subject = await credentials.sign_in_subject(identifier)
        await check_rate(request, SIGN_IN, subject.attempts_key)
        if not await can_start_session(request):
            return page(
                "sign_in", form=form, unavailable=True, status_code=HTTP_503_SERVICE_UNAVAILABLE
            )
        try:
            outcome = await credentials.authenticate(subject, password)
        except AccountRefused as refused:
            if refused.reason is AccountError.NOT_ACTIVATED:
                form.add_error(
                    "identifier",
                    _(
                        "Votre compte n'est pas encore validé. Cliquez sur le lien du courriel "
                        "reçu à la création du compte, ou demandez un nouveau lien avec "
                        "« J'ai perdu mon code d'activation »."
                    ),
                )
            else:
                form.add_error(
                    "identifier", _("Numéro de dossier, adresse mail ou mot de passe incorrect.")
                )
        else:
            sign_in(request, outcome.account_id)
            return Redirect(_local_path(form.values.get("next")), status_code=303)
    return page("sign_in", form=form, unavailable=False)


@post("/deconnexion", name="sign_out")
async def sign_out_post(request: HTMXRequest) -> Redirect | ClientRedirect:
    """Ends the portal's session. A student signed in through the university's CAS is
    sent on to the CAS logout, which ends the single sign-on session too (on a shared
    computer the next person would otherwise be signed in without a password) and
    comes back to the home page."""
    via_cas = signed_in_via_cas(request)
    sign_out(request)
    if not via_cas:
        return Redirect("/", status_code=303)
    target = logout_url(f"{get_settings().base_url}/")
    if request.htmx:  # a boosted form cannot follow a redirect to another origin
        response = ClientRedirect(target)
        response.status_code = HTTP_200_OK  # what htmx expects (a POST defaults to 201)
        return response
    return Redirect(target, status_code=303)


account_routes = [
    signup_form,
    signup,
    signup_done,
    activate,
    resend_form,
    resend,
    sign_in_form,
    sign_in_post,
    sign_out_post,
    *recovery_routes,
]
