"""Every mail template renders with the preview's sample values, both parts (issue 11
item 6), and every mail sent carries a plain-text part and its HTML alternative."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from jinja2 import meta

from app.core.codes.mail import MailCode
from app.mail.default_templates import TEMPLATES_BY_CODE, default_rows, provided_variables
from app.mail.outbox import mail_environment, render_mail
from app.mail.samples import LANGUAGES, SAMPLE_NAMES, documented_variables, sample_context
from app.mail.sender import build_message
from app.settings import get_settings

ROWS = {(row.code, row.language): row for row in default_rows()}


@pytest.mark.parametrize("code", list(MailCode), ids=str)
def test_every_variable_a_mail_is_given_has_a_sample(code):
    missing = provided_variables(code) - SAMPLE_NAMES
    assert not missing, f"{code}: add a sample to app/mail/samples.py for {sorted(missing)}"


@pytest.mark.parametrize("code", list(TEMPLATES_BY_CODE), ids=str)
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_default_template_uses_only_variables_with_samples(code, language):
    row = ROWS[(code.value, language)]
    for source, html in ((row.subject, False), (row.body_html, True), (row.body_text, False)):
        used = meta.find_undeclared_variables(mail_environment(html=html).parse(source))
        assert used <= set(sample_context(code, language)), f"{code}/{language}: {used}"


@pytest.mark.parametrize("code", list(TEMPLATES_BY_CODE), ids=str)
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_default_template_renders_html_and_text_and_is_sent_as_both(code, language):
    rendered = render_mail(ROWS[(code.value, language)], sample_context(code, language))

    assert rendered.subject.strip() and "{{" not in rendered.subject
    assert "<" in rendered.html and rendered.text.strip()
    assert "<p" not in rendered.text  # the text part is text, not HTML
    message = build_message(
        {
            "id": 1,
            "created_at": datetime(2026, 5, 2, tzinfo=UTC),
            "to_address": "a@example.org",
            "subject": rendered.subject,
            "html": rendered.html,
            "text": rendered.text,
        },
        settings=get_settings(),
    )
    assert message.get_content_type() == "multipart/alternative"
    parts = [part.get_content_type() for part in message.iter_parts()]
    assert parts == ["text/plain", "text/html"]
    # (the MIME part ends with a line break whether or not the text did)
    assert message.get_body(("plain",)).get_content().strip() == rendered.text.strip()


def test_the_variable_list_names_each_documented_variable():
    names = {n for line, _ in documented_variables(MailCode.DECISION_LC) for n in line.split(", ")}
    assert {"base_url", "rank", "deadline", "first_name", "last_name"} <= names
