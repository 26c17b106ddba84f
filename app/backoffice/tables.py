"""Staff profiles and their scopes. Logins are piccolo's ``BaseUser`` (admin sign-in)."""

from __future__ import annotations

from piccolo.apps.user.tables import BaseUser
from piccolo.columns import ForeignKey, OnDelete, Varchar
from piccolo.columns.readable import Readable
from piccolo.constraints import Unique
from piccolo.table import Table

from app.backoffice.codes import StaffRole
from app.catalog.tables import Centre, Commission
from app.code_labels import StaffRoleChoices
from app.db import one_of


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
