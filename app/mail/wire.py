"""The bytes a mail leaves as: one MIME message, text part and HTML alternative, both
UTF-8 in quoted-printable (safe through relays that do not announce 8BITMIME).

Written out here rather than built with ``email``'s classes: the ``EmailMessage`` API
parses and refolds every header through its header registry, and even the ``compat32``
classes fold each of the message's twelve headers through ``email.header.Header`` and
quoted-print the bodies in pure Python: 0.6 ms of CPU a mail, of the worker's 3.2 ms
(docs/benchmarks.md, mail throughput). Here the ASCII headers are written as they are,
only a non-ASCII one goes through ``Header`` (RFC 2047 encoded words), and the bodies go
through ``binascii.b2a_qp`` (C): 0.13 ms. The result is the same message;
:func:`app.mail.sender.build_message` parses these very bytes back for readers and
tests.

Only for ASCII addresses: an internationalised address needs SMTPUTF8 and UTF-8 headers,
which :meth:`aiosmtplib.SMTP.send_message` handles from an ``EmailMessage``.
"""

from __future__ import annotations

import binascii
import secrets
from email.charset import QP, Charset
from email.header import Header
from email.utils import formataddr, parseaddr

_UTF8_QP = Charset("utf-8")
_UTF8_QP.header_encoding = QP
_UTF8_QP.body_encoding = QP
LINE = 78  # RFC 5322 §2.1.1: lines SHOULD hold at most 78 characters


def is_ascii_mail(*addresses: str) -> bool:
    return all(address.isascii() for address in addresses)


def _one_line(name: str, value: str) -> str:
    if "\r" in value or "\n" in value:
        raise ValueError(f"line break in the {name} header: {value!r}")
    return value


def _header(name: str, value: str) -> str:
    """``Name: value``: ASCII folded at spaces past LINE characters, anything else as
    RFC 2047 encoded words."""
    value = _one_line(name, value)
    if not value.isascii():
        return f"{name}: " + Header(value, _UTF8_QP, header_name=name).encode()
    line, lines = f"{name}:", []
    for word in value.split(" "):
        if len(line) + 1 + len(word) > LINE and line.strip() and line != f"{name}:":
            lines.append(line)
            line = ""
        line += " " + word
    lines.append(line)
    return "\n".join(lines)


def _quoted_printable(content: str) -> str:
    # A MIME text part ends with a line break (EmailMessage.set_content adds one too).
    content = content.replace("\r\n", "\n").replace("\r", "\n")
    if not content.endswith("\n"):
        content += "\n"
    return binascii.b2a_qp(content.encode("utf-8"), istext=True).decode("ascii")


def _part(boundary: str, content: str, subtype: str) -> str:
    return (
        f"--{boundary}\n"
        f'Content-Type: text/{subtype}; charset="utf-8"\n'
        "Content-Transfer-Encoding: quoted-printable\n\n"
        # The line break before the next delimiter belongs to the delimiter (RFC 2046).
        f"{_quoted_printable(content)}\n"
    )


def mime_bytes(
    *, sender: str, to: str, subject: str, headers: dict[str, str], text: str, html: str
) -> bytes:
    """``sender`` as configured (``Name <address>``), ``to`` one ASCII address,
    ``headers`` the others (Date, Message-ID...), in order."""
    # As the standard library's: "=" cannot start a line of quoted-printable text.
    boundary = f"==============={secrets.randbelow(10**19):019d}=="
    name, address = parseaddr(sender)
    lines = [
        f'Content-Type: multipart/alternative;\n boundary="{boundary}"',
        "MIME-Version: 1.0",
        f"From: {_one_line('From', formataddr((name, address), charset='utf-8'))}",
        _header("To", to),
        _header("Subject", subject),
        *(_header(key, value) for key, value in headers.items()),
        "",
        _part(boundary, text, "plain") + _part(boundary, html, "html") + f"--{boundary}--\n",
    ]
    return "\n".join(lines).encode("ascii")


def envelope_sender(sender: str) -> str:
    """The address of ``Name <address>``: the SMTP envelope's MAIL FROM."""
    return parseaddr(sender)[1]
