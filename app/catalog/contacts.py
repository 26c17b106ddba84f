"""Whom a candidate writes to about a programme: its commission's address, email and
phone, each falling back to the centre's when the commission has none. The application
summary, its PDF and the error pages about a programme (closed window, file too large,
programme not offered) all show this one contact."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from app.tables.catalog import Programme


@dataclass(frozen=True)
class Contact:
    lines: tuple[str, ...]
    """Postal address, one line each (street lines, then postal code and city)."""
    email: str
    phone: str


def _address(lines: str | None, postal_code: str | None, city: str | None) -> list[str]:
    place = " ".join(part for part in (postal_code, city) if part)
    return [line.strip() for line in [*(lines or "").splitlines(), place] if line.strip()]


async def programme_contact(programme_id: int) -> Contact | None:
    """The contact of ``programme_id``, or None when there is no such programme."""
    commission, centre = Programme.commission, Programme.commission.centre
    row = (
        await Programme.select(
            commission.address_lines.as_alias("commission_lines"),
            commission.postal_code.as_alias("commission_postal_code"),
            commission.city.as_alias("commission_city"),
            commission.email.as_alias("commission_email"),
            commission.phone.as_alias("commission_phone"),
            centre.address_lines.as_alias("centre_lines"),
            centre.postal_code.as_alias("centre_postal_code"),
            centre.city.as_alias("centre_city"),
            centre.contact_email.as_alias("centre_email"),
            centre.contact_phone.as_alias("centre_phone"),
        )
        .where(Programme.id == programme_id)
        .first()
    )
    return None if row is None else contact_from(row)


def contact_from(row: Mapping) -> Contact:
    """The contact from the commission's and the centre's details already read (the
    aliases of :func:`programme_contact`; the application read model has them too)."""
    lines = _address(
        row["commission_lines"], row["commission_postal_code"], row["commission_city"]
    ) or _address(row["centre_lines"], row["centre_postal_code"], row["centre_city"])
    return Contact(
        lines=tuple(lines),
        email=row["commission_email"] or row["centre_email"] or "",
        phone=row["commission_phone"] or row["centre_phone"] or "",
    )
