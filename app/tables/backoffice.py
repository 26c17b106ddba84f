"""Staff profiles and their scopes. Logins are piccolo's ``BaseUser`` (admin sign-in)."""

from __future__ import annotations

from piccolo.apps.user.tables import BaseUser
from piccolo.columns import ForeignKey, OnDelete, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.readable import Readable
from piccolo.constraints import Unique
from piccolo.table import Table

from app.core.code_labels import StaffRoleChoices, StaffTokenPurposeChoices
from app.core.codes.staff import StaffRole, StaffTokenPurpose
from app.db import one_of
from app.tables.catalog import Centre, Commission


class StaffProfile(
    Table,
    help_text="Rôle de chaque personnel ; le périmètre est dans les tables centres et commissions.",
):
    user = ForeignKey(BaseUser, on_delete=OnDelete.cascade, unique=True, null=False)
    role = Varchar(length=12, choices=StaffRoleChoices)
    display_name = Varchar(length=200, default="")

    role_check = one_of("role", StaffRole)

    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s (%s)", columns=[cls.display_name, cls.user.username])


class StaffCentre(Table, help_text="Centres d'un gestionnaire de centre."):
    """A centre manager's scope (one or more centres)."""

    staff = ForeignKey(StaffProfile, on_delete=OnDelete.cascade, index=True, null=False)
    centre = ForeignKey(Centre, on_delete=OnDelete.cascade, index=True, null=False)

    staff_centre_unique = Unique(["staff", "centre"])

    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s — %s", columns=[cls.staff.display_name, cls.centre.label])


class StaffCommission(Table, help_text="Commissions d'un membre de commission."):
    """A commission member's scope."""

    staff = ForeignKey(StaffProfile, on_delete=OnDelete.cascade, index=True, null=False)
    commission = ForeignKey(Commission, on_delete=OnDelete.cascade, index=True, null=False)

    staff_commission_unique = Unique(["staff", "commission"])

    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s — %s", columns=[cls.staff.display_name, cls.commission.label])


class StaffToken(
    Table,
    help_text="Liens à usage unique envoyés aux personnels (activation, nouveau mot de passe).",
):
    """A staff member's single-use link (activation, new password).

    Its own table, not the candidates' ``AccountToken``: that one belongs to a candidate
    account (foreign key, cascade), a staff login is a piccolo user. Only the SHA-256 of
    the token is kept, so a copy of the database gives no usable link.
    """

    user = ForeignKey(BaseUser, on_delete=OnDelete.cascade, index=True, null=False)
    purpose = Varchar(length=20, choices=StaffTokenPurposeChoices)
    token_hash = Varchar(length=64, unique=True, secret=True)
    created_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz(index=True)
    used_at = Timestamptz(null=True, default=None)

    purpose_check = one_of("purpose", StaffTokenPurpose)

    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s (%s)", columns=[cls.purpose, cls.user.username])
