"""Mail templates and the outbox."""

from __future__ import annotations

from piccolo.columns import (
    ForeignKey,
    Integer,
    OnDelete,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.readable import Readable
from piccolo.constraints import Unique
from piccolo.table import Table

from app.core.code_labels import MailCodeChoices, MailStatusChoices
from app.core.codes.mail import MailStatus
from app.db import one_of
from app.tables.accounts import CandidateAccount
from app.tables.applications import Application


class MailTemplate(Table, help_text="Objet et corps de chaque courriel, par langue."):
    """Subject and body (sandboxed Jinja) of one mail code in one language."""

    code = Varchar(length=40, choices=MailCodeChoices)
    language = Varchar(length=2, default="fr")
    subject = Varchar(length=300)
    body_html = Text()
    body_text = Text(default="")
    variables = Text(
        default="", help_text="Les variables utilisables dans l'objet et le corps."
    )  # documentation of the variables staff may use
    updated_at = Timestamptz(default=TimestamptzNow())

    mail_template_code_language_unique = Unique(["code", "language"])
    language_check = one_of("language", ["fr", "en"])

    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s (%s)", columns=[cls.subject, cls.language])


class OutboxMail(Table, help_text="Chaque courriel envoyé ou à envoyer par l'application."):
    """Every mail is a row, written in the transaction that causes it."""

    to_address = Varchar(length=254)
    subject = Varchar(length=300)
    # Secret: the bodies carry single-use links (activation, reset, email change) with
    # the token itself, which the database otherwise only holds hashed.
    html = Text(secret=True)
    text = Text(secret=True)
    template_code = Varchar(length=40, index=True)
    account = ForeignKey(CandidateAccount, null=True, on_delete=OnDelete.set_null, index=True)
    application = ForeignKey(Application, null=True, on_delete=OnDelete.set_null, index=True)
    status = Varchar(
        length=10, choices=MailStatusChoices, default=MailStatus.QUEUED.value, index=True
    )
    attempts = Integer(default=0, help_text="Nombre de tentatives d'envoi.")
    last_error = Text(default="", help_text="Dernière erreur du serveur de courrier.")
    created_at = Timestamptz(default=TimestamptzNow())
    sending_since = Timestamptz(null=True, default=None)
    sent_at = Timestamptz(null=True, default=None)

    status_check = one_of("status", MailStatus)

    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s → %s", columns=[cls.subject, cls.to_address])
