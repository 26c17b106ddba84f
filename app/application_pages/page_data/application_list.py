"""The candidate's "Mes candidatures" table. Never another candidate's rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.application_pages.page_data.labels import (
    answer_badge,
    decision_label,
    dossier_status_label,
    processing_type_label,
)
from app.applications import queries, read_model
from app.applications.queries import ApplicationView
from app.core.codes.applications import Answer
from app.sql import one_connection


@dataclass(frozen=True)
class ApplicationRow:
    id: int
    programme_label: str
    return_deadline: date
    processing_type: str
    processing_validated: bool
    status: str
    decision: str
    centre_label: str
    cancelled: bool
    answer: str = ""
    """ "Désistement", "Désistement automatique", "Confirmée" or "" (no answer)."""
    withdrawn: bool = False


def application_row(view: ApplicationView) -> ApplicationRow:
    return ApplicationRow(
        id=view.id,
        programme_label=view.programme_label,
        return_deadline=view.return_deadline,
        processing_type=processing_type_label(view.processing_type),
        processing_validated=view.processing_type_validated,
        status=dossier_status_label(view.status),
        decision=decision_label(view.visible_decision),
        centre_label=view.centre_label,
        cancelled=view.cancelled_at is not None,
        answer=answer_badge(view),
        withdrawn=view.answer is Answer.WITHDRAWN,
    )


def who(first_name: str, last_name: str, login: str) -> str:
    """ "CAMILLE DUPONT (T0000012)": the guide's heading of the candidate's pages."""
    return f"{first_name.upper()} {last_name.upper()} ({login})"


@dataclass(frozen=True)
class ListPage:
    who: str
    rows: list[ApplicationRow]


async def list_page(account_id: int) -> ListPage:
    """One query: the applications (with the account's names and current decisions); a
    second for the names when there is no application."""
    async with one_connection():
        views = await queries.applications_of(account_id)
        # Each row holds this account's names (the select joins it).
        names = vars(views[0]) if views else await read_model.account_names(account_id)
    return ListPage(
        who=who(names["first_name"], names["last_name"], names["login"]) if names else "",
        rows=[application_row(view) for view in views],
    )
