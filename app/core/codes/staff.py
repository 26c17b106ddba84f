"""Staff roles (DESIGN.md §6)."""

from __future__ import annotations

from enum import StrEnum


class StaffRole(StrEnum):
    TECH_ADMIN = "admin"  # administrateur technique
    CENTRAL_OFFICE = "central"  # scolarité centrale
    CENTRE_MANAGER = "centre"  # gestionnaire de centre
    COMMISSION_MEMBER = "commission"  # membre de commission


class StaffTokenPurpose(StrEnum):
    """What a staff member's single-use link is for (app.backoffice.staff_links)."""

    ACTIVATION = "activation"  # first password of an account created in the admin
    RESET = "reset"  # a new password, sent by the central office
