"""University students' pages (guide §02.2): sign-in through the university's CAS,
first sign-in (identity check, contact email), the email validation link."""

from __future__ import annotations

from litestar import Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.plugins.htmx import ClientRedirect, HTMXRequest
from litestar.response import Redirect
from litestar.status_codes import (
    HTTP_400_BAD_REQUEST,
    HTTP_403_FORBIDDEN,
    HTTP_409_CONFLICT,
    HTTP_502_BAD_GATEWAY,
    HTTP_503_SERVICE_UNAVAILABLE,
)

from app.accounts.auth import can_start_session, candidate_required, current_account_id, sign_in
from app.accounts.cas_client import CasValidationError, login_url, validate_ticket
from app.accounts.contact_email import (
    confirm_contact_email,
    first_sign_in_details,
    request_contact_email,
)
from app.accounts.forms import clean_email
from app.accounts.service import account_login
from app.accounts.sso import FIRST_SIGN_IN_PATH, SsoError, SsoRefused, sign_in_with_cas
from app.core.i18n import current_language
from app.core.i18n import gettext as _
from app.mail.outbox import enqueue_mails
from app.settings import get_settings
from app.web.forms import Form, read_form
from app.web.ratelimit import RESEND, check_rate
from app.web.templating import Template

DOSSIER_PATH = "/dossier"
# The dossier overview shows its confirmations from this query ("enregistre").
CONFIRMED_PATH = f"{DOSSIER_PATH}?enregistre=adresse-mail"
START_PATH = "/universite/connexion"

# Refusals shown on the error page: (status, title, explanation); the page offers to
# try again (CAS problems) or to go back to the first-sign-in page (links).
_TRY_AGAIN = "retry"
_NEW_LINK = "new_link"
_SIGN_OUT = "sign_out"


def _refusal(reason: SsoError) -> tuple[int, str, str, str]:
    if reason is SsoError.NOT_IN_RECORDS:
        return (
            HTTP_403_FORBIDDEN,
            _("Dossier universitaire introuvable"),
            _(
                "Votre compte universitaire n'a pas été trouvé dans le logiciel de scolarité. "
                "Contactez la scolarité de votre composante."
            ),
            "",
        )
    if reason is SsoError.NO_EMAIL:
        return (
            HTTP_403_FORBIDDEN,
            _("Adresse mail universitaire inconnue"),
            _(
                "Le logiciel de scolarité ne connaît pas votre adresse mail universitaire. "
                "Contactez la scolarité de votre composante."
            ),
            "",
        )
    if reason is SsoError.NO_CAMPAIGN:
        return (
            HTTP_409_CONFLICT,
            _("Aucune campagne ouverte"),
            _("Aucune campagne de césure n'est ouverte pour le moment."),
            "",
        )
    if reason is SsoError.EMAIL_TAKEN:
        return (
            HTTP_409_CONFLICT,
            _("Adresse mail déjà utilisée"),
            _(
                "Votre adresse mail universitaire est déjà utilisée par un autre compte "
                "eCésure. Connectez-vous à ce compte avec son numéro de dossier et son mot "
                "de passe, ou contactez la scolarité."
            ),
            "",
        )
    if reason is SsoError.LINK_EXPIRED:
        return (
            HTTP_400_BAD_REQUEST,
            _("Lien expiré"),
            _("Ce lien de validation a expiré. Demandez-en un nouveau."),
            _NEW_LINK,
        )
    return (
        HTTP_400_BAD_REQUEST,
        _("Lien non valable"),
        _(
            "Ce lien n'est plus valable : il a déjà servi, a expiré ou a été remplacé par "
            "un lien plus récent."
        ),
        _NEW_LINK,
    )


def _error_page(status: int, title: str, text: str, action: str = "") -> Template:
    return Template(
        template_name="accounts/sso_error.html",
        context={"title": title, "text": text, "action": action},
        status_code=status,
    )


def _refused_page(reason: SsoError) -> Template:
    return _error_page(*_refusal(reason))


def _cas_failed_page(error: CasValidationError) -> Template:
    if error.code in {"UNREACHABLE", "BAD_RESPONSE"}:
        return _error_page(
            HTTP_502_BAD_GATEWAY,
            _("Service d'authentification indisponible"),
            _(
                "Le service d'authentification de l'université ne répond pas. "
                "Réessayez dans quelques minutes."
            ),
            _TRY_AGAIN,
        )
    return _error_page(
        HTTP_400_BAD_REQUEST,
        _("Connexion interrompue"),
        _(
            "La connexion avec votre compte universitaire n'a pas abouti (le lien de retour "
            "a expiré ou a déjà servi). Recommencez la connexion."
        ),
        _TRY_AGAIN,
    )


@get(START_PATH, name="sso_start", opt={"skip_session": True})
async def sso_start(request: HTMXRequest) -> Redirect | ClientRedirect:
    """To the university's CAS login page. A boosted htmx link would follow the
    redirect in an XMLHttpRequest, which another origin refuses: make htmx navigate."""
    if request.htmx:
        return ClientRedirect(login_url())
    return Redirect(login_url(), status_code=303)


