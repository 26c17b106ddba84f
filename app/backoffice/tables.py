"""Staff profiles and their scopes. Logins are piccolo's ``BaseUser`` (admin sign-in)."""

from __future__ import annotations

from piccolo.apps.user.tables import BaseUser
from piccolo.columns import ForeignKey, OnDelete, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.constraints import Unique
from piccolo.table import Table

from app.backoffice.codes import StaffRole, StaffTokenPurpose
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


class StaffToken(Table):
    """A staff member's single-use link (activation, new password).

    Its own table, not the candidates' ``AccountToken``: that one belongs to a candidate
    account (foreign key, cascade), a staff login is a piccolo user. Only the SHA-256 of
    the token is kept, so a copy of the database gives no usable link.
    """

    user = ForeignKey(BaseUser, on_delete=OnDelete.cascade, index=True, null=False)
    purpose = Varchar(length=20, choices=StaffTokenPurpose)
    token_hash = Varchar(length=64, unique=True, secret=True)
    created_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz(index=True)
    used_at = Timestamptz(null=True, default=None)

    purpose_check = one_of("purpose", StaffTokenPurpose)
