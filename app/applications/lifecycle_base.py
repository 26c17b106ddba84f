"""What every lifecycle function shares: who acts, what comes back, why a change is
refused, the audit actions, and the load-and-lock step that starts each change.

Concurrency (DESIGN.md §4): every change runs in ``app.db.write_transaction()``.

- SQLite: that transaction is ``BEGIN IMMEDIATE``, so writers run one at a time and
  a check made inside the transaction still holds at its write.
- PostgreSQL (READ COMMITTED): the change first locks the rows it depends on with
  ``SELECT ... FOR UPDATE``, then reads them: a concurrent change of the same
  application waits for the lock and then reads the committed state. A change that may
  reach several of a candidate's applications (apply, submit_piece) locks the
  candidate row first, so two of them never hold one application each while waiting
  for the other's; the waiting list locks the programme row. The writes are
  compare-and-set updates (``WHERE status IN (...)``, ``WHERE superseded_at IS NULL``)
  whose affected rows are checked, so a change whose premise vanished writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from piccolo.table import Table

from app.applications.queries import ApplicationView, application_view
from app.audit import record_event
from app.core.actor import Actor
from app.core.codes.applications import ActorKind
from app.db import on_postgres
from app.refused import Refused
from app.tables.applications import Application
from app.tables.dossier import Candidate


@dataclass
class Change:
    """What a change did; the caller enqueues ``mail_ids`` after commit
    (``app.mail.outbox.enqueue_mails``)."""

    application_id: int
    mail_ids: list[int] = field(default_factory=list)


class Refusal(StrEnum):
    """Why a change is refused; pages map each to a message."""

    NOT_FOUND = "not_found"
    PROGRAMME_CLOSED = "programme_closed"
    DOSSIER_INCOMPLETE = "dossier_incomplete"
    ALREADY_APPLIED = "already_applied"
    TOO_MANY_WISHES = "too_many_wishes"
    NOT_EDITABLE = "not_editable"
    PIECE_FROZEN = "piece_frozen"
    NOT_CONDITIONAL = "not_conditional"
    PIECES_MISSING = "pieces_missing"
    ALREADY_TRANSMITTED = "already_transmitted"
    NOT_CANCELLABLE = "not_cancellable"
    NO_ANSWER_EXPECTED = "no_answer_expected"
    DEADLINE_PASSED = "deadline_passed"
    CAMPAIGN_ARCHIVED = "campaign_archived"
    INVALID = "invalid"


class LifecycleRefused(Refused[Refusal]):
    """A rule refused the change; nothing was written."""


class AuditAction(StrEnum):
    """``AuditEvent.action`` of each change; the timeline labels them."""

    APPLICATION_CREATED = "application_created"
    PIECE_SUBMITTED = "piece_submitted"
    PIECE_REMOVED = "piece_removed"
    PIECE_NOT_CONCERNED = "piece_not_concerned"
    PIECE_VALIDATED = "piece_validated"
    PIECE_REFUSED = "piece_refused"
    APPLICATION_TRANSMITTED = "application_transmitted"
    APPLICATION_CANCELLED = "application_cancelled"
    STATUS_INCOMPLETE = "status_incomplete"
    STATUS_COMPLETE = "status_complete"
    PROCESSING_TYPE_VALIDATED = "processing_type_validated"
    DECISION_ENTERED = "decision_entered"
    DECISION_VALIDATED = "decision_validated"
    APPLICATION_CONFIRMED = "application_confirmed"
    APPLICATION_WITHDRAWN = "application_withdrawn"
    APPLICATION_AUTO_WITHDRAWN = "application_auto_withdrawn"
    WAITING_LIST_PROMOTED = "waiting_list_promoted"
    ANSWER_REMINDER_SENT = "answer_reminder_sent"
    RETURN_REMINDER_SENT = "return_reminder_sent"


def refuse(reason: Refusal) -> LifecycleRefused:
    return LifecycleRefused(reason)


async def lock_rows(table: type[Table], ids: list[int]) -> None:
    """PostgreSQL: lock these rows until commit, in ascending id order (two changes
    locking the same rows take them in the same order). SQLite: nothing to do, the
    IMMEDIATE transaction already holds the database's write lock."""
    if ids and on_postgres():
        pk = table._meta.primary_key
        await table.select(pk).where(pk.is_in(sorted(set(ids)))).order_by(pk).lock_rows()


def require_staff(actor: Actor) -> None:
    """Staff actions: a candidate never reaches them (404, as for someone else's
    application). The review desk scopes staff to their centres before calling."""
    if actor.kind is ActorKind.CANDIDATE:
        raise refuse(Refusal.NOT_FOUND)


def owns(actor: Actor, account_id: int) -> bool:
    return actor.kind is not ActorKind.CANDIDATE or actor.id == account_id


async def load_for_change(
    application_id: int, actor: Actor, *, lock: bool = True, lock_candidate: bool = False
) -> ApplicationView:
    """Inside the change's transaction: check the actor may touch the application and
    its campaign is not archived (CAMPAIGN_ARCHIVED), lock it (and its candidate first when the change may reach the candidate's other
    applications), then read it. Raises NOT_FOUND for an unknown or foreign id.

    ``lock=False`` is for a change whose own compare-and-set update takes the lock and
    decides (transmit).
    """
    if lock and on_postgres():
        owner = (
            await Application.select(
                Application.candidate, Application.candidate.account.as_alias("account_id")
            )
            .where(Application.id == application_id)
            .first()
        )
        if owner is None or not owns(actor, owner["account_id"]):
            raise refuse(Refusal.NOT_FOUND)
        if lock_candidate:
            await lock_rows(Candidate, [owner["candidate"]])
        await lock_rows(Application, [application_id])
    view = await application_view(application_id)
    if view is None or not owns(actor, view.account_id):
        raise refuse(Refusal.NOT_FOUND)
    if view.campaign_archived_at is not None:
        # An archived campaign is read-only for candidates, staff and jobs alike.
        raise refuse(Refusal.CAMPAIGN_ARCHIVED)
    return view


async def audit(
    actor: Actor,
    action: AuditAction,
    *,
    application_id: int,
    entity: str = "application",
    entity_id: int | None = None,
    visible: bool = False,
    **data: Any,
) -> int:
    """One audit event; ``visible`` puts it in the candidate's timeline."""
    return await record_event(
        actor_kind=actor.kind,
        actor_id=actor.id,
        action=action.value,
        entity=entity,
        entity_id=application_id if entity_id is None else entity_id,
        application_id=application_id,
        visible_to_candidate=visible,
        data=data or None,
    )
