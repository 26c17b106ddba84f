"""Mail template previews (issue 11 item 6), for the technical administrator and the
central office: every template with sample values, in French and English, its text
part and the variables it may use.

The HTML part is staff-edited content: it is never put in the page itself but served
on its own, to a sandboxed iframe, under a policy that allows no script, no form, no
request anywhere (inline styles only: mails carry them).
"""

from __future__ import annotations

from litestar import Request, get
from litestar.connection import ASGIConnection
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.params import FromPath
from litestar.response import Response

from app.core.code_labels import MAIL_CODE
from app.core.codes.mail import MailCode
from app.mail.outbox import MailTemplateMissing
from app.mail.samples import LANGUAGES, Preview, preview
from app.review.auth import staff_of, staff_required
from app.web.templating import Template

PREVIEWS_URL = "/modeles-mails"
# The framed HTML part: nothing but its own markup and inline styles.
FRAME_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "sandbox; base-uri 'none'; form-action 'none'; frame-ancestors 'self'"
)


async def sees_all_required(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    """After ``staff_required``: templates are the administrator's and the central
    office's business (403 for the centres' and commissions' staff)."""
    if not connection.state.staff.sees_all:
        raise PermissionDeniedException


GUARDS = [staff_required, sees_all_required]


def _label(code: MailCode) -> str:
    """The French label (a msgid: the page translates it)."""
    return MAIL_CODE.get(code, code.value)


async def _preview_or_404(mail_code: str, mail_language: str) -> Preview:
    if mail_code not in MailCode._value2member_map_ or mail_language not in LANGUAGES:
        raise NotFoundException
    try:
        return await preview(MailCode(mail_code), mail_language)
    except MailTemplateMissing as missing:
        raise NotFoundException from missing


@get(PREVIEWS_URL, name="mail_template_previews", guards=GUARDS)
async def previews(request: Request) -> Template:
    codes = [(code.value, _label(code)) for code in MailCode]
    return Template(
        "review/mail_templates.html",
        context={"staff": staff_of(request), "codes": codes, "languages": LANGUAGES},
    )


@get(
    PREVIEWS_URL + "/{mail_code:str}/{mail_language:str}",
    name="mail_template_preview",
    guards=GUARDS,
)
async def preview_page(
    request: Request, mail_code: FromPath[str], mail_language: FromPath[str]
) -> Template:
    shown = await _preview_or_404(mail_code, mail_language)
    return Template(
        "review/mail_template.html",
        context={
            "staff": staff_of(request),
            "p": shown,
            "label": _label(shown.code),
            "languages": LANGUAGES,
        },
    )


@get(
    PREVIEWS_URL + "/{mail_code:str}/{mail_language:str}/html",
    name="mail_template_preview_html",
    guards=GUARDS,
)
async def preview_html(mail_code: FromPath[str], mail_language: FromPath[str]) -> Response:
    shown = await _preview_or_404(mail_code, mail_language)
    return Response(
        shown.html,
        media_type="text/html; charset=utf-8",
        headers={
            "Content-Security-Policy": FRAME_POLICY,
            "X-Frame-Options": "SAMEORIGIN",
            "Cache-Control": "no-store",
        },
    )


mail_template_handlers = [previews, preview_page, preview_html]
