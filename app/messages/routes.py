""" "Mes messages" (issue 11 item 5): the candidate's mails, one mail's text, and asking
for one to be sent again. Plain pages and forms (post/redirect/get), htmx optional."""

from __future__ import annotations

from litestar import Request, Router, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect

from app.accounts.guards import (
    FirstSignInRequired,
    account_id_of,
    signed_in_candidate,
    to_first_sign_in,
)
from app.core.i18n import N_
from app.core.i18n import gettext as _
from app.input_rules import is_ascii_digits
from app.messages.candidate_mails import (
    MAX_PAGE,
    OwnResendRefusal,
    OwnResendRefused,
    mail_page,
    own_mail,
    resend_own_mail,
)
from app.messages.resend import enqueue_resent
from app.web.ratelimit import Limit, check_rate
from app.web.templating import Template

MESSAGES_URL = "/messages"
# Each request sends a mail: a few an hour per account, so that the button cannot
# flood the candidate's own mailbox (or, through it, the mail server's reputation).
MAIL_RESEND = Limit("mail_resend", per_ip=20, per_account=5, window_seconds=3600)

# ?fait= / ?refus= keys of the one-shot message after the redirect.
DONE = {"renvoye": N_("Le message va vous être renvoyé à votre adresse mail actuelle.")}
REFUSED = {
    OwnResendRefusal.ON_ITS_WAY.value: N_(
        "Ce message est déjà en cours d'envoi : il n'a pas été renvoyé."
    ),
    OwnResendRefusal.NOTHING_TO_SEND.value: N_(
        "Ce message n'a pas pu être rédigé : il ne peut pas être renvoyé."
    ),
    OwnResendRefusal.NOT_RESENDABLE.value: N_(
        "Ce lien de validation ne peut pas être renvoyé : demandez à nouveau le changement "
        "d'adresse mail."
    ),
}


def _page_number(value: str) -> int:
    """A page past the last shows the last one; anything but digits, the first."""
    if not is_ascii_digits(value):
        return 1
    return min(int(value[:9]) if len(value) <= 9 else MAX_PAGE, MAX_PAGE)


@get("/", name="messages")
async def messages_list(request: Request, page: FromQuery[str] = "1") -> Template:
    listing = await mail_page(account_id_of(request), _page_number(page))
    return Template("messages/list.html", context={"listing": listing})


@get("/{mail_id:int}", name="message")
async def message(
    request: Request, mail_id: FromPath[int], fait: FromQuery[str] = "", refus: FromQuery[str] = ""
) -> Template:
    mail = await own_mail(account_id_of(request), mail_id)
    if mail is None:
        raise NotFoundException
    done = _(DONE[fait]) if fait in DONE else ""
    refusal = _(REFUSED[refus]) if refus in REFUSED else ""
    return Template(
        "messages/message.html", context={"mail": mail, "done": done, "refusal": refusal}
    )


@post("/{mail_id:int}/renvoyer", name="message_resend")
async def resend(request: Request, mail_id: FromPath[int]) -> Redirect:
    """Send the mail again to the account's current address; back to the mail's page
    with what happened."""
    account_id = account_id_of(request)
    # Someone else's id is a 404 before it counts against the limit.
    if await own_mail(account_id, mail_id) is None:
        raise NotFoundException
    await check_rate(request, MAIL_RESEND, str(account_id))
    target = f"{MESSAGES_URL}/{mail_id}"
    try:
        resent = await resend_own_mail(account_id=account_id, mail_id=mail_id)
    except OwnResendRefused as refused:
        if refused.reason is OwnResendRefusal.NOT_FOUND:
            raise NotFoundException from refused
        return Redirect(f"{target}?refus={refused.reason.value}", status_code=303)
    await enqueue_resent(request.app.state.redis, resent)
    return Redirect(f"{target}?fait=renvoye", status_code=303)


messages_router = Router(
    path=MESSAGES_URL,
    route_handlers=[messages_list, message, resend],
    guards=[signed_in_candidate],
    exception_handlers={FirstSignInRequired: to_first_sign_in},
)

messages_routes = [messages_router]
