"""Dev-only pages about mail (mounted only when ENV=dev): what the sink received.

The mail's own HTML is never rendered: the page's CSP forbids inline styles and
scripts, and a dev page must not run what a template produced. The text part is shown
with its links made clickable, the HTML part as escaped source.
"""

from __future__ import annotations

import re

from litestar import get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from markupsafe import Markup, escape

from app.mail.sink import html_part, list_messages, read_message, text_part
from app.web.templating import Template

URL_PATTERN = re.compile(r"https?://[^\s<>\"']+")
TRAILING_PUNCTUATION = ".,;:!?)]}»"
SHOWN_HEADERS = ("From", "To", "Subject", "Date", "Message-ID")


def linkify(text: str) -> Markup:
    """Escaped text where every http(s) URL is a link (sentence punctuation excluded)."""
    pieces: list[str] = []
    position = 0
    for match in URL_PATTERN.finditer(text):
        url = match.group().rstrip(TRAILING_PUNCTUATION)
        pieces.append(escape(text[position : match.start()]))
        pieces.append(Markup('<a href="{0}">{0}</a>').format(url))
        position = match.start() + len(url)
    pieces.append(escape(text[position:]))
    return Markup("").join(pieces)


@get("/dev/mails", name="dev_mails", opt={"skip_session": True}, include_in_schema=False)
async def dev_mail_list() -> Template:
    return Template(template_name="mail/dev_list.html", context={"messages": list_messages()})


@get(
    "/dev/mails/{message_id:str}",
    name="dev_mail",
    opt={"skip_session": True},
    include_in_schema=False,
)
async def dev_mail_detail(message_id: FromPath[str]) -> Template:
    message = read_message(message_id)
    if message is None:
        raise NotFoundException()
    headers = [(name, str(message[name])) for name in SHOWN_HEADERS if message[name] is not None]
    return Template(
        template_name="mail/dev_message.html",
        context={
            "headers": headers,
            "subject": str(message.get("Subject", "")),
            "text_body": linkify(text_part(message)),
            "html_source": html_part(message),
        },
    )


dev_mail_routes = [dev_mail_list, dev_mail_detail]
