"""Issue 5: random sequences of candidate, staff, clock and job actions, driven through
the real lifecycle functions against the test database, never reach a forbidden state,
and a refused action never writes anything.

A hypothesis ``RuleBasedStateMachine``: one rule per action, the forbidden states as
an invariant checked after every step, shrinking to the shortest failing sequence.
Hypothesis runs the machine synchronously, so it runs in a thread of its own and hands
each coroutine to the test's event loop (the loop the database connections belong to).
The database is not emptied between examples: each example builds a world of its own
(candidates, programmes, pieces, decision types) and checks the rows of that world.
"""

from __future__ import annotations

import asyncio
import itertools
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from app.applications import lifecycle
from app.applications.lifecycle import Actor, LifecycleRefused
from app.applications.queries import current_pieces
from app.core.codes.applications import ActorKind, DossierStatus, PieceStatus, Verdict
from app.settings import get_settings
from app.tables.applications import Application, Decision, SubmittedPiece
from app.tables.mail import OutboxMail
from app.tables.ops import AuditEvent
from tests.factories import make_required_piece
from tests.factories_dossier import (
    make_applicant,
    make_decision_type,
    make_open_programme,
    stored_pdf,
)

START = datetime(2026, 6, 15, 10, 0, tzinfo=UTC)
STAFF = Actor.staff(1)
VERDICTS = [
    Verdict.FAVOURABLE,
    Verdict.UNFAVOURABLE,
    Verdict.COMPLEMENTARY_LIST,
    Verdict.PRESELECTION,
]


@dataclass
class World:
    accounts: list = field(default_factory=list)
    programmes: list = field(default_factory=list)
    pieces: list = field(default_factory=list)
    decision_types: dict = field(default_factory=dict)
    focus: tuple[int, int] = (0, 1)
    """The (candidate, programme) acted on last: drawn again more often than the others,
    so that a sequence follows one application through its life."""
    piece_focus: object = None
    """Likewise the piece acted on last (a validated piece, then the candidate trying to
    change it)."""

    @property
    def account_ids(self) -> list[int]:
        return [account.id for account in self.accounts]


async def build_world(campaign) -> World:
    """Two candidates, each with an application to a programme asking for four kinds of
    pieces and one to a programme without pieces; both programmes keep a waiting list
    (one with a confirmation delay, one with a fixed date)."""
    world = World()
    world.pieces = [
        await make_required_piece(campaign),
        await make_required_piece(campaign, conditional=True),
        await make_required_piece(campaign, common=True),
        await make_required_piece(campaign, common=True, unique_per_application=True),
    ]
    world.programmes = [
        await make_open_programme(
            campaign, world.pieces, waiting_list=True, confirmation_delay_days=3
        ),
        await make_open_programme(
            campaign, waiting_list=True, confirmation_date=START.date() + timedelta(days=9)
        ),
    ]
    world.piece_focus = world.pieces[0]
    world.decision_types = {v: await make_decision_type(v) for v in VERDICTS}
    for _ in range(2):
        account = await make_applicant(campaign)
        for programme in world.programmes:
            await lifecycle.apply(account_id=account.id, programme_id=programme.id)
        world.accounts.append(account)
    # Later stages are reachable in a few steps: the first candidate has given every
    # piece to the first programme; both applications to the programme without pieces
    # are transmitted, the first one is admitted (the first target: an answer from the
    # first step on, a withdrawal promotes), the second one is first on its waiting list.
    first = world.accounts[0]
    await fill(await application_of(world, 0, 0), first, Actor.candidate(first.id))
    for who in (0, 1):
        app_id = await application_of(world, who, 1)
        await lifecycle.transmit(
            application_id=app_id, actor=Actor.candidate(world.accounts[who].id)
        )
    await decide(await application_of(world, 0, 1), world, Verdict.FAVOURABLE, None)
    await decide(await application_of(world, 1, 1), world, Verdict.COMPLEMENTARY_LIST, 1)
    return world


def of_world(world: World):
    return Application.candidate.account.is_in(world.account_ids)


