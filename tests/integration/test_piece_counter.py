"""``application.pieces_to_review`` (issue 13, target 7): the number of the application's
current piece rows in TR, which the review desk shows, filters and sorts on. Each
change of the pieces moves it in its own transaction; after every step the column is
exactly the count from the rows, for every application."""

from __future__ import annotations

import asyncio

from app.applications import lifecycle
from app.applications.lifecycle import Actor, Change, LifecycleRefused, Refusal
from app.core.codes.applications import PieceStatus
from app.tables.applications import Application
from app.tables.catalog import ProgrammePiece
from tests.factories import make_required_piece
from tests.factories_dossier import make_applicant, make_open_programme, stored_pdf

STAFF = Actor.staff(1)
ROUNDS = 5

FROM_ROWS = """
SELECT a.id, a.pieces_to_review AS kept, (
  SELECT COUNT(*) FROM submitted_piece sp
  WHERE sp.application = a.id AND sp.superseded_at IS NULL AND sp.status = 'TR') AS counted
FROM application a ORDER BY a.id
"""


async def kept(application_id: int) -> int:
    """The column, after checking that no application's column differs from its rows."""
    rows = await Application.raw(FROM_ROWS)
    assert [r for r in rows if r["kept"] != r["counted"]] == []
    return next(r["kept"] for r in rows if r["id"] == application_id)


async def _applied(campaign, pieces):
    programme = await make_open_programme(campaign, pieces)
    account = await make_applicant(campaign)
    change = await lifecycle.apply(account_id=account.id, programme_id=programme.id)
    return account, Actor.candidate(account.id), change.application_id, programme


async def test_each_change_of_the_candidate_and_of_staff_moves_the_count(campaign):
    cv, letter = await make_required_piece(campaign), await make_required_piece(campaign)
    optional = await make_required_piece(campaign, conditional=True)
    account, actor, app_id, _ = await _applied(campaign, [cv, letter, optional])
    assert await kept(app_id) == 0

    async def submit(piece):
        await lifecycle.submit_piece(
            application_id=app_id, piece_id=piece.id, file_id=await stored_pdf(account), actor=actor
        )

    await submit(cv)
    assert await kept(app_id) == 1
    await submit(cv)  # a TR row replaced by a TR row
    assert await kept(app_id) == 1
    await submit(optional)
    assert await kept(app_id) == 2
    await lifecycle.declare_not_concerned(application_id=app_id, piece_id=optional.id, actor=actor)
    assert await kept(app_id) == 1
    await lifecycle.remove_piece(application_id=app_id, piece_id=cv.id, actor=actor)
    assert await kept(app_id) == 0
    await lifecycle.remove_piece(application_id=app_id, piece_id=cv.id, actor=actor)  # no-op
    assert await kept(app_id) == 0
    await submit(cv)
    await submit(letter)
    assert await kept(app_id) == 2
    await lifecycle.transmit(application_id=app_id, actor=actor)
    assert await kept(app_id) == 2

    async def judge(piece, status, comment=""):
        await lifecycle.set_piece_status(
            application_id=app_id, piece_id=piece.id, status=status, comment=comment, actor=STAFF
        )

    await judge(cv, PieceStatus.VALIDATED)
    assert await kept(app_id) == 1
    await judge(letter, PieceStatus.REFUSED, "Illisible")
    assert await kept(app_id) == 0
    await judge(letter, PieceStatus.REFUSED, "Illisible, page 2")  # RE → RE
    await judge(letter, PieceStatus.VALIDATED)
    await judge(optional, PieceStatus.VALIDATED)  # NC → VA
    assert await kept(app_id) == 0


