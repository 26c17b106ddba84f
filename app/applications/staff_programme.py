"""Staff validate every entered decision of a programme at once (the central office's
"valider toutes les décisions de la formation").

One :func:`app.applications.staff_decisions.validate_decision` per application, each in its own
transaction, as the review desk's bulk actions do: every decision gets its own audit
event and its candidate their mail; a decision that cannot be validated (cancelled,
answered, a newer one entered meanwhile) is counted and the others go on.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.applications.lifecycle_base import LifecycleRefused, Refusal, refuse, require_staff
from app.applications.staff_decisions import validate_decision
from app.core.actor import Actor
from app.tables.applications import Decision
from app.tables.catalog import Programme


@dataclass
class ProgrammeValidation:
    programme_id: int
    validated: list[int] = field(default_factory=list)
    """Applications whose decision was validated."""
    refused: list[int] = field(default_factory=list)
    """Applications whose entered decision a rule kept (cancelled, answered...)."""
    mail_ids: list[int] = field(default_factory=list)
    """To enqueue after the call (each validation committed on its own)."""


async def entered_decisions(programme_id: int) -> list[tuple[int, int]]:
    """(decision id, application id) of the programme's current decisions that are entered, not validated,
    on live applications without an answer, by application."""
    rows = (
        await Decision.select(Decision.id, Decision.application, Decision.validated)
        .where(
            (Decision.application.programme == programme_id)
            & Decision.application.cancelled_at.is_null()
            & Decision.application.answer.is_null()
        )
        .order_by(Decision.application)
        .order_by(Decision.id)
    )
    latest: dict[int, dict] = {}
    for row in rows:
        latest[row["application"]] = row  # ordered by id: the last one is the current
    return [(row["id"], app_id) for app_id, row in latest.items() if not row["validated"]]


async def validate_programme_decisions(*, programme_id: int, actor: Actor) -> ProgrammeValidation:
    """Validate each entered (current, not validated) decision of the programme.

    Check: staff actor, the programme exists (NOT_FOUND otherwise). Then per decision,
    :func:`validate_decision`'s own check, compare-and-set write, ``decision_validated``
    audit event and DECISION_<verdict> mail. Returns what was done; the caller enqueues
    ``mail_ids``.
    """
    require_staff(actor)
    if not await Programme.exists().where(Programme.id == programme_id):
        raise refuse(Refusal.NOT_FOUND)
    result = ProgrammeValidation(programme_id)
    for decision_id, application_id in await entered_decisions(programme_id):
        try:
            change = await validate_decision(decision_id=decision_id, actor=actor)
        except LifecycleRefused:
            result.refused.append(application_id)
            continue
        result.validated.append(application_id)
        result.mail_ids.extend(change.mail_ids)
    return result
