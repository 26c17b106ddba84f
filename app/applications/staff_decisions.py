"""Staff decisions on an application: entered (unseen by the candidate), then validated.

The back office and the review desk (``/staff/``) call these, having scoped the staff
member to the application's centre; a candidate actor is refused as NOT_FOUND.
"""

from __future__ import annotations

from app.applications.latest_decision import point_to_decision
from app.applications.lifecycle_base import (
    AuditAction,
    Change,
    Refusal,
    audit,
    load_for_change,
    refuse,
    require_staff,
)
from app.applications.lifecycle_mail import mail_decision
from app.applications.queries import application_view
from app.clock import now
from app.core.actor import Actor
from app.core.codes.applications import DossierStatus, Verdict
from app.db import write_transaction
from app.tables.applications import Application, Decision
from app.tables.catalog import DecisionType, RefusalReason

DECISION_COMMENT_MAX = 1000  # eCandidat's limit
DECIDED_STATUSES = frozenset(
    {DossierStatus.RECEIVED, DossierStatus.INCOMPLETE, DossierStatus.COMPLETE}
)


async def _check_decision_input(
    verdict: Verdict, *, refusal_reason_id: int | None, rank: int | None, comment: str
) -> None:
    if len(comment) > DECISION_COMMENT_MAX:
        raise refuse(Refusal.INVALID)
    # A rank places an LC on the waiting list; it means nothing for another verdict.
    if verdict is Verdict.COMPLEMENTARY_LIST:
        if not isinstance(rank, int) or rank < 1:
            raise refuse(Refusal.INVALID)
    elif rank is not None:
        raise refuse(Refusal.INVALID)
    if refusal_reason_id is not None:
        reason = await RefusalReason.exists().where(
            (RefusalReason.id == refusal_reason_id) & RefusalReason.active.eq(True)
        )
        if verdict is not Verdict.UNFAVOURABLE or not reason:
            raise refuse(Refusal.INVALID)


async def enter_decision(
    *,
    application_id: int,
    decision_type_id: int,
    comment: str = "",
    refusal_reason_id: int | None = None,
    rank: int | None = None,
    actor: Actor,
) -> int:
    """Staff enter a decision; the candidate does not see it until it is validated.
    Returns the decision's id.

    Check: staff actor, application live, received (RE, IN or CO), not answered; an
    active decision type; a rank (≥ 1) for an LC and only for it; a refusal reason
    (active) only for a DE; comment at most 1000 characters. Write: a new Decision,
    not validated (it becomes the current one). Audit: ``decision_entered``. Mail: none.
    """
    require_staff(actor)
    comment = comment.strip()
    async with write_transaction():
        application = await load_for_change(application_id, actor)
        if (
            not application.live
            or application.answer is not None
            or application.status not in DECIDED_STATUSES
        ):
            raise refuse(Refusal.INVALID)
        decision_type = (
            await DecisionType.select(DecisionType.verdict, DecisionType.code)
            .where((DecisionType.id == decision_type_id) & DecisionType.active.eq(True))
            .first()
        )
        if decision_type is None:
            raise refuse(Refusal.INVALID)
        verdict = Verdict(decision_type["verdict"])
        await _check_decision_input(
            verdict, refusal_reason_id=refusal_reason_id, rank=rank, comment=comment
        )
        decision = Decision(
            application=application_id,
            decision_type=decision_type_id,
            refusal_reason=refusal_reason_id,
            comment=comment,
            rank=rank,
            entered_at=now(),
            entered_by=actor.id,
            validated=False,
        )
        await decision.save()
        await point_to_decision(application_id, decision.id)
        await audit(
            actor,
            AuditAction.DECISION_ENTERED,
            application_id=application_id,
            entity="decision",
            entity_id=decision.id,
            verdict=verdict.value,
            code=decision_type["code"],
        )
    return decision.id


async def validate_decision(*, decision_id: int, actor: Actor) -> Change:
    """Staff validate the current decision: the candidate sees it and is told.

    Check: staff actor, the decision exists and is the application's current (latest)
    one, not yet validated, the application live and not answered. Write:
    compare-and-set ``validated WHERE validated is false``; a favourable one re-arms the
    answer reminder. Audit: ``decision_validated`` (visible). Mail: DECISION_<verdict>
    (label, shown comment, refusal reason, rank, confirmation deadline).
    """
    require_staff(actor)
    async with write_transaction():
        row = await Decision.select(Decision.application).where(Decision.id == decision_id).first()
        if row is None:
            raise refuse(Refusal.NOT_FOUND)
        application = await load_for_change(row["application"], actor)
        current = application.decision
        if (
            current is None
            or current.id != decision_id
            or current.validated
            or not application.live
            or application.answer is not None
        ):
            raise refuse(Refusal.INVALID)
        won = (
            await Decision.update(
                {
                    Decision.validated: True,
                    Decision.validated_at: now(),
                    Decision.validated_by: actor.id,
                }
            )
            .where((Decision.id == decision_id) & Decision.validated.eq(False))
            .returning(Decision.id)
        )
        if not won:
            raise refuse(Refusal.INVALID)
        if current.verdict is Verdict.FAVOURABLE:
            await Application.update({Application.answer_reminder_sent_at: None}).where(
                Application.id == application.id
            )
        await audit(
            actor,
            AuditAction.DECISION_VALIDATED,
            application_id=application.id,
            entity="decision",
            entity_id=decision_id,
            visible=True,
            verdict=current.verdict.value,
            label_fr=current.label_fr,
            label_en=current.label_en,
        )
        mail_id = await mail_decision(await application_view(application.id))
    return Change(application_id=application.id, mail_ids=[mail_id])
