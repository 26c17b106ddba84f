"""Who the signed-in staff member is: role, scopes, and the password check.

Staff log in with the same piccolo users and passwords as the admin; the profile
(``StaffProfile``) gives the role, the scope tables give the centres or commissions.
Everything is read again on each request, so a role or scope removed in the admin
takes effect at once, not at the next sign-in.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from functools import cache

from piccolo.apps.user.tables import BaseUser

from app.backoffice.staff_members import password_matches
from app.core.codes.staff import StaffRole
from app.tables.backoffice import StaffCentre, StaffCommission, StaffProfile

ALL_CENTRES = frozenset({StaffRole.TECH_ADMIN, StaffRole.CENTRAL_OFFICE})


@dataclass(frozen=True)
class StaffMember:
    user_id: int
    username: str
    display_name: str
    role: StaffRole
    centre_ids: frozenset[int]
    commission_ids: frozenset[int]

    @property
    def sees_all(self) -> bool:
        return self.role in ALL_CENTRES

    @property
    def name(self) -> str:
        return self.display_name or self.username


async def load_staff_member(user_id: int) -> StaffMember | None:
    """The active staff member ``user_id`` with a profile, or None."""
    row = (
        await StaffProfile.select(
            StaffProfile.id,
            StaffProfile.role,
            StaffProfile.display_name,
            StaffProfile.user.username,
        )
        .where((StaffProfile.user == user_id) & StaffProfile.user.active.eq(True))
        .first()
    )
    if row is None:
        return None
    role = StaffRole(row["role"])
    centres = commissions = frozenset()
    if role is StaffRole.CENTRE_MANAGER:
        centres = frozenset(
            r["centre"]
            for r in await StaffCentre.select(StaffCentre.centre).where(
                StaffCentre.staff == row["id"]
            )
        )
    elif role is StaffRole.COMMISSION_MEMBER:
        commissions = frozenset(
            r["commission"]
            for r in await StaffCommission.select(StaffCommission.commission).where(
                StaffCommission.staff == row["id"]
            )
        )
    return StaffMember(
        user_id=user_id,
        username=row["user.username"],
        display_name=row["display_name"],
        role=role,
        centre_ids=centres,
        commission_ids=commissions,
    )


@cache
def _dummy_hash() -> str:
    """A stored hash in piccolo's format, checked when the username is unknown so that
    an unknown and a known username cost the same time."""
    return BaseUser.hash_password("not-a-password", "0" * 32, BaseUser._pbkdf2_iteration_count)


async def authenticate_staff(username: str, password: str) -> int | None:
    """The user id for these credentials, when the user is active and has a profile.

    The PBKDF2 check (~0.3 s) runs in a thread: it must not stall the event loop.
    """
    row = (
        await BaseUser.select(BaseUser.id, BaseUser.password, BaseUser.active)
        .where(BaseUser.username == username.strip())
        .first()
    )
    stored = row["password"] if row else _dummy_hash()
    matches = await asyncio.to_thread(password_matches, stored, password)
    if row is None or not matches or not row["active"]:
        return None
    has_profile = await StaffProfile.exists().where(StaffProfile.user == row["id"])
    return row["id"] if has_profile else None
