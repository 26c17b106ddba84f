"""The bytes a mail leaves as: one MIME message, text part and HTML alternative, both
UTF-8 in quoted-printable (safe through relays that do not announce 8BITMIME).

Built with the standard library's ``compat32`` MIME classes, not ``EmailMessage``: the
modern API parses and refolds every header through its header registry, which made
building a mail three quarters of a worker's CPU per mail (docs/benchmarks.md, mail
throughput). The result is the same message; :func:`app.mail.sender.build_message`
parses these very bytes back for readers and tests.

Only for ASCII addresses: an internationalised address needs SMTPUTF8 and UTF-8 headers,
which :meth:`aiosmtplib.SMTP.send_message` handles from an ``EmailMessage``.
"""

from __future__ import annotations

from email.charset import QP, Charset
from email.header import Header
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formataddr, parseaddr

_UTF8_QP = Charset("utf-8")
_UTF8_QP.header_encoding = QP
_UTF8_QP.body_encoding = QP


def is_ascii_mail(*addresses: str) -> bool:
    return all(address.isascii() for address in addresses)


def _header(value: str) -> str | Header:
    """ASCII as is; anything else as an RFC 2047 encoded word."""
    return value if value.isascii() else Header(value, _UTF8_QP)


def _text_part(content: str, subtype: str) -> MIMEText:
    # A MIME text part ends with a line break (EmailMessage.set_content adds one too).
    part = MIMEText(content if content.endswith("\n") else content + "\n", subtype, _UTF8_QP)
    del part["MIME-Version"]  # once, on the whole message
    return part


def mime_bytes(
    *, sender: str, to: str, subject: str, headers: dict[str, str], text: str, html: str
) -> bytes:
    """``sender`` as configured (``Name <address>``), ``to`` one ASCII address,
    ``headers`` the others (Date, Message-ID...), in order."""
    message = MIMEMultipart("alternative")
    name, address = parseaddr(sender)
    message["From"] = formataddr((name, address), charset="utf-8")
    message["To"] = to
    message["Subject"] = _header(subject)
    for key, value in headers.items():
        message[key] = value
    message.attach(_text_part(text, "plain"))
    message.attach(_text_part(html, "html"))
    return message.as_bytes()


def envelope_sender(sender: str) -> str:
    """The address of ``Name <address>``: the SMTP envelope's MAIL FROM."""
    return parseaddr(sender)[1]
