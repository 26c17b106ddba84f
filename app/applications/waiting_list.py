"""The waiting list (liste complémentaire): who moves up when a place is freed.

The list of a programme is its live, unanswered applications whose current decision
is a validated LC with a rank, ordered by rank then application id (eCandidat's order).
"""

from __future__ import annotations

import structlog

from app.applications.deadlines import promotion_override
from app.applications.latest_decision import point_to_decision
from app.applications.lifecycle_base import AuditAction, Change, audit, lock_rows
from app.applications.lifecycle_mail import day, mail_commission, mail_decision
from app.applications.queries import ApplicationView, application_view
from app.clock import now, today
from app.core.actor import Actor
from app.core.codes.applications import Verdict
from app.core.codes.mail import MailCode
from app.db import write_transaction
from app.tables.applications import Application, Decision
from app.tables.catalog import DecisionType, Programme

log = structlog.get_logger(__name__)


# The current decision is the latest one (highest id), kept in
# ``application.current_decision`` (``latest_decision``).
WAITING_LIST = f"""
SELECT a.id FROM application a
JOIN decision d ON d.id = a.current_decision
JOIN decision_type dt ON dt.id = d.decision_type
WHERE a.programme = {{}} AND a.cancelled_at IS NULL AND a.answer IS NULL
  AND d.validated = {{}} AND dt.verdict = '{Verdict.COMPLEMENTARY_LIST.value}'
  AND d.rank IS NOT NULL
ORDER BY d.rank, a.id
"""


async def waiting_list(programme_id: int) -> list[int]:
    """Application ids of the programme's waiting list, first to be promoted first."""
    rows = await Application.raw(WAITING_LIST, programme_id, True)
    return [row["id"] for row in rows]


async def _favourable_type() -> int | None:
    """The decision type a promotion records: the first active favourable one."""
    row = (
        await DecisionType.select(DecisionType.id)
        .where((DecisionType.verdict == Verdict.FAVOURABLE.value) & DecisionType.active.eq(True))
        .order_by(DecisionType.id)
        .first()
    )
    return row["id"] if row else None


async def _promote(application: ApplicationView, decision_type_id: int, actor: Actor) -> Change:
    moment = now()
    decision = Decision(
        application=application.id,
        decision_type=decision_type_id,
        entered_at=moment,
        entered_by=None,
        validated=True,
        validated_at=moment,
        validated_by=None,
    )
    await decision.save()
    await point_to_decision(application.id, decision.id)
    override = promotion_override(
        today=today(),
        delay_days=application.confirmation_delay_days,
        programme_date=application.confirmation_date,
    )
    changes = {Application.answer_reminder_sent_at: None}
    if override is not None:
        changes[Application.confirmation_date_override] = override
    await Application.update(changes).where(Application.id == application.id)
    promoted = await application_view(application.id)
    await audit(
        actor,
        AuditAction.WAITING_LIST_PROMOTED,
        application_id=application.id,
        rank=application.decision.rank if application.decision else None,
    )
    await audit(
        actor,
        AuditAction.DECISION_VALIDATED,
        application_id=application.id,
        entity="decision",
        entity_id=decision.id,
        visible=True,
        verdict=Verdict.FAVOURABLE.value,
        label_fr=promoted.decision.label_fr,
        label_en=promoted.decision.label_en,
    )
    mail_ids = [await mail_decision(promoted)]
    mail_ids += await mail_commission(
        promoted,
        MailCode.COMMISSION_PROMOTION,
        deadline=day(promoted.confirmation_deadline),
        rank="" if application.decision is None else application.decision.rank,
    )
    return Change(application_id=application.id, mail_ids=mail_ids)


async def promote_from_waiting_list(
    programme_id: int, *, actor: Actor | None = None
) -> Change | None:
    """A place was freed: the first of the programme's waiting list gets a validated
    favourable decision. Returns its Change, or None when nobody moves up (no waiting
    list on the programme, an empty list, or no active favourable decision type).

    Check: the programme manages a waiting list. Write (programme row locked, so two
    withdrawals promote two different candidates): a validated Decision of the first
    active FA type; a confirmation-date override when the programme's fixed date leaves
    less than PROMOTION_DELAY_DAYS; the answer reminder re-armed. Audit:
    ``waiting_list_promoted``, ``decision_validated`` (visible). Mails: DECISION_FA to
    the candidate (with the new deadline), COMMISSION_PROMOTION to the commission.
    """
    promoted = await promote_places(programme_id, 1, actor=actor)
    return promoted[0] if promoted else None


async def promote_places(
    programme_id: int, places: int, *, actor: Actor | None = None
) -> list[Change]:
    """``places`` places were freed at once (the automatic withdrawal): as
    :func:`promote_from_waiting_list` that many times, the list read once. Returns one
    Change per promotion (fewer when the list runs out)."""
    actor = actor or Actor.system()
    changes: list[Change] = []
    async with write_transaction():
        await lock_rows(Programme, [programme_id])
        programme = (
            await Programme.select(Programme.waiting_list)
            .where(Programme.id == programme_id)
            .first()
        )
        if places < 1 or programme is None or not programme["waiting_list"]:
            return changes
        ranked = await waiting_list(programme_id)
        if not ranked:
            return changes
        decision_type_id = await _favourable_type()
        if decision_type_id is None:
            log.warning("waiting_list_no_favourable_type", programme_id=programme_id)
            return changes
        for application_id in ranked:
            await lock_rows(Application, [application_id])
            application = await application_view(application_id)
            # Read again under the lock: staff may have just changed this one.
            if _still_waiting(application):
                changes.append(await _promote(application, decision_type_id, actor))
                if len(changes) == places:
                    break
    return changes


def _still_waiting(application: ApplicationView) -> bool:
    current = application.decision
    return (
        application.live
        and application.answer is None
        and current is not None
        and current.validated
        and current.verdict is Verdict.COMPLEMENTARY_LIST
    )