def _sessions_down_page() -> Template:
    return _error_page(
        HTTP_503_SERVICE_UNAVAILABLE,
        _("Connexion momentanément indisponible"),
        _("La connexion est momentanément indisponible. Réessayez dans quelques minutes."),
        _TRY_AGAIN,
    )


async def _other_account_page(signed_in_as: int) -> Template:
    """A signed-in user followed someone else's ticket (a planted link, or another
    student's sign-in in this browser): the session is not switched silently."""
    return _error_page(
        HTTP_409_CONFLICT,
        _("Vous êtes déjà connecté·e"),
        _(
            "Vous êtes connecté·e avec un autre compte (numéro de dossier %(login)s). "
            "Pour vous connecter avec votre compte universitaire, déconnectez-vous "
            "d'abord, puis recommencez la connexion.",
            login=await account_login(signed_in_as) or "",
        ),
        _SIGN_OUT,
    )


@get("/universite/retour", name="sso_return")
async def sso_return(request: Request, ticket: FromQuery[str | None] = None) -> Redirect | Template:
    """The CAS server sends the student back here with a one-time ticket.

    With the session store down, the ticket is not even validated: the student could
    not stay signed in, and is told so instead of landing back signed out."""
    if not await can_start_session(request):
        return _sessions_down_page()
    try:
        identity = await validate_ticket(ticket or "")
        outcome = await sign_in_with_cas(identity, language=current_language.get())
    except CasValidationError as error:
        return _cas_failed_page(error)
    except SsoRefused as refused:
        return _refused_page(refused.reason)
    signed_in_as = current_account_id(request)
    if signed_in_as is not None and signed_in_as != outcome.account_id:
        return await _other_account_page(signed_in_as)
    sign_in(request, outcome.account_id, via_cas=True)
    target = DOSSIER_PATH if outcome.email_validated else FIRST_SIGN_IN_PATH
    return Redirect(target, status_code=303)


def _first_sign_in_page(details: dict, form: Form) -> Template:
    return Template(
        template_name="accounts/sso_first_sign_in.html",
        context={
            "person": details,
            "form": form,
            "days": get_settings().account_activation_days,
        },
    )


@get(FIRST_SIGN_IN_PATH, name="sso_first_sign_in", guards=[candidate_required])
async def first_sign_in_form(request: Request) -> Template | Redirect:
    details = await first_sign_in_details(current_account_id(request))
    if details is None or details["email_validated_at"] is not None:
        return Redirect(DOSSIER_PATH, status_code=303)
    proposed = details["pending_email"] or details["email"]
    return _first_sign_in_page(details, Form(values={"email": proposed}))


@post(FIRST_SIGN_IN_PATH, guards=[candidate_required])
async def first_sign_in(request: Request) -> Template | Redirect:
    account_id = current_account_id(request)
    details = await first_sign_in_details(account_id)
    if details is None or details["email_validated_at"] is not None:
        return Redirect(DOSSIER_PATH, status_code=303)
    form = await read_form(request)
    email = clean_email(form, "email", _("L'adresse mail est obligatoire."))
    if form.ok:
        await check_rate(request, RESEND, details["login"])
        try:
            mail_ids = await request_contact_email(account_id=account_id, email=email)
        except SsoRefused as refused:
            if refused.reason is not SsoError.EMAIL_TAKEN:
                return Redirect(DOSSIER_PATH, status_code=303)
            form.add_error("email", _("Cette adresse mail est déjà utilisée par un autre compte."))
        else:
            await enqueue_mails(request.app.state.redis, mail_ids)
            # Post/redirect/get: the page now says where the link went.
            return Redirect(FIRST_SIGN_IN_PATH, status_code=303)
    return _first_sign_in_page(details, form)


@get("/universite/adresse/{token:str}", name="sso_confirm_email")
async def confirm_email(request: Request, token: FromPath[str]) -> Redirect | Template:
    """The link of the validation mail. Followed in the browser where the student is
    signed in, it opens the dossier; elsewhere (another device, a webmail), it confirms
    and offers to sign in."""
    try:
        account_id = await confirm_contact_email(token)
    except SsoRefused as refused:
        if refused.reason is SsoError.EMAIL_TAKEN:
            # Taken by another account after the link was sent.
            return _error_page(
                HTTP_409_CONFLICT,
                _("Adresse mail déjà utilisée"),
                _(
                    "Cette adresse mail est déjà utilisée par un autre compte. "
                    "Indiquez-en une autre."
                ),
                _NEW_LINK,
            )
        return _refused_page(refused.reason)
    if current_account_id(request) == account_id:
        return Redirect(CONFIRMED_PATH, status_code=303)
    return Template(template_name="accounts/sso_email_confirmed.html")


sso_routes = [sso_start, sso_return, first_sign_in_form, first_sign_in, confirm_email]
