"""Account recovery pages (guide §03): forgotten password or login, password reset,
email change."""

from __future__ import annotations

from litestar import Request, get, post
from litestar.params import FromPath

from app.accounts import credentials, email_change
from app.accounts.account_outcomes import AccountRefused
from app.accounts.account_pages import after_answering, page, send_mails
from app.accounts.auth import (
    candidate_required,
    current_account_id,
    end_sessions,
)
from app.accounts.forms import check_new_password, clean_email
from app.core.i18n import gettext as _
from app.web.forms import Form, read_form
from app.web.ratelimit import (
    EMAIL_CHANGE,
    RECOVERY,
    check_rate,
)
from app.web.templating import Template


async def _forgot(request: Request, kind: str, send) -> Template:
    """Both "forgotten" forms: the same answer whether the address is known or not, the
    mail (``send``) going after the answer so its timing tells nothing either."""
    form = await read_form(request)
    await check_rate(request, RECOVERY, form.values.get("email"))
    email = clean_email(form, "email", _("L'adresse mail est obligatoire."))
    if not form.ok:
        return page("forgot", form=form, kind=kind, sent=False)
    answer = page("forgot", form=Form(), kind=kind, sent=True)
    return after_answering(request, answer, send, email)


@get("/compte/mot-de-passe-oublie", name="forgot_password")
async def forgot_password_form() -> Template:
    return page("forgot", form=Form(), kind="password", sent=False)


@post("/compte/mot-de-passe-oublie")
async def forgot_password(request: Request) -> Template:
    return await _forgot(request, "password", credentials.request_password_reset)


@get("/compte/identifiant-oublie", name="forgot_login")
async def forgot_login_form() -> Template:
    return page("forgot", form=Form(), kind="login", sent=False)


@post("/compte/identifiant-oublie")
async def forgot_login(request: Request) -> Template:
    return await _forgot(request, "login", credentials.send_login_reminder)


@get("/compte/mot-de-passe/{token:str}", name="reset_password")
async def reset_form(token: FromPath[str]) -> Template:
    live = await credentials.reset_link_is_live(token)
    return page("reset", form=Form(), token=token, live=live, done=False)


@post("/compte/mot-de-passe/{token:str}")
async def reset(request: Request, token: FromPath[str]) -> Template:
    form = await read_form(request)
    password = check_new_password(form)
    if not form.ok:
        return page("reset", form=form, token=token, live=True, done=False)
    try:
        outcome = await credentials.reset_password(token, password)
    except AccountRefused:
        return page("reset", form=Form(), token=token, live=False, done=False)
    # Whoever knew the old password is signed out everywhere, this browser included:
    # the page asks to sign in with the new password.
    await end_sessions(request, outcome.account_id, keep_current=False)
    return page("reset", form=Form(), token=token, live=True, done=True)


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
            outcome = await email_change.request_email_change(
                account_id=account_id, new_email=email
            )
        except AccountRefused:
            form.add_error("email", _("Cette adresse mail est déjà utilisée par un autre compte."))
        else:
            await send_mails(request, outcome)
            # Guide §02.1: "lorsque vous aurez modifié votre compte, vous serez
            # déconnecté" — every session of the account ends, this one included; the
            # candidate signs in again once the new address is validated.
            await end_sessions(request, account_id, keep_current=False)
            return page("change_email", form=Form(), sent=True, new_email=email)
    return page("change_email", form=form, sent=False)


@get("/compte/adresse-mail/{token:str}", name="confirm_email")
async def confirm_email(request: Request, token: FromPath[str]) -> Template:
    try:
        outcome = await email_change.confirm_email_change(token)
    except AccountRefused as refused:
        return page("email_confirmed", ok=False, reason=refused.reason.value)
    # The account's other sessions end; the one that followed the link stays.
    await end_sessions(request, outcome.account_id, keep_current=True)
    await send_mails(request, outcome)
    return page("email_confirmed", ok=True, reason="")


recovery_routes = [
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
