"""Defect 7 of issue 8: a broken mail template no longer breaks the portal.

The admin refuses, on save, a template that does not compile, uses a variable its mail
does not provide, or does what the sandbox forbids, and says which part and line; a
template that still fails when a mail is written (a row changed outside the admin)
gives a failed outbox row, and the candidate's action succeeds."""

from __future__ import annotations

import pytest

from app.core.codes.mail import MailCode
from app.core.codes.staff import StaffRole
from app.mail.default_templates import DEFAULT_TEMPLATES, default_rows, provided_variables
from app.mail.sender import MAX_ATTEMPTS
from app.mail.template_check import check_template
from app.tables.accounts import CandidateAccount
from app.tables.mail import MailTemplate, OutboxMail
from tests.factories import make_campaign
from tests.fixtures.web import post_form
from tests.integration.test_accounts_flow import SIGNUP
from tests.integration.test_admin import admin_login, admin_visitor, admin_write, make_user


@pytest.fixture
async def staff(app, mail_templates):
    """The central office, signed in to the admin, with the shipped templates."""
    await make_user("scolarite", role=StaffRole.CENTRAL_OFFICE)
    async with admin_visitor(app) as http:
        assert (await admin_login(http, "scolarite")).status_code == 200
        yield http


async def template_row(code: MailCode = MailCode.ACCOUNT_CREATED, language: str = "fr") -> dict:
    return (
        await MailTemplate.select()
        .where((MailTemplate.code == code.value) & (MailTemplate.language == language))
        .first()
    )


# --- the check itself -----------------------------------------------------------------


def test_every_shipped_template_passes_the_check():
    """Keeps the documented variables and the shipped templates in step."""
    for row in default_rows():
        problem = check_template(
            code=MailCode(row.code),
            subject=row.subject,
            body_html=row.body_html,
            body_text=row.body_text,
        )
        assert problem is None, (row.code, row.language, problem)


def test_the_variables_of_a_mail_are_read_from_its_documentation():
    assert provided_variables(MailCode.ACCOUNT_CREATED) == {
        "base_url",
        "first_name",
        "last_name",
        "login",
        "campaign",
        "activation_url",
        "purge_date",
    }
    assert {"commission_email", "commission_address", "application_id"} <= provided_variables(
        MailCode.APPLICATION_CREATED
    )
    assert {template.code for template in DEFAULT_TEMPLATES} >= {MailCode.DEV_TEST}


@pytest.mark.parametrize(
    ("source", "line", "message"),
    [
        ("{% if %}", 1, "erreur de syntaxe"),
        ("<p>a</p>\n<p>{% for x in %}</p>", 2, "erreur de syntaxe"),
        ("<p>{{ login }}</p>\n\n<p>{{ nope }}</p>", 3, "la variable « nope » n'est pas fournie"),
        ("{% set a = 1 %}{{ a }}\n{{ reset_url }}", 2, "« reset_url »"),
        ("{{ login|nofilter }}", 1, "erreur de syntaxe"),
        ("\n{{ login.__class__ }}", 2, "opération interdite"),
        ("{{ ''.__class__.__mro__ }}", 1, "opération interdite"),
        ("{{ login.upper.__globals__ }}", 1, "erreur au rendu"),
    ],
)
def test_a_broken_part_is_found_with_its_line(source, line, message):
    problem = check_template(
        code=MailCode.ACCOUNT_CREATED, subject="Sujet", body_html=source, body_text=""
    )
    assert problem is not None
    assert (problem.part, problem.line) == ("body_html", line)
    assert message in problem.message


def test_loop_and_set_names_are_the_template_own():
    source = "{% for c in login %}{{ c }}{% endfor %}{% set n = first_name %}{{ n }}"
    assert (
        check_template(
            code=MailCode.ACCOUNT_CREATED, subject=source, body_html=source, body_text=source
        )
        is None
    )