async def application_of(world: World, who: int, where: int) -> int:
    """The candidate's latest application to that programme (cancelled included)."""
    row = (
        await Application.select(Application.id)
        .where(
            (Application.candidate.account == world.accounts[who].id)
            & (Application.programme == world.programmes[where].id)
        )
        .order_by(Application.id, ascending=False)
        .first()
    )
    return row["id"]


@dataclass(frozen=True)
class Snapshot:
    """Every row a change of this world's applications may write (five queries)."""

    applications: tuple
    decisions: tuple
    pieces: tuple
    audit_events: int
    mails: int


def _frozen(rows: list[dict]) -> tuple:
    return tuple(tuple(sorted(row.items())) for row in rows)


async def snapshot(world: World) -> Snapshot:
    applications = await Application.select().where(of_world(world)).order_by(Application.id)
    ids = [row["id"] for row in applications] or [0]
    decisions = (
        await Decision.select(
            Decision.all_columns(), Decision.decision_type.verdict.as_alias("verdict")
        )
        .where(Decision.application.is_in(ids))
        .order_by(Decision.id)
    )
    pieces = (
        await SubmittedPiece.select()
        .where(SubmittedPiece.application.is_in(ids))
        .order_by(SubmittedPiece.id)
    )
    return Snapshot(
        _frozen(applications),
        _frozen(decisions),
        _frozen(pieces),
        await AuditEvent.count(),
        await OutboxMail.count(),
    )


async def fill(app_id: int, account, actor: Actor) -> None:
    """Give a file for every piece still to give (the way to reach "transmit")."""
    for piece in await current_pieces(app_id):
        if piece.status in (PieceStatus.WAITING, PieceStatus.REFUSED):
            await lifecycle.submit_piece(
                application_id=app_id,
                piece_id=piece.piece_id,
                file_id=await stored_pdf(account),
                actor=actor,
            )


async def decide(app_id: int, world: World, verdict: Verdict, rank: int | None) -> None:
    decision_id = await lifecycle.enter_decision(
        application_id=app_id,
        decision_type_id=world.decision_types[verdict].id,
        rank=rank,
        actor=STAFF,
    )
    await lifecycle.validate_decision(decision_id=decision_id, actor=STAFF)


def check_invariants(state: Snapshot) -> None:
    """No forbidden state among the world's rows."""
    decisions = defaultdict(list)
    for row in map(dict, state.decisions):
        assert (row["rank"] is not None) == (row["verdict"] == Verdict.COMPLEMENTARY_LIST), row
        assert row["validated"] == (row["validated_at"] is not None), row
        decisions[row["application"]].append(row)
    pieces = defaultdict(list)
    for row in map(dict, state.pieces):
        pieces[(row["application"], row["piece"])].append(row)
    current = defaultdict(list)
    for chain in pieces.values():
        [now] = [row for row in chain if row["superseded_at"] is None]  # exactly one
        current[now["application"]].append(now)
        for before, after in itertools.pairwise(chain):
            if before["status"] == PieceStatus.VALIDATED.value:
                # a validated piece is frozen: only staff may change it again
                assert after["changed_by"] != ActorKind.CANDIDATE.value, chain
        for row in chain:
            if row["status"] == PieceStatus.WAITING.value:
                assert row["file"] is None, row

    live = defaultdict(int)
    wishes = defaultdict(int)
    for row in map(dict, state.applications):
        status, history = DossierStatus(row["status"]), decisions[row["id"]]
        if row["cancelled_at"] is not None:
            # cancelled: only from AT or RE, before staff processed it (guide §05.3):
            # no status set, no decision, no piece reviewed, never answered
            assert status in (DossierStatus.WAITING, DossierStatus.RECEIVED), row
            assert row["incomplete_at"] is None and row["completed_at"] is None, row
            assert row["answer"] is None and not history, row
            reviewed = [
                p
                for chain in pieces.values()
                for p in chain
                if p["application"] == row["id"]
                and p["changed_by"] == ActorKind.STAFF.value
                and p["status"] in (PieceStatus.VALIDATED.value, PieceStatus.REFUSED.value)
            ]
            assert not reviewed, row
        else:
            live[(row["candidate"], row["programme"])] += 1
            wishes[row["candidate"]] += 1
        if status is not DossierStatus.WAITING:
            assert row["transmitted_at"] is not None and row["received_at"] is not None, row
        if status in (DossierStatus.RECEIVED, DossierStatus.COMPLETE):
            # transmitted (or complete) with a piece still to give: never
            assert all(p["status"] != PieceStatus.WAITING.value for p in current[row["id"]]), row
        if row["transmitted_at"] is None:
            assert not history, row
        if row["answer"] is not None:
            latest = history[-1]
            assert latest["validated"], row
            assert latest["verdict"] == Verdict.FAVOURABLE, row
    assert all(count == 1 for count in live.values()), live
    assert all(count <= get_settings().max_wishes for count in wishes.values())


