"""The dev pages showing what the SMTP sink received."""

from __future__ import annotations

from app.core.codes.mail import MailCode
from app.mail.outbox import queue_mail
from app.mail.sender import deliver


async def send_test_mail(name: str = "Camille") -> None:
    mail_id = await queue_mail(
        to="camille@example.org", code=MailCode.DEV_TEST, context={"name": name}
    )
    assert await deliver(mail_id) == "sent"


async def test_the_list_shows_each_received_mail(client, mail_templates, smtp_sink):
    await send_test_mail()
    [message_id] = smtp_sink.ids

    response = await client.get("/dev/mails")

    assert response.status_code == 200
    assert "Courriels envoyés (développement)" in response.text
    assert "camille@example.org" in response.text
    assert f'<a href="/dev/mails/{message_id}">Message de test eCésure</a>' in response.text


async def test_the_list_says_when_nothing_was_received(client, smtp_sink):
    response = await client.get("/dev/mails")
    assert response.status_code == 200
    assert "Aucun courriel reçu pour le moment." in response.text


async def test_a_mail_shows_its_text_with_clickable_links(client, mail_templates, smtp_sink):
    await send_test_mail()
    [message_id] = smtp_sink.ids

    response = await client.get(f"/dev/mails/{message_id}")

    assert response.status_code == 200
    assert "<h1>Message de test eCésure</h1>" in response.text
    assert "<dd>camille@example.org</dd>" in response.text
    assert (
        'Accéder au portail : <a href="http://testserver.local/">http://testserver.local/</a>'
        in response.text
    )
    # The mail's HTML is shown as source, never rendered.
    assert "&lt;p&gt;Bonjour Camille,&lt;/p&gt;" in response.text
    assert "<p>Bonjour Camille,</p>" not in response.text


async def test_a_mail_text_is_escaped(client, mail_templates, smtp_sink):
    await send_test_mail(name="<script>alert(1)</script>")
    [message_id] = smtp_sink.ids

    response = await client.get(f"/dev/mails/{message_id}")

    assert "Bonjour &lt;script&gt;alert(1)&lt;/script&gt;," in response.text
    assert "<script>alert(1)" not in response.text


async def test_ids_that_are_not_sink_file_names_are_not_found(client, smtp_sink):
    for path in (
        "/dev/mails/..%2F..%2Fsecret_key",
        "/dev/mails/..%2Fsecret_key",
        "/dev/mails/secret_key",
        "/dev/mails/1764430000000000000-00000000000000000000000000000000.eml",
    ):
        response = await client.get(path, headers={"accept": "text/html"})
        assert response.status_code == 404, path
