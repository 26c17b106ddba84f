"""Candidate accounts, dossier numbers and single-use tokens."""

from __future__ import annotations

from piccolo.columns import (
    ForeignKey,
    OnDelete,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.readable import Readable
from piccolo.constraints import Check
from piccolo.table import Table

from app.db import one_of
from app.tables.catalog import Campaign


class CandidateAccount(
    Table, help_text="Compte candidat : l'identifiant est le numéro de dossier à 8 caractères."
):
    """Compte: the login is the 8-character dossier number."""

    campaign = ForeignKey(Campaign, on_delete=OnDelete.restrict, index=True, null=False)
    login = Varchar(length=8, unique=True)
    email = Varchar(length=254, unique=True)  # stored lower-cased: unique ignoring case
    pending_email = Varchar(length=254, null=True, default=None)
    last_name = Varchar(length=100)
    first_name = Varchar(length=100)
    # None for SSO-only. Secret: never read through the admin API (piccolo-api drops
    # secret columns from reads; app.backoffice.secrets refuses them in parameters).
    password_hash = Varchar(length=200, null=True, default=None, secret=True)
    language = Varchar(length=2, default="fr")
    activated_at = Timestamptz(null=True, default=None)
    email_validated_at = Timestamptz(null=True, default=None)
    purge_after = Timestamptz(null=True, default=None, index=True)
    cas_login = Varchar(length=100, null=True, default=None, unique=True)
    student_number = Varchar(length=20, null=True, default=None, unique=True)
    created_at = Timestamptz(default=TimestamptzNow())
    last_login_at = Timestamptz(null=True, default=None)
    retention_warned_at = Timestamptz(
        null=True,
        default=None,
        help_text="Prévenu de la suppression de ses données (campagne archivée) à cette date.",
    )

    login_format = Check("length(login) = 8")
    email_lower = Check("email = lower(email)")
    language_check = one_of("language", ["fr", "en"])

    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s %s (%s)", columns=[cls.last_name, cls.first_name, cls.login])


class DossierNumberHistory(
    Table, help_text="Chaque numéro de dossier émis, pour qu'aucun ne soit réattribué."
):
    """Every dossier number ever issued, so that none is reissued."""

    login = Varchar(length=8, unique=True)
    issued_at = Timestamptz(default=TimestamptzNow())

    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s", columns=[cls.login])


class AccountToken(
    Table,
    help_text="Liens à usage unique envoyés par courriel (activation, mot de passe, adresse).",
):
    """Single-use link: activation, password reset or email change.

    Only the SHA-256 of the token is stored; the mail carries the token itself.
    """

    account = ForeignKey(CandidateAccount, on_delete=OnDelete.cascade, index=True, null=False)
    purpose = Varchar(length=20)
    token_hash = Varchar(length=64, unique=True, secret=True)
    email = Varchar(length=254, null=True, default=None)  # target of an email change
    created_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz(index=True)
    used_at = Timestamptz(null=True, default=None)

    purpose_check = one_of("purpose", ["activation", "reset", "email_change"])

    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s (%s)", columns=[cls.purpose, cls.account.login])
