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
from app.applications import deadlines, list_read_model
from app.applications.views import visible_decision
from app.core.codes.applications import Answer
from app.sql import boolean, one_connection


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


def application_row(row: dict) -> ApplicationRow:
    """A row of ``list_read_model.live_list_rows``."""
    answer = Answer(row["answer"]) if row["answer"] else None
    return ApplicationRow(
        id=row["id"],
        programme_label=row["programme_label"],
        return_deadline=deadlines.return_deadline(
            override=row["return_date_override"], programme_return_date=row["return_date"]
        ),
        processing_type=processing_type_label(row["processing_type"]),
        processing_validated=boolean(row["processing_type_validated"]),
        status=dossier_status_label(row["status"]),
        decision=decision_label(visible_decision(row["decision"])),
        centre_label=row["centre_label"],
        cancelled=row["cancelled_at"] is not None,
        answer=answer_badge(answer, row["answered_by"]),
        withdrawn=answer is Answer.WITHDRAWN,
    )


def who(first_name: str, last_name: str, login: str) -> str:
    """ "CAMILLE DUPONT (T0000012)": the guide's heading of the candidate's pages."""
    return f"{first_name.upper()} {last_name.upper()} ({login})"


@dataclass(frozen=True)
class ListPage:
    who: str
    rows: list[ApplicationRow]


async def list_page(account_id: int) -> ListPage:
    """One query: the live applications (with the account's names and current
    decisions); a second for the names when there is no application."""
    async with one_connection():
        rows = await list_read_model.live_list_rows(account_id)
        # Each row holds this account's names (the select joins it).
        names = rows[0] if rows else await list_read_model.account_names(account_id)
    return ListPage(
        who=who(names["first_name"], names["last_name"], names["login"]) if names else "",
        rows=[application_row(row) for row in rows],
    )
