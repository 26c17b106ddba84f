"""The contact shown on a page about one of the candidate's applications when the page
is not its summary (the upload refused as too large)."""

from __future__ import annotations

from app.catalog.contacts import Contact, programme_contact
from app.tables.applications import Application


async def application_contact(account_id: int, application_id: int) -> Contact | None:
    """The contact of the programme of ``account_id``'s application ``application_id``;
    None when that application is not theirs."""
    row = (
        await Application.select(Application.programme)
        .where((Application.id == application_id) & (Application.candidate.account == account_id))
        .first()
    )
    return await programme_contact(row["programme"]) if row else None