# --- the admin refuses it on save -----------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {"body_html": "{% if %}"},
            "Modèle refusé : « Corps (HTML) », ligne 1 : erreur de syntaxe",
        ),
        (
            {"body_html": "<p>Bonjour</p>\n<p>{{ nope }}</p>"},
            "Modèle refusé : « Corps (HTML) », ligne 2 : la variable « nope » n'est pas fournie à "
            "ce courriel (variables disponibles : activation_url, base_url, campaign, "
            "first_name, last_name, login, purge_date).",
        ),
        ({"subject": "Compte {{ login"}, "Modèle refusé : « Objet », ligne 1 : erreur"),
        ({"body_text": "a\nb\n{{ reset_url }}"}, "« Corps (texte) », ligne 3 : la variable"),
        ({"body_html": "{{ login.__class__ }}"}, "ligne 1 : opération interdite"),
    ],
)
async def test_the_admin_refuses_a_broken_template_with_its_line(staff, changes, expected):
    before = await template_row()
    response = await admin_write(staff, "PATCH", f"mail_template/{before['id']}/", changes)
    assert response.status_code == 405
    assert expected in response.json()["detail"]
    assert await template_row() == before


async def test_the_whole_edit_form_is_checked_too(staff):
    """The admin's form sends every field back (PUT-like PATCH with all columns)."""
    before = await template_row(language="en")
    form = (await staff.get(f"/admin/api/tables/mail_template/{before['id']}/")).json()
    form.pop("id")
    form["body_html"] = "<p>{{ first_name }} {{ nope }}</p>"
    response = await admin_write(staff, "PATCH", f"mail_template/{before['id']}/", form)
    assert response.status_code == 405
    assert "« nope »" in response.json()["detail"]
    put = await admin_write(staff, "PUT", f"mail_template/{before['id']}/", form)
    assert put.status_code == 405
    assert await template_row(language="en") == before


async def test_a_good_edit_is_saved(staff):
    before = await template_row()
    body = "<p>{{ first_name }}, activez : {{ activation_url }} avant le {{ purge_date }}</p>"
    response = await admin_write(
        staff, "PATCH", f"mail_template/{before['id']}/", {"body_html": body}
    )
    assert response.status_code == 200, response.text
    assert (await template_row())["body_html"] == body


async def test_templates_are_neither_added_deleted_nor_moved_to_another_code(staff):
    before = await template_row()
    moved = await admin_write(
        staff, "PATCH", f"mail_template/{before['id']}/", {"code": "password_reset"}
    )
    assert moved.status_code == 405
    documented = await admin_write(
        staff, "PATCH", f"mail_template/{before['id']}/", {"variables": "nope : rien"}
    )
    assert documented.status_code == 405
    deleted = await admin_write(staff, "DELETE", f"mail_template/{before['id']}/")
    assert deleted.status_code == 405
    created = await admin_write(
        staff,
        "POST",
        "mail_template/",
        {"code": "dev_test", "language": "fr", "subject": "x", "body_html": "x"},
    )
    assert created.status_code == 405
    assert await template_row() == before


# --- a template broken anyway: the mail fails, the sign-up does not -------------------


async def test_sign_up_succeeds_when_its_template_is_broken(client, mail_templates, smtp_sink):
    await make_campaign(active=True)
    await MailTemplate.update({MailTemplate.body_html: "<p>{% if %}</p>"}).where(
        MailTemplate.code == MailCode.ACCOUNT_CREATED.value
    )
    response = await post_form(client, "/compte/creer", SIGNUP)
    assert response.status_code == 303
    assert response.headers["location"] == "/compte/cree"
    account = await CandidateAccount.objects().first()
    assert account.email == "lea.dupont@example.fr"
    [mail] = await OutboxMail.select().where(OutboxMail.account == account.id)
    assert (mail["status"], mail["attempts"], mail["to_address"]) == (
        "failed",
        MAX_ATTEMPTS,
        "lea.dupont@example.fr",
    )
    assert mail["last_error"].startswith("render failed: template account_created/fr line 1:")
    assert "TemplateSyntaxError" in mail["last_error"]


async def test_sign_up_succeeds_when_its_template_uses_an_unknown_variable(
    client, mail_templates, run_worker, smtp_sink
):
    await make_campaign(active=True)
    await MailTemplate.update({MailTemplate.body_html: "<p>\n{{ nope }}</p>"}).where(
        MailTemplate.code == MailCode.ACCOUNT_CREATED.value
    )
    response = await post_form(client, "/compte/creer", SIGNUP)
    assert response.status_code == 303
    [mail] = await OutboxMail.select()
    assert mail["status"] == "failed"
    assert mail["last_error"].endswith("line 2: UndefinedError: 'nope' is undefined")
    await run_worker()
    assert smtp_sink.messages == []
    assert (await OutboxMail.select(OutboxMail.status).first())["status"] == "failed"
