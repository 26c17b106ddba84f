"""Writing mails to the outbox: templates, languages, sandbox, transaction."""

from __future__ import annotations

import pytest
from jinja2.exceptions import SecurityError, TemplateSyntaxError, UndefinedError
from piccolo.engine import engine_finder

from app.mail.codes import MailCode, MailStatus
from app.mail.default_templates import default_rows, install_default_templates
from app.mail.outbox import MailTemplateMissing, html_to_text, queue_mail
from app.mail.tables import MailTemplate, OutboxMail

FRENCH_TEXT = (
    "Bonjour Camille,\n\n"
    "Ce message de test confirme que l'envoi des courriels d'eCésure fonctionne.\n\n"
    "Accéder au portail : http://testserver.local/\n\n"
    "— L'équipe eCésure\n"
)


async def queue_test_mail(**overrides) -> int:
    defaults = {
        "to": "camille@example.org",
        "code": MailCode.DEV_TEST,
        "context": {"name": "Camille"},
    }
    return await queue_mail(**{**defaults, **overrides})


async def edit_template(language: str = "fr", **values) -> None:
    await MailTemplate.update(values).where(
        (MailTemplate.code == MailCode.DEV_TEST.value) & (MailTemplate.language == language)
    )


async def test_queue_mail_renders_the_french_template(mail_templates):
    mail_id = await queue_test_mail()

    mail = await OutboxMail.objects().get(OutboxMail.id == mail_id)
    assert mail.to_address == "camille@example.org"
    assert mail.subject == "Message de test eCésure"
    assert mail.template_code == "dev_test"
    assert mail.status == MailStatus.QUEUED
    assert mail.attempts == 0
    assert mail.sent_at is None
    assert "<p>Bonjour Camille,</p>" in mail.html
    assert '<a href="http://testserver.local/">http://testserver.local/</a>' in mail.html
    assert mail.text == FRENCH_TEXT


async def test_queue_mail_renders_the_english_template(mail_templates):
    mail = await OutboxMail.objects().get(OutboxMail.id == await queue_test_mail(language="en"))
    assert mail.subject == "eCésure test message"
    assert mail.text.startswith("Hello Camille,\n\nThis test message confirms")


@pytest.mark.parametrize("language", ["en", "de"])
async def test_queue_mail_falls_back_to_french(mail_templates, language):
    await MailTemplate.delete().where(MailTemplate.language == "en")
    mail = await OutboxMail.objects().get(OutboxMail.id == await queue_test_mail(language=language))
    assert mail.subject == "Message de test eCésure"
    assert mail.text == FRENCH_TEXT


async def test_queue_mail_without_any_template_fails_and_writes_nothing():
    with pytest.raises(MailTemplateMissing):
        await queue_test_mail()
    assert await OutboxMail.count() == 0


async def test_variables_are_escaped_in_html_and_literal_in_text(mail_templates):
    mail = await OutboxMail.objects().get(
        OutboxMail.id == await queue_test_mail(context={"name": "<b>Léa & Co</b>"})
    )
    assert "<p>Bonjour &lt;b&gt;Léa &amp; Co&lt;/b&gt;,</p>" in mail.html
    assert mail.text.startswith("Bonjour <b>Léa & Co</b>,\n")


async def test_a_missing_variable_fails_loudly_and_writes_nothing(mail_templates):
    with pytest.raises(UndefinedError, match="'name' is undefined"):
        await queue_test_mail(context={})
    assert await OutboxMail.count() == 0


async def test_a_typo_in_an_edited_template_fails_loudly(mail_templates):
    await edit_template(body_html="<p>Bonjour {{ nmae }}</p>")
    with pytest.raises(UndefinedError, match="'nmae' is undefined"):
        await queue_test_mail()
    assert await OutboxMail.count() == 0


async def test_a_broken_edited_template_fails_loudly(mail_templates):
    await edit_template(subject="Bonjour {{ name ")
    with pytest.raises(TemplateSyntaxError):
        await queue_test_mail()
    assert await OutboxMail.count() == 0


@pytest.mark.parametrize(
    "body",
    [
        "{{ ''.__class__ }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ name.__init__.__globals__ }}",
        "{{ names.append('x') }}",
    ],
)
async def test_the_sandbox_blocks_attribute_tricks(mail_templates, body):
    await edit_template(body_html=body)
    with pytest.raises(SecurityError):
        await queue_test_mail(context={"name": "Camille", "names": []})
    assert await OutboxMail.count() == 0


async def test_an_edited_text_part_is_used_as_is(mail_templates):
    await edit_template(body_text="Bonjour {{ name }} : {{ base_url }}/")
    mail = await OutboxMail.objects().get(OutboxMail.id == await queue_test_mail())
    assert mail.text == "Bonjour Camille : http://testserver.local/"


async def test_a_subject_stays_on_one_line(mail_templates):
    await edit_template(subject="Bonjour\n  {{ name }}\r\nBcc: x@example.org")
    mail = await OutboxMail.objects().get(OutboxMail.id == await queue_test_mail())
    assert mail.subject == "Bonjour Camille Bcc: x@example.org"


@pytest.mark.parametrize("to", ["camille", "a@example.org\r\nBcc: b@example.org", "a@x.fr, b@y.fr"])
async def test_queue_mail_refuses_what_is_not_one_address(mail_templates, to):
    with pytest.raises(ValueError, match="not a single mail address"):
        await queue_test_mail(to=to)
    assert await OutboxMail.count() == 0


async def test_the_mail_is_rolled_back_with_the_change_that_caused_it(mail_templates):
    with pytest.raises(RuntimeError, match="the change failed"):
        async with engine_finder().transaction():
            await queue_test_mail()
            raise RuntimeError("the change failed")
    assert await OutboxMail.count() == 0

    async with engine_finder().transaction():
        mail_id = await queue_test_mail()
    assert await OutboxMail.exists().where(OutboxMail.id == mail_id)


async def test_installing_default_templates_is_idempotent_and_keeps_staff_edits():
    shipped = default_rows()
    assert await install_default_templates() == len(shipped)
    codes = {row.code for row in shipped}
    assert {(row.code, row.language) for row in shipped} == {
        (code, language) for code in codes for language in ("fr", "en")
    }  # every shipped mail exists in French and English
    await edit_template(subject="Sujet modifié par la scolarité")
    assert await install_default_templates() == 0

    rows = (
        await MailTemplate.select(MailTemplate.language, MailTemplate.subject)
        .where(MailTemplate.code == MailCode.DEV_TEST.value)
        .order_by(MailTemplate.language)
    )
    assert rows == [
        {"language": "en", "subject": "eCésure test message"},
        {"language": "fr", "subject": "Sujet modifié par la scolarité"},
    ]
    variables = (
        await MailTemplate.select(MailTemplate.variables)
        .where(MailTemplate.code == MailCode.DEV_TEST.value)
        .first()
    )
    assert "base_url :" in variables["variables"]
    assert "name : nom du destinataire." in variables["variables"]


def test_text_from_html_writes_links_after_their_label():
    html = (
        "<html><head><style>p { color: red }</style></head><body>"
        "<p>Voir   <a href='https://x.fr/dossier'>votre dossier</a>.</p>"
        "<ul><li>un</li><li>deux<br>suite</li></ul></body></html>"
    )
    assert (
        html_to_text(html) == "Voir votre dossier (https://x.fr/dossier).\n\n- un\n- deux\nsuite\n"
    )
