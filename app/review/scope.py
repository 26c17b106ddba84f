"""What a staff member may see and do (DESIGN.md §6).

- technical administrator, central office: every application;
- centre manager: the applications of its centres' programmes;
- commission member: the applications of its commissions' programmes; reads all of
  them, processes pieces and statuses or decides only when its commission allows it.

Every query of the review desk goes through :func:`application_scope`; an application
outside the scope answers 404, as if it did not exist.
"""

from __future__ import annotations

from piccolo.columns.combination import Where, WhereRaw

from app.core.codes.staff import StaffRole
from app.review.identity import StaffMember
from app.tables.applications import Application
from app.tables.catalog import Programme


def application_scope(member: StaffMember) -> Where | WhereRaw:
    """A condition on ``Application`` that keeps the member's applications only."""
    if member.sees_all:
        return WhereRaw("TRUE")
    if member.role is StaffRole.CENTRE_MANAGER:
        return Application.programme.commission.centre.is_in(list(member.centre_ids) or [0])
    if member.role is StaffRole.COMMISSION_MEMBER:
        return Application.programme.commission.is_in(list(member.commission_ids) or [0])
    return WhereRaw("FALSE")


def programme_scope(member: StaffMember) -> Where | WhereRaw:
    """The same rule for programmes (filters, counts, exports)."""
    if member.sees_all:
        return WhereRaw("TRUE")
    if member.role is StaffRole.CENTRE_MANAGER:
        return Programme.commission.centre.is_in(list(member.centre_ids) or [0])
    if member.role is StaffRole.COMMISSION_MEMBER:
        return Programme.commission.is_in(list(member.commission_ids) or [0])
    return WhereRaw("FALSE")


async def application_in_scope(member: StaffMember, application_id: int) -> dict | None:
    """The application's commission settings when the member may see it, else None."""
    return (
        await Application.select(
            Application.id,
            Application.programme.commission.id.as_alias("commission_id"),
            Application.programme.commission.members_process.as_alias("members_process"),
            Application.programme.commission.members_decide.as_alias("members_decide"),
        )
        .where((Application.id == application_id) & application_scope(member))
        .first()
    )


def may_process(member: StaffMember, scoped: dict) -> bool:
    """Pieces, dossier status, processing type, date overrides."""
    if member.role is StaffRole.COMMISSION_MEMBER:
        return bool(scoped["members_process"])
    return True


def may_decide(member: StaffMember, scoped: dict) -> bool:
    """Enter and validate decisions."""
    if member.role is StaffRole.COMMISSION_MEMBER:
        return bool(scoped["members_decide"])
    return True