TARGETS = [(who, where) for who in range(2) for where in range(2)]
FOCUS = "focus"
# The (candidate, programme) acted on last is drawn again more often than the others,
# so that a sequence follows one application through its life; likewise the piece.
target = st.sampled_from([FOCUS] * 8 + TARGETS)
piece_index = st.sampled_from([FOCUS] * 8 + list(range(4)))


class LifecycleMachine(RuleBasedStateMachine):
    """The test binds ``loop``, ``campaign`` and ``clock`` on a subclass."""

    loop: asyncio.AbstractEventLoop
    campaign: object
    clock: object

    def run(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result()

    @initialize()
    def build(self) -> None:
        self.clock.move_to(START)
        self.world = self.run(build_world(self.campaign))
        self.state = self.run(snapshot(self.world))

    @invariant()
    def no_forbidden_state(self) -> None:
        check_invariants(self.state)

    # --- helpers ---------------------------------------------------------------------

    def aim(self, chosen) -> tuple:
        """The account, its candidate actor and its application (id) at ``chosen``."""
        if chosen != FOCUS:
            self.world.focus = chosen
        who, where = self.world.focus
        account = self.world.accounts[who]
        return (
            account,
            Actor.candidate(account.id),
            self.run(application_of(self.world, who, where)),
        )

    def piece(self, chosen):
        if chosen != FOCUS:
            self.world.piece_focus = self.world.pieces[chosen]
        return self.world.piece_focus

    def attempt(self, coroutine) -> None:
        """A refused action leaves every row as it was; an accepted one moves the state."""
        try:
            self.run(coroutine)
        except LifecycleRefused:
            assert self.run(snapshot(self.world)) == self.state, "a refused action wrote something"
        else:
            self.state = self.run(snapshot(self.world))

    # --- the candidate -----------------------------------------------------------------

    @rule(chosen=target)
    def apply(self, chosen) -> None:
        if chosen != FOCUS:
            self.world.focus = chosen
        who, where = self.world.focus
        self.attempt(
            lifecycle.apply(
                account_id=self.world.accounts[who].id,
                programme_id=self.world.programmes[where].id,
            )
        )

    @rule(chosen=target, which=piece_index)
    def submit(self, chosen, which) -> None:
        account, candidate, app_id = self.aim(chosen)
        file_id = self.run(stored_pdf(account))
        self.attempt(
            lifecycle.submit_piece(
                application_id=app_id,
                piece_id=self.piece(which).id,
                file_id=file_id,
                actor=candidate,
            )
        )

    @rule(chosen=target)
    def fill(self, chosen) -> None:
        account, candidate, app_id = self.aim(chosen)
        self.attempt(fill(app_id, account, candidate))

    @rule(chosen=target, which=piece_index)
    def remove(self, chosen, which) -> None:
        _, candidate, app_id = self.aim(chosen)
        piece_id = self.piece(which).id
        self.attempt(
            lifecycle.remove_piece(application_id=app_id, piece_id=piece_id, actor=candidate)
        )

    @rule(chosen=target, which=piece_index)
    def not_concerned(self, chosen, which) -> None:
        _, candidate, app_id = self.aim(chosen)
        piece_id = self.piece(which).id
        self.attempt(
            lifecycle.declare_not_concerned(
                application_id=app_id, piece_id=piece_id, actor=candidate
            )
        )

    @rule(chosen=target)
    def transmit(self, chosen) -> None:
        _, candidate, app_id = self.aim(chosen)
        self.attempt(lifecycle.transmit(application_id=app_id, actor=candidate))

    @rule(chosen=target)
    def cancel(self, chosen) -> None:
        _, candidate, app_id = self.aim(chosen)
        self.attempt(lifecycle.cancel(application_id=app_id, actor=candidate))

    @rule(chosen=target)
    def confirm(self, chosen) -> None:
        _, candidate, app_id = self.aim(chosen)
        self.attempt(lifecycle.answer(application_id=app_id, confirm=True, actor=candidate))

    @rule(chosen=target)
    def withdraw(self, chosen) -> None:
        _, candidate, app_id = self.aim(chosen)
        self.attempt(lifecycle.answer(application_id=app_id, confirm=False, actor=candidate))

    # --- staff -------------------------------------------------------------------------

    @rule(
        chosen=target,
        which=piece_index,
        status=st.sampled_from([PieceStatus.VALIDATED, PieceStatus.REFUSED]),
    )
    def set_piece_status(self, chosen, which, status) -> None:
        _, _, app_id = self.aim(chosen)
        self.attempt(
            lifecycle.set_piece_status(
                application_id=app_id,
                piece_id=self.piece(which).id,
                status=status,
                comment="vu",
                actor=STAFF,
            )
        )

    @rule(
        chosen=target,
        status=st.sampled_from([DossierStatus.INCOMPLETE, DossierStatus.COMPLETE]),
    )
    def set_dossier_status(self, chosen, status) -> None:
        _, _, app_id = self.aim(chosen)
        self.attempt(
            lifecycle.set_dossier_status(application_id=app_id, status=status, actor=STAFF)
        )

    @rule(chosen=target, verdict=st.sampled_from([Verdict.FAVOURABLE, *VERDICTS]))
    def decide(self, chosen, verdict) -> None:
        """Enter and validate a decision: favourable ones drawn twice as often, so that
        fifteen steps often reach the answers and the waiting list."""
        _, _, app_id = self.aim(chosen)
        rank = 1 if verdict is Verdict.COMPLEMENTARY_LIST else None
        self.attempt(decide(app_id, self.world, verdict, rank))

    @rule(chosen=target, verdict=st.sampled_from(VERDICTS), rank=st.integers(1, 3))
    def enter_decision(self, chosen, verdict, rank) -> None:
        """Enter a decision only (a rank only for the complementary list)."""
        _, _, app_id = self.aim(chosen)
        self.attempt(
            lifecycle.enter_decision(
                application_id=app_id,
                decision_type_id=self.world.decision_types[verdict].id,
                rank=rank if verdict is Verdict.COMPLEMENTARY_LIST else None,
                actor=STAFF,
            )
        )

    @rule(chosen=target)
    def validate_decision(self, chosen) -> None:
        _, _, app_id = self.aim(chosen)
        latest = self.run(
            Decision.select(Decision.id)
            .where(Decision.application == app_id)
            .order_by(Decision.id, ascending=False)
            .first()
            .run()
        )
        if latest:
            self.attempt(lifecycle.validate_decision(decision_id=latest["id"], actor=STAFF))

    # --- time and jobs -------------------------------------------------------------------

    @rule(days=st.integers(1, 6))
    def days_pass(self, days) -> None:
        self.clock.shift(timedelta(days=days))

    @rule()
    def auto_withdraw(self) -> None:
        self.attempt(lifecycle.auto_withdraw_expired())


async def test_no_sequence_of_actions_reaches_a_forbidden_state(campaign, clock):
    machine = type(
        "Lifecycle",
        (LifecycleMachine,),
        {"loop": asyncio.get_running_loop(), "campaign": campaign, "clock": clock},
    )
    await asyncio.to_thread(
        run_state_machine_as_test,
        machine,
        settings=settings(
            max_examples=25,
            stateful_step_count=15,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
