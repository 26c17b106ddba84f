"""The candidate's deadlines for their calendar ("Ajouter mes échéances à mon agenda").

Of the candidate's live applications (cancelled ones are left out, as in "Mes
candidatures"):

- the return date, while the dossier may still change (status AT or IN: not yet
  transmitted, or declared incomplete by the staff);
- the confirmation deadline, once a favourable decision is validated and until the
  candidate answers.

Past deadlines stay in the file (a calendar keeps history); the texts are in the
current language.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from app import clock
from app.applications import queries
from app.core.codes.applications import EDITABLE_DOSSIER
from app.core.i18n import gettext as _
from app.documents.calendar import Deadline, deadlines_calendar
from app.settings import get_settings


def _deadlines(views: list[queries.ApplicationView]) -> list[Deadline]:
    base = get_settings().base_url.rstrip("/")
    host = urlsplit(base).hostname or "ecesure"
    deadlines = []
    for view in views:
        url = f"{base}/candidatures/{view.id}"
        if view.status in EDITABLE_DOSSIER:
            deadlines.append(
                Deadline(
                    uid=f"retour-{view.id}@{host}",
                    day=view.return_deadline,
                    title=_(
                        "Date limite de retour : %(programme)s", programme=view.programme_label
                    ),
                    description=_(
                        "Dernier jour pour déposer vos pièces et transmettre votre candidature à la formation « %(programme)s ».",
                        programme=view.programme_label,
                    ),
                    url=url,
                )
            )
        deadline = view.confirmation_deadline
        if deadline is not None and view.answer is None:
            deadlines.append(
                Deadline(
                    uid=f"confirmation-{view.id}@{host}",
                    day=deadline,
                    title=_(
                        "Date limite de confirmation : %(programme)s",
                        programme=view.programme_label,
                    ),
                    description=_(
                        "Dernier jour pour confirmer votre candidature à la formation « %(programme)s » ou vous en désister.",
                        programme=view.programme_label,
                    ),
                    url=url,
                )
            )
    return deadlines


async def deadlines_file(account_id: int) -> bytes:
    """The .ics of this account's deadlines."""
    views = await queries.applications_of(account_id)
    return deadlines_calendar(
        _deadlines(views),
        name=_("Mes échéances eCésure"),
        stamp=clock.now(),
        reminder=_("Échéance eCésure demain"),
    )
