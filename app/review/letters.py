"""All the letters of one programme, for its commission to print (issue 12, item 4).

Scoped exactly like the queue: a programme outside the member's scope does not exist
(404), and only the applications the member may see are included. The letters are
those the candidates themselves may download now (see :func:`letter_kind`), sorted by
name, each with its own verification code.
"""

from __future__ import annotations

from app.applications import queries
from app.documents.letters import Letter, letters_for
from app.review.identity import StaffMember
from app.review.scope import application_scope, programme_scope
from app.tables.applications import Application
from app.tables.catalog import Programme


async def programme_letters(member: StaffMember, programme_id: int) -> list[Letter] | None:
    """The programme's letters, or None when the programme is not in scope."""
    found = await Programme.select(Programme.id).where(
        (Programme.id == programme_id) & programme_scope(member)
    )
    if not found:
        return None
    rows = await Application.select(Application.id).where(
        (Application.programme == programme_id)
        & Application.cancelled_at.is_null()
        & application_scope(member)
    )
    views = await queries.application_views(row["id"] for row in rows)
    views.sort(key=lambda v: (v.last_name.upper(), v.first_name.upper(), v.id))
    return await letters_for(views)
