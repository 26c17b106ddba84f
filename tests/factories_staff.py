"""Staff members for the review desk tests: one per role, scoped like the real ones."""

from __future__ import annotations

import itertools
from typing import Any

from app.backoffice.staff_members import upsert_staff_user
from app.core.codes.staff import StaffRole
from app.tables.catalog import Centre, Commission, Programme

STAFF_PASSWORD = "Gestion-ecesure-2026"
_numbers = itertools.count(1)


async def make_staff(
    role: StaffRole,
    *,
    centres: list[Centre | int] = (),
    commissions: list[Commission | int] = (),
    **overrides: Any,
) -> int:
    """A staff member of ``role`` scoped to ``centres`` / ``commissions``; returns the
    piccolo user id. The username is in ``overrides`` or drawn."""
    centre_codes = [await _code(Centre, c) for c in centres]
    commission_codes = [await _code(Commission, c) for c in commissions]
    n = next(_numbers)
    username = overrides.pop("username", f"staff{n}")
    campaign_code = await _campaign_code(centres, commissions)
    result = await upsert_staff_user(
        username=username,
        email=f"{username}@univ.example.fr",
        password=STAFF_PASSWORD,
        role=role,
        centre_codes=centre_codes,
        commission_codes=commission_codes,
        display_name=overrides.pop("display_name", f"Personnel {n}"),
        campaign_code=campaign_code,
    )
    return result.user_id


def _id(row) -> int:
    return row if isinstance(row, int) else row.id


async def _code(table, row) -> str:
    return (await table.select(table.code).where(table.id == _id(row)).first())["code"]


async def _campaign_code(centres, commissions) -> str | None:
    if centres:
        row = await Centre.select(Centre.campaign.code).where(Centre.id == _id(centres[0])).first()
        return row["campaign.code"]
    if commissions:
        row = (
            await Commission.select(Commission.centre.campaign.code)
            .where(Commission.id == _id(commissions[0]))
            .first()
        )
        return row["centre.campaign.code"]
    return None


async def commission_of(programme: Programme) -> Commission:
    return await Commission.objects().where(Commission.id == programme.commission).first()
