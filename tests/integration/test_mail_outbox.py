"""Writing mails to the outbox: templates, languages, sandbox, transaction."""

from __future__ import annotations

import pytest
from piccolo.engine import engine_finder

from app.core.codes.mail import MailCode, MailStatus
from app.mail.default_templates import default_rows, install_default_templates
from app.mail.outbox import MailTemplateMissing, html_to_text, queue_mail, unsent_mail_ids
from app.mail.sender import MAX_ATTEMPTS, deliver
from app.tables.mail import MailTemplate, OutboxMail

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


async def failed_mail(mail_id: int) -> OutboxMail:
    """The only outbox row, written failed with no try left and nothing to send."""
    assert await OutboxMail.count() == 1
    mail = await OutboxMail.objects().get(OutboxMail.id == mail_id)
    assert (mail.status, mail.attempts, mail.html, mail.text) == ("failed", MAX_ATTEMPTS, "", "")
    return mail


# A template that fails to render must not fail the change that sends it (issue 8,
# defect 7): the mail is written failed, with the error, for staff to see.


async def test_a_missing_variable_writes_a_failed_mail(mail_templates):
    mail = await failed_mail(await queue_test_mail(context={}))
    assert mail.last_error == (
        "render failed: template dev_test/fr line 1: UndefinedError: 'name' is undefined"
    )
    assert mail.subject == "Message de test eCésure"
    assert mail.to_address == "camille@example.org"


async def test_a_typo_in_an_edited_template_writes_a_failed_mail(mail_templates):
    await edit_template(body_html="<p>Bonjour</p>\n<p>{{ nmae }}</p>")
    mail = await failed_mail(await queue_test_mail())
    assert mail.last_error.endswith("line 2: UndefinedError: 'nmae' is undefined")


async def test_a_broken_edited_template_writes_a_failed_mail(mail_templates):
    await edit_template(subject="Bonjour {{ name ")
    mail = await failed_mail(await queue_test_mail())
    assert "TemplateSyntaxError" in mail.last_error
    assert mail.subject == "Bonjour {{ name"


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
    mail = await failed_mail(await queue_test_mail(context={"name": "Camille", "names": []}))
    assert "SecurityError" in mail.last_error


async def test_a_mail_that_failed_to_render_is_never_sent(mail_templates, smtp_sink):
    await edit_template(body_html="{{ nope }}")
    mail_id = await queue_test_mail()
    assert await deliver(mail_id) == "given-up"
    assert smtp_sink.messages == []
    assert (await failed_mail(mail_id)).status == MailStatus.FAILED.value
    assert await unsent_mail_ids(max_attempts=MAX_ATTEMPTS) == []


async def test_a_long_subject_is_cut_to_its_column(mail_templates):
    await edit_template(subject="Bonjour {{ name }}")
    mail_id = await queue_test_mail(context={"name": "x" * 400})
    mail = await OutboxMail.objects().get(OutboxMail.id == mail_id)
    assert mail.subject == "Bonjour " + "x" * 292


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
