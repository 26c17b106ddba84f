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

from app.applications.tables import Decision
from app.catalog.tables import Campaign


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
