"""Bulk actions of the review desk: one lifecycle call per application.

Each row goes through the same lifecycle function as on the application page, in its
own transaction, with the staff member as actor: a refused row writes nothing and the
others go on; each done row wrote its own mail to the outbox. The caller enqueues
``BulkResult.mail_ids`` once the loop is over (also when it stopped half-way: what was
committed is mailed).

The ids come from a form: they are checked again here against the member's scope (an
id outside it is "not found", never acted upon) and against the commission's rights
for commission members.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from app.applications import lifecycle
from app.applications.lifecycle import Actor, LifecycleRefused, Refusal
from app.core.codes.applications import DossierStatus, Verdict
from app.input_rules import is_ascii_digits
from app.review.identity import StaffMember
from app.review.scope import application_scope, may_decide, may_process
from app.tables.applications import Application, Decision
from app.tables.catalog import DecisionType, RefusalReason

MAX_ROWS = 2000  # one request runs them all; beyond, narrow the filter
MAX_ID = 2**31 - 1
_CHUNK = 500  # ids per IN (...) list


class BulkAction(StrEnum):
    INCOMPLETE = "incomplet"
    COMPLETE = "complet"
    ENTER_DECISION = "saisir-decision"
    VALIDATE_DECISION = "valider-decisions"


class Outcome(StrEnum):
    DONE = "done"
    NOT_FOUND = "not_found"
    NOT_ALLOWED_PROCESS = "not_allowed_process"
    NOT_ALLOWED_DECIDE = "not_allowed_decide"
    STATUS_REFUSED = "status_refused"
    DECISION_REFUSED = "decision_refused"
    NO_DECISION = "no_decision"
    ALREADY_VALIDATED = "already_validated"
    VALIDATION_REFUSED = "validation_refused"


STATUS_OF = {
    BulkAction.INCOMPLETE: DossierStatus.INCOMPLETE,
    BulkAction.COMPLETE: DossierStatus.COMPLETE,
}
REFUSED = {
    BulkAction.INCOMPLETE: Outcome.STATUS_REFUSED,
    BulkAction.COMPLETE: Outcome.STATUS_REFUSED,
    BulkAction.ENTER_DECISION: Outcome.DECISION_REFUSED,
    BulkAction.VALIDATE_DECISION: Outcome.VALIDATION_REFUSED,
}


@dataclass(frozen=True)
class DecisionEntry:
    """The decision entered for every row. On a complementary list, ``first_rank``
    goes to the first row entered and the next ranks to the following ones."""

    decision_type_id: int
    verdict: Verdict
    refusal_reason_id: int | None = None
    comment: str = ""
    first_rank: int | None = None


@dataclass(frozen=True)
class RowResult:
    application_id: int
    outcome: Outcome
    login: str = ""
    name: str = ""
    rank: int | None = None

    @property
    def done(self) -> bool:
        return self.outcome is Outcome.DONE


@dataclass
class BulkResult:
    action: BulkAction
    rows: list[RowResult] = field(default_factory=list)
    mail_ids: list[int] = field(default_factory=list)

    @property
    def done(self) -> list[RowResult]:
        return [r for r in self.rows if r.done]

    @property
    def refused(self) -> list[RowResult]:
        return [r for r in self.rows if not r.done]


def clean_ids(values: Iterable[str]) -> list[int]:
    """Application ids from a form, in order, without repeats; anything that is not an
    id (text, negative, beyond the column's range) is dropped."""
    seen: dict[int, None] = {}
    for value in values:
        text = value.strip() if isinstance(value, str) else ""
        if is_ascii_digits(text) and 0 < int(text) <= MAX_ID:
            seen.setdefault(int(text), None)
    return list(seen)


async def _scoped(member: StaffMember, ids: list[int]) -> dict[int, dict]:
    """The applications among ``ids`` that the member may see, with what the result
    page names them by and the commission's rights."""
    found: dict[int, dict] = {}
    for start in range(0, len(ids), _CHUNK):
        rows = await Application.select(
            Application.id,
            Application.candidate.account.login.as_alias("login"),
            Application.candidate.birth_name.as_alias("birth_name"),
            Application.candidate.usual_name.as_alias("usual_name"),
            Application.candidate.first_name.as_alias("first_name"),
            Application.programme.commission.members_process.as_alias("members_process"),
            Application.programme.commission.members_decide.as_alias("members_decide"),
        ).where(Application.id.is_in(ids[start : start + _CHUNK]) & application_scope(member))
        found.update((row["id"], row) for row in rows)
    return found


async def scoped_ids(member: StaffMember, ids: list[int]) -> list[int]:
    """``ids`` without those outside the member's scope, in order."""
    found = await _scoped(member, ids)
    return [i for i in ids if i in found]


def _name(row: dict) -> str:
    last = (row["usual_name"] or row["birth_name"] or "").upper()
    return f"{last} {row['first_name'] or ''}".strip()


async def _current_decision(application_id: int) -> dict | None:
    return (
        await Decision.select(Decision.id, Decision.validated)
        .where(Decision.application == application_id)
        .order_by(Decision.id, ascending=False)
        .first()
    )


async def _act(
    action: BulkAction, application_id: int, actor: Actor, entry: DecisionEntry | None, rank
) -> tuple[Outcome, list[int]]:
    """One row through its lifecycle function: the outcome and the mails it wrote."""
    if action in STATUS_OF:
        change = await lifecycle.set_dossier_status(
            application_id=application_id, status=STATUS_OF[action], actor=actor
        )
        return Outcome.DONE, change.mail_ids
    if action is BulkAction.ENTER_DECISION:
        assert entry is not None
        await lifecycle.enter_decision(
            application_id=application_id,
            decision_type_id=entry.decision_type_id,
            refusal_reason_id=entry.refusal_reason_id,
            comment=entry.comment,
            rank=rank,
            actor=actor,
        )
        return Outcome.DONE, []
    current = await _current_decision(application_id)
    if current is None:
        return Outcome.NO_DECISION, []
    if current["validated"]:
        return Outcome.ALREADY_VALIDATED, []
    change = await lifecycle.validate_decision(decision_id=current["id"], actor=actor)
    return Outcome.DONE, change.mail_ids


def _allowed(member: StaffMember, action: BulkAction, scoped: dict) -> Outcome | None:
    if action in STATUS_OF:
        return None if may_process(member, scoped) else Outcome.NOT_ALLOWED_PROCESS
    return None if may_decide(member, scoped) else Outcome.NOT_ALLOWED_DECIDE


async def run_bulk(
    member: StaffMember,
    action: BulkAction,
    ids: list[int],
    *,
    entry: DecisionEntry | None = None,
    into: BulkResult | None = None,
) -> BulkResult:
    """Apply ``action`` to each of ``ids`` (at most MAX_ROWS), in order.

    ``into`` is filled as the loop goes, so that a caller can still enqueue the mails
    of the rows done when a row fails unexpectedly.
    """
    if len(ids) > MAX_ROWS:
        raise ValueError(f"at most {MAX_ROWS} rows per bulk action")
    if action is BulkAction.ENTER_DECISION and entry is None:
        raise ValueError("entering decisions needs the decision")
    result = into if into is not None else BulkResult(action)
    actor = Actor.staff(member.user_id)
    scoped = await _scoped(member, ids)
    rank = entry.first_rank if entry and entry.verdict is Verdict.COMPLEMENTARY_LIST else None
    for application_id in ids:
        row = scoped.get(application_id)
        if row is None:
            result.rows.append(RowResult(application_id, Outcome.NOT_FOUND))
            continue
        named = {"login": row["login"], "name": _name(row)}
        outcome = _allowed(member, action, row)
        mail_ids: list[int] = []
        if outcome is None:
            try:
                outcome, mail_ids = await _act(action, application_id, actor, entry, rank)
            except LifecycleRefused as refused:
                outcome = (
                    Outcome.NOT_FOUND if refused.reason is Refusal.NOT_FOUND else REFUSED[action]
                )
        done_rank = (
            rank if outcome is Outcome.DONE and action is BulkAction.ENTER_DECISION else None
        )
        result.rows.append(RowResult(application_id, outcome, rank=done_rank, **named))
        result.mail_ids.extend(mail_ids)
        if done_rank is not None:
            rank = done_rank + 1
    return result


async def decision_types() -> list[dict]:
    """The active decision types, for the entry form."""
    return await (
        DecisionType.select(
            DecisionType.id, DecisionType.label_fr, DecisionType.label_en, DecisionType.verdict
        )
        .where(DecisionType.active.eq(True))
        .order_by(DecisionType.verdict)
        .order_by(DecisionType.label_fr)
    )


async def refusal_reasons() -> list[dict]:
    """The active refusal reasons, for an unfavourable decision."""
    return await (
        RefusalReason.select(RefusalReason.id, RefusalReason.label_fr, RefusalReason.label_en)
        .where(RefusalReason.active.eq(True))
        .order_by(RefusalReason.label_fr)
    )
