"""Issue 5: random sequences of candidate, staff, clock and job actions, driven through
the real lifecycle functions against the test database, never reach a forbidden state,
and a refused action never writes anything.

Hypothesis draws each step with ``data()`` inside one async test (its examples run on
the test's event loop, like the rest of the suite). The database is not emptied
between examples: each example builds a world of its own (candidates, programmes,
pieces, decision types) and checks the rows of that world after every step.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.applications import lifecycle
from app.applications.codes import (
    ActorKind,
    DossierStatus,
    PieceStatus,
    Verdict,
)
from app.applications.lifecycle import Actor, LifecycleRefused
from app.applications.queries import current_pieces
from app.applications.tables import Application, Decision, SubmittedPiece
from app.mail.tables import OutboxMail
from app.ops.tables import AuditEvent
from app.settings import get_settings
from tests.factories import make_required_piece
from tests.factories_dossier import (
    make_applicant,
    make_decision_type,
    make_open_programme,
    stored_pdf,
)
from tests.fixtures.db import uses_database

START = datetime(2026, 6, 15, 10, 0, tzinfo=UTC)
STAFF = Actor.staff(1)
STEPS = 15
pytestmark = uses_database
VERDICTS = [
    Verdict.FAVOURABLE,
    Verdict.UNFAVOURABLE,
    Verdict.COMPLEMENTARY_LIST,
    Verdict.PRESELECTION,
]
# Drawn uniformly: the actions that move an application forward are listed twice, so
# that fifteen steps often reach decisions, answers and the waiting list. A decision's
# verdict is part of the action ("decide:FA" enters and validates a favourable one,
# "enter:LC" only enters it).
ACTIONS = [
    "apply",
    "submit",
    "fill",
    "fill",
    "remove",
    "not_concerned",
    "transmit",
    "transmit",
    "cancel",
    "validate_piece",
    "validate_piece",
    "refuse_piece",
    "incomplete",
    "complete",
    "decide:FA",
    "decide:FA",
    "decide:LC",
    "decide:DE",
    "decide:PR",
    "enter:FA",
    "enter:LC",
    "validate_decision",
    "confirm",
    "withdraw",
    "withdraw",
    "days_pass",
    "auto_withdraw",
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
    # are transmitted, the second one is first on its waiting list.
    first = world.accounts[0]
    await fill(await application_of(world, 0, 0), first, Actor.candidate(first.id))
    for who in (0, 1):
        app_id = await application_of(world, who, 1)
        await lifecycle.transmit(
            application_id=app_id, actor=Actor.candidate(world.accounts[who].id)
        )
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


async def act(world: World, data, clock) -> str:
    action = data.draw(st.sampled_from(ACTIONS), label="action")
    targets = [(w, p) for w in range(len(world.accounts)) for p in range(len(world.programmes))]
    who, where = data.draw(st.sampled_from([world.focus] * 8 + targets), label="target")
    world.focus = (who, where)
    piece = data.draw(st.sampled_from([world.piece_focus] * 8 + world.pieces), label="piece")
    world.piece_focus = piece
    account = world.accounts[who]
    candidate = Actor.candidate(account.id)
    if action == "days_pass":
        clock.shift(timedelta(days=data.draw(st.integers(1, 6), label="days")))
        return action
    if action == "auto_withdraw":
        await lifecycle.auto_withdraw_expired()
        return action
    if action == "apply":
        await lifecycle.apply(account_id=account.id, programme_id=world.programmes[where].id)
        return action
    app_id = await application_of(world, who, where)
    on_piece = {"application_id": app_id, "piece_id": piece.id}
    if action == "submit":
        file_id = await stored_pdf(account)
        await lifecycle.submit_piece(**on_piece, file_id=file_id, actor=candidate)
    elif action == "fill":
        await fill(app_id, account, candidate)
    elif action == "remove":
        await lifecycle.remove_piece(**on_piece, actor=candidate)
    elif action == "not_concerned":
        await lifecycle.declare_not_concerned(**on_piece, actor=candidate)
    elif action == "transmit":
        await lifecycle.transmit(application_id=app_id, actor=candidate)
    elif action == "cancel":
        await lifecycle.cancel(application_id=app_id, actor=candidate)
    elif action in ("validate_piece", "refuse_piece"):
        status = PieceStatus.VALIDATED if action == "validate_piece" else PieceStatus.REFUSED
        await lifecycle.set_piece_status(**on_piece, status=status, comment="vu", actor=STAFF)
    elif action in ("incomplete", "complete"):
        status = DossierStatus.INCOMPLETE if action == "incomplete" else DossierStatus.COMPLETE
        await lifecycle.set_dossier_status(application_id=app_id, status=status, actor=STAFF)
    elif action.startswith(("decide:", "enter:")):
        kind, verdict = action.split(":")
        verdict = Verdict(verdict)
        rank = data.draw(st.integers(1, 3)) if verdict is Verdict.COMPLEMENTARY_LIST else None
        if kind == "decide":
            await decide(app_id, world, verdict, rank)
        else:
            await lifecycle.enter_decision(
                application_id=app_id,
                decision_type_id=world.decision_types[verdict].id,
                rank=rank,
                actor=STAFF,
            )
    elif action == "validate_decision":
        latest = (
            await Decision.select(Decision.id)
            .where(Decision.application == app_id)
            .order_by(Decision.id, ascending=False)
            .first()
        )
        if latest:
            await lifecycle.validate_decision(decision_id=latest["id"], actor=STAFF)
    elif action in ("confirm", "withdraw"):
        await lifecycle.answer(application_id=app_id, confirm=action == "confirm", actor=candidate)
    return action


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


@settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
async def test_no_sequence_of_actions_reaches_a_forbidden_state(campaign, clock, data):
    clock.move_to(START)
    world = await build_world(campaign)
    state = await snapshot(world)
    check_invariants(state)
    for _ in range(STEPS):
        try:
            await act(world, data, clock)
        except LifecycleRefused:
            assert await snapshot(world) == state, "a refused action wrote something"
        else:
            state = await snapshot(world)
            check_invariants(state)