async def test_a_common_piece_counts_on_every_application_it_serves(campaign):
    shared, own = (
        await make_required_piece(campaign, common=True),
        await make_required_piece(campaign),
    )
    account = await make_applicant(campaign)
    actor = Actor.candidate(account.id)
    programmes = [await make_open_programme(campaign, [shared, own]) for _ in range(3)]
    first, second = [
        (await lifecycle.apply(account_id=account.id, programme_id=p.id)).application_id
        for p in programmes[:2]
    ]
    file_id = await stored_pdf(account)
    await lifecycle.submit_piece(
        application_id=first, piece_id=shared.id, file_id=file_id, actor=actor
    )
    assert (await kept(first), await kept(second)) == (1, 1)
    # A new application starts with the common piece already given: TR from the start.
    third = (
        await lifecycle.apply(account_id=account.id, programme_id=programmes[2].id)
    ).application_id
    assert await kept(third) == 1
    await lifecycle.remove_piece(application_id=first, piece_id=shared.id, actor=actor)
    assert (await kept(first), await kept(second), await kept(third)) == (0, 1, 1)


async def test_the_transmission_drops_the_pieces_no_longer_asked(campaign):
    kept_piece, dropped = await make_required_piece(campaign), await make_required_piece(campaign)
    account, actor, app_id, programme = await _applied(campaign, [kept_piece, dropped])
    for piece in (kept_piece, dropped):
        await lifecycle.submit_piece(
            application_id=app_id, piece_id=piece.id, file_id=await stored_pdf(account), actor=actor
        )
    assert await kept(app_id) == 2
    await ProgrammePiece.delete().where(
        (ProgrammePiece.programme == programme.id) & (ProgrammePiece.piece == dropped.id)
    )
    await lifecycle.transmit(application_id=app_id, actor=actor)
    assert await kept(app_id) == 1


async def test_changes_at_once_add_up(campaign):
    """Two tabs give the same piece, or two different pieces, at the same moment; staff
    validate a piece while the candidate replaces it. On PostgreSQL each runs on its own
    connection: the column still ends equal to the rows, whichever order they commit."""
    outcomes = set()
    for _ in range(ROUNDS):
        cv, letter = await make_required_piece(campaign), await make_required_piece(campaign)
        account, actor, app_id, _ = await _applied(campaign, [cv, letter])
        files = [await stored_pdf(account) for _ in range(3)]
        same = await asyncio.gather(
            *(
                lifecycle.submit_piece(
                    application_id=app_id, piece_id=cv.id, file_id=f, actor=actor
                )
                for f in files[:2]
            ),
            return_exceptions=True,
        )
        for outcome in same:  # both in turn, or the second refused by the compare-and-set
            assert isinstance(outcome, Change) or (
                isinstance(outcome, LifecycleRefused) and outcome.reason is Refusal.NOT_EDITABLE
            ), outcome
        assert await kept(app_id) == 1
        await lifecycle.remove_piece(application_id=app_id, piece_id=cv.id, actor=actor)
        both = await asyncio.gather(
            lifecycle.submit_piece(
                application_id=app_id, piece_id=cv.id, file_id=files[0], actor=actor
            ),
            lifecycle.submit_piece(
                application_id=app_id, piece_id=letter.id, file_id=files[1], actor=actor
            ),
            return_exceptions=True,
        )
        assert all(isinstance(outcome, Change) for outcome in both), both
        assert await kept(app_id) == 2

        judged, replaced = await asyncio.gather(
            lifecycle.set_piece_status(
                application_id=app_id, piece_id=cv.id, status=PieceStatus.VALIDATED, actor=STAFF
            ),
            lifecycle.submit_piece(
                application_id=app_id, piece_id=cv.id, file_id=files[2], actor=actor
            ),
            return_exceptions=True,
        )
        # Validated last (0 for the cv), or validated first and the replacement refused
        # (a validated piece is frozen), or the replacement refused by the
        # compare-and-set: the cv is not to check in any case but "replaced last".
        assert isinstance(judged, Change), judged
        if isinstance(replaced, Change):
            outcomes.add("replaced, then validated")
        else:
            assert isinstance(replaced, LifecycleRefused), replaced
            outcomes.add(f"validated, replacement refused ({replaced.reason.value})")
        assert await kept(app_id) == 1  # the letter
    assert outcomes
