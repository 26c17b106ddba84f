"""Staff profiles and their scopes. Logins are piccolo's ``BaseUser`` (admin sign-in)."""

from __future__ import annotations

from piccolo.apps.user.tables import BaseUser
from piccolo.columns import ForeignKey, OnDelete, Varchar
from piccolo.constraints import Unique
from piccolo.table import Table

from app.backoffice.codes import StaffRole
from app.catalog.tables import Centre, Commission
from app.db import one_of


class StaffProfile(Table):
    user = ForeignKey(BaseUser, on_delete=OnDelete.cascade, unique=True, null=False)
    role = Varchar(length=12, choices=StaffRole)
    display_name = Varchar(length=200, default="")

    role_check = one_of("role", StaffRole)


class StaffCentre(Table):
    """A centre manager's scope (one or more centres)."""

    staff = ForeignKey(StaffProfile, on_delete=OnDelete.cascade, index=True, null=False)
    centre = ForeignKey(Centre, on_delete=OnDelete.cascade, index=True, null=False)

    staff_centre_unique = Unique(["staff", "centre"])


class StaffCommission(Table):
    """A commission member's scope."""

    staff = ForeignKey(StaffProfile, on_delete=OnDelete.cascade, index=True, null=False)
    commission = ForeignKey(Commission, on_delete=OnDelete.cascade, index=True, null=False)

    staff_commission_unique = Unique(["staff", "commission"])
