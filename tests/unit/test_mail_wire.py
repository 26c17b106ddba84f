"""The bytes a mail leaves as (app/mail/wire.py), read back with the standard library."""

from __future__ import annotations

from email import message_from_bytes, policy

import pytest

from app.mail.wire import LINE, mime_bytes

SENDER = "eCésure <no-reply@ecesure.localhost>"
HEADERS = {"Message-ID": "<m-1@ecesure.localhost>", "Auto-Submitted": "auto-generated"}


def read(**fields):
    data = mime_bytes(**{"sender": SENDER, "to": "a@example.org", "headers": HEADERS, **fields})
    return data, message_from_bytes(data, policy=policy.default)


def test_every_header_and_both_parts_read_back_as_written():
    text = "Ligne 1 = égale\r\nfin avec espaces   \n" + "long " * 40 + "\n\tTab\n.point"
    html = "<p>Césure « 2026 » – é</p>"
    data, message = read(subject="eCésure : candidature transmise", text=text, html=html)
    assert message["From"] == SENDER
    assert message["To"] == "a@example.org"
    assert message["Subject"] == "eCésure : candidature transmise"
    assert message["Message-ID"] == "<m-1@ecesure.localhost>"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message.get_content_type() == "multipart/alternative"
    plain, rich = message.iter_parts()
    assert (
        plain["Content-Transfer-Encoding"]
        == rich["Content-Transfer-Encoding"]
        == ("quoted-printable")
    )
    assert plain.get_content() == text.replace("\r\n", "\n") + "\n"
    assert rich.get_content_type() == "text/html"
    assert rich.get_content() == html + "\n"
    assert data.isascii()
    assert max(len(line) for line in data.split(b"\n")) <= LINE


def test_a_long_ascii_subject_is_folded_and_unfolds_to_itself():
    subject = " ".join(f"word{n}" for n in range(60))
    data, message = read(subject=subject, text="t", html="h")
    assert message["Subject"] == subject
    header = data.split(b"\n\n", 1)[0]
    assert max(len(line) for line in header.split(b"\n")) <= LINE


@pytest.mark.parametrize(
    "fields",
    [
        {"to": "a@example.org\r\nBcc: b@example.org"},
        {"subject": "Bonjour\nBcc: b@example.org"},
        {"headers": {"Message-ID": "<m@x>\r\nBcc: b@example.org"}},
    ],
)
def test_a_line_break_in_a_header_is_refused(fields):
    with pytest.raises(ValueError, match="line break"):
        read(**{"subject": "s", "text": "t", "html": "h", **fields})
