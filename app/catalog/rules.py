"""Rules on the offer's configuration: dates that must follow each other, one active
campaign, verdicts that stay once used (issue 10, item 4).

The database holds some of them as constraints (``Campaign.dates_check``,
``Programme.window_check``...), whose raw errors tell staff nothing; these functions
say in French which field to correct. Every writer of the configuration (the admin's
validators, a form) calls them with the row as it would be after the write.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from piccolo.table import Table

from app.tables.applications import Decision
from app.tables.catalog import (
    Campaign,
    Centre,
    Commission,
    Programme,
    ProgrammePiece,
    RequiredPiece,
)

REMINDER_DAYS_MAX = 365


@dataclass(frozen=True)
class Violation:
    """A refused value: ``field`` is the column to correct, ``message`` says why in
    French (a sentence without its capital, for the caller to introduce)."""

    field: str
    message: str


def _day(value: datetime.date) -> str:
    return value.strftime("%d/%m/%Y")


def _before(values: Mapping[str, Any], later: str, earlier: str, message: str) -> Violation | None:
    """``later`` must not precede ``earlier`` (either left empty: nothing to compare)."""
    late, early = values.get(later), values.get(earlier)
    if isinstance(late, datetime.date) and isinstance(early, datetime.date) and late < early:
        return Violation(later, message.format(later=_day(late), earlier=_day(early)))
    return None


def campaign_violations(values: Mapping[str, Any]) -> list[Violation]:
    """Date rules of a campaign row (``values``: its columns by name)."""
    found = [
        _before(
            values,
            "end_date",
            "start_date",
            "la fin de la campagne ({later}) précède son début ({earlier}).",
        ),
        _before(
            values,
            "candidate_end_date",
            "start_date",
            "la date limite des candidats ({later}) précède le début de la campagne ({earlier}).",
        ),
    ]
    return [violation for violation in found if violation]


def programme_violations(values: Mapping[str, Any]) -> list[Violation]:
    """Date rules of a programme row: the deposit window, then the return date, the
    jury, the publication and the confirmation, each not before the one it follows."""
    found = [
        _before(
            values,
            "deposit_end",
            "deposit_start",
            "la fin du dépôt des candidatures ({later}) précède son ouverture ({earlier}).",
        ),
        _before(
            values,
            "return_date",
            "deposit_end",
            "la date de retour des dossiers ({later}) précède la fin du dépôt ({earlier}).",
        ),
        _before(
            values,
            "publication_date",
            "jury_date",
            "la publication des résultats ({later}) précède le jury ({earlier}).",
        ),
        _before(
            values,
            "confirmation_date",
            "publication_date",
            "la date limite de confirmation ({later}) précède la publication des "
            "résultats ({earlier}).",
        ),
    ]
    found.extend(_reminder_violations(values))
    if values.get("confirmation_date") and values.get("confirmation_delay_days") is not None:
        found.append(
            Violation(
                "confirmation_delay_days",
                "indiquez une date limite de confirmation ou un délai en jours, pas les deux.",
            )
        )
    return [violation for violation in found if violation]


async def active_campaign_violation(
    values: Mapping[str, Any], *, campaign_id: int | None
) -> Violation | None:
    """Only one campaign is active at a time (the database's partial unique index
    answers a raw error): ``values`` may set ``active`` only when no other campaign is.
    """
    if not values.get("active"):
        return None
    others = Campaign.active.eq(True)
    if campaign_id is not None:
        others &= Campaign.id != campaign_id
    other = await Campaign.select(Campaign.code).where(others).first()
    if other is None:
        return None
    return Violation(
        "active",
        f"la campagne « {other['code']} » est déjà active, et une seule campagne l'est à "
        "la fois : archivez-la ou désactivez-la d'abord.",
    )


async def verdict_violation(
    decision_type_id: int, *, stored_verdict: str, new_verdict: Any
) -> Violation | None:
    """A decision type's verdict is what its decisions meant when they were entered
    (favourable, refusal...): once a decision uses the type, it no longer changes."""
    if new_verdict == stored_verdict:
        return None
    used = await Decision.count().where(Decision.decision_type == decision_type_id)
    if not used:
        return None
    decisions = "une décision l'utilise" if used == 1 else f"{used} décisions l'utilisent"
    return Violation(
        "verdict",
        f"le verdict d'un type de décision ne change plus dès qu'une décision l'utilise "
        f"({decisions}) : créez un autre type de décision.",
    )


def _reminder_violations(values: Mapping[str, Any]) -> list[Violation]:
    """The return-date reminders: 0 to REMINDER_DAYS_MAX days before, the second one
    nearer the date than the first (``app.applications.reminders`` picks the nearest
    due)."""
    first, second = (
        values.get("return_reminder_first_days"),
        values.get("return_reminder_second_days"),
    )
    found = [
        Violation(name, f"indiquez un nombre de jours entre 0 et {REMINDER_DAYS_MAX}, ou rien.")
        for name, days in (
            ("return_reminder_first_days", first),
            ("return_reminder_second_days", second),
        )
        if days is not None and not 0 <= days <= REMINDER_DAYS_MAX
    ]
    if not found and first is not None and second is not None and second >= first:
        found.append(
            Violation(
                "return_reminder_second_days",
                f"le second rappel ({second} jours avant) doit être plus proche de la date de "
                f"retour que le premier ({first} jours avant).",
            )
        )
    return found


# How each configuration row reaches its campaign: the foreign key to follow.
CAMPAIGN_PARENT: dict[type[Table], str] = {
    Centre: "campaign",
    Commission: "centre",
    Programme: "commission",
    RequiredPiece: "campaign",
    ProgrammePiece: "programme",
}


async def campaign_id_of(table: type[Table], row_id: Any) -> int | None:
    """The campaign a configuration row belongs to (a campaign: itself), or None."""
    while table is not Campaign:
        name = CAMPAIGN_PARENT.get(table)
        if name is None or row_id is None:
            return None
        column = table._meta.get_column_by_name(name)
        row = await table.select(column).where(table._meta.primary_key == row_id).first()
        if row is None:
            return None
        row_id, table = row[name], column._foreign_key_meta.resolved_references
    return row_id


async def archived_campaign_violation(
    table: type[Table], *, row_id: Any = None, values: Mapping[str, Any] | None = None
) -> Violation | None:
    """An archived campaign is read-only: its own row and the rows of its offer are
    neither created, changed nor deleted (``row_id``: the stored row; ``values``: the
    row after the write, whose parent may move it into an archived campaign)."""
    campaigns = {await campaign_id_of(table, row_id)} if row_id is not None else set()
    parent = CAMPAIGN_PARENT.get(table)
    if values is not None and parent is not None and values.get(parent) is not None:
        target = table._meta.get_column_by_name(parent)._foreign_key_meta.resolved_references
        campaigns.add(await campaign_id_of(target, values[parent]))
    campaigns.discard(None)
    if not campaigns:
        return None
    archived = (
        await Campaign.select(Campaign.code)
        .where(Campaign.id.is_in(sorted(campaigns)) & Campaign.archived_at.is_not_null())
        .first()
    )
    if archived is None:
        return None
    return Violation(
        parent or "archived_at",
        f"la campagne « {archived['code']} » est archivée : sa configuration se consulte "
        "mais ne se modifie plus.",
    )
