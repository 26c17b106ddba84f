"""Candidate account pages (guide §02.1 and §03): thin handlers over accounts.service."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import structlog
from litestar import Request, get, post
from litestar.background_tasks import BackgroundTask
from litestar.params import FromPath, FromQuery
from litestar.plugins.htmx import ClientRedirect, HTMXRequest
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_200_OK, HTTP_503_SERVICE_UNAVAILABLE
from redis.asyncio import Redis

from app.accounts import service
from app.accounts.auth import (
    can_start_session,
    candidate_required,
    current_account_id,
    end_sessions,
    sign_in,
    sign_out,
    signed_in_via_cas,
)
from app.accounts.cas_client import logout_url
from app.accounts.forms import check_new_password, clean_email, validate_signup
from app.accounts.service import AccountError, AccountRefused
from app.mail.outbox import enqueue_mails
from app.settings import get_settings
from app.web.forms import Form, read_form
from app.web.i18n import current_language
from app.web.i18n import gettext as _
from app.web.ratelimit import (
    EMAIL_CHANGE,
    RECOVERY,
    RESEND,
    SIGN_IN,
    SIGN_UP,
    check_rate,
)
from app.web.redirects import local_path

log = structlog.get_logger(__name__)

AFTER_SIGN_IN = "/dossier"


def page(name: str, *, status_code: int = HTTP_200_OK, **context) -> Template:
    return Template(template_name=f"accounts/{name}.html", context=context, status_code=status_code)


async def _send(request: Request, outcome: service.Outcome) -> None:
    await enqueue_mails(request.app.state.redis, outcome.mail_ids)


async def _recover(
    redis: Redis, action: Callable[[str], Awaitable[service.Outcome]], email: str
) -> None:
    try:
        outcome = await action(email)
        await enqueue_mails(redis, outcome.mail_ids)
    except Exception:  # the answer is already sent: nobody else would hear of it
        log.exception("recovery_failed", action=action.__name__)


def after_answering(
    request: Request,
    answer: Template,
    action: Callable[[str], Awaitable[service.Outcome]],
    email: str,
) -> Template:
    """Recovery pages (forgotten password or login, new activation link) look the
    address up, write and queue the mail only once their answer is sent: the answer
    costs the same work, and so the same time, whether or not an account has this
    address (the bytes are the same already)."""
    answer.background = BackgroundTask(_recover, request.app.state.redis, action, email)
    return answer


def _local_path(target: str | None) -> str:
    """Where to go after sign-in: only a path of ours (no open redirect)."""
    return local_path(target, AFTER_SIGN_IN)


# --- sign-up and activation -------------------------------------------------------


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
            await _send(request, outcome)
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


# --- sign-in and sign-out ---------------------------------------------------------


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
        subject = await service.sign_in_subject(identifier)
        await check_rate(request, SIGN_IN, subject.attempts_key)
        if not await can_start_session(request):
            return page(
                "sign_in", form=form, unavailable=True, status_code=HTTP_503_SERVICE_UNAVAILABLE
            )
        try:
            outcome = await service.authenticate(subject, password)
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


# --- recovery ---------------------------------------------------------------------


@get("/compte/mot-de-passe-oublie", name="forgot_password")
async def forgot_password_form() -> Template:
    return page("forgot", form=Form(), kind="password", sent=False)


@post("/compte/mot-de-passe-oublie")
async def forgot_password(request: Request) -> Template:
    form = await read_form(request)
    await check_rate(request, RECOVERY, form.values.get("email"))
    email = clean_email(form, "email", _("L'adresse mail est obligatoire."))
    if not form.ok:
        return page("forgot", form=form, kind="password", sent=False)
    answer = page("forgot", form=Form(), kind="password", sent=True)
    return after_answering(request, answer, service.request_password_reset, email)


@get("/compte/identifiant-oublie", name="forgot_login")
async def forgot_login_form() -> Template:
    return page("forgot", form=Form(), kind="login", sent=False)


@post("/compte/identifiant-oublie")
async def forgot_login(request: Request) -> Template:
    form = await read_form(request)
    await check_rate(request, RECOVERY, form.values.get("email"))
    email = clean_email(form, "email", _("L'adresse mail est obligatoire."))
    if not form.ok:
        return page("forgot", form=form, kind="login", sent=False)
    answer = page("forgot", form=Form(), kind="login", sent=True)
    return after_answering(request, answer, service.send_login_reminder, email)


@get("/compte/mot-de-passe/{token:str}", name="reset_password")
async def reset_form(token: FromPath[str]) -> Template:
    live = await service.reset_link_is_live(token)
    return page("reset", form=Form(), token=token, live=live, done=False)


@post("/compte/mot-de-passe/{token:str}")
async def reset(request: Request, token: FromPath[str]) -> Template:
    form = await read_form(request)
    password = check_new_password(form)
    if not form.ok:
        return page("reset", form=form, token=token, live=True, done=False)
    try:
        outcome = await service.reset_password(token, password)
    except AccountRefused:
        return page("reset", form=Form(), token=token, live=False, done=False)
    # Whoever knew the old password is signed out everywhere, this browser included:
    # the page asks to sign in with the new password.
    await end_sessions(request, outcome.account_id, keep_current=False)
    return page("reset", form=Form(), token=token, live=True, done=True)


# --- email change (signed in) -----------------------------------------------------


@get("/compte/adresse-mail", name="change_email", guards=[candidate_required])
async def change_email_form() -> Template:
    return page("change_email", form=Form(), sent=False)


@post("/compte/adresse-mail", guards=[candidate_required])
async def change_email(request: Request) -> Template:
    form = await read_form(request)
    email = clean_email(form, "email", _("La nouvelle adresse mail est obligatoire."))
    if form.ok:
        account_id = current_account_id(request)
        await check_rate(request, EMAIL_CHANGE, f"account:{account_id}", email)
        try:
            outcome = await service.request_email_change(account_id=account_id, new_email=email)
        except AccountRefused:
            form.add_error("email", _("Cette adresse mail est déjà utilisée par un autre compte."))
        else:
            await _send(request, outcome)
            # Guide §02.1: "lorsque vous aurez modifié votre compte, vous serez
            # déconnecté" — every session of the account ends, this one included; the
            # candidate signs in again once the new address is validated.
            await end_sessions(request, account_id, keep_current=False)
            return page("change_email", form=Form(), sent=True, new_email=email)
    return page("change_email", form=form, sent=False)


@get("/compte/adresse-mail/{token:str}", name="confirm_email")
async def confirm_email(request: Request, token: FromPath[str]) -> Template:
    try:
        outcome = await service.confirm_email_change(token)
    except AccountRefused as refused:
        return page("email_confirmed", ok=False, reason=refused.reason.value)
    # The account's other sessions end; the one that followed the link stays.
    await end_sessions(request, outcome.account_id, keep_current=True)
    await _send(request, outcome)
    return page("email_confirmed", ok=True, reason="")


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
    forgot_password_form,
    forgot_password,
    forgot_login_form,
    forgot_login,
    reset_form,
    reset,
    change_email_form,
    change_email,
    confirm_email,
]
