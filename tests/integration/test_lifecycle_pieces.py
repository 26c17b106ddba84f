"""Issue 5: the candidate's pieces (guide §05.4): give, take back, "non concerné",
history, common pieces shared across applications."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.applications import lifecycle
from app.applications.lifecycle import Actor, LifecycleRefused, Refusal
from app.applications.queries import current_pieces, piece_history, timeline
from app.core.codes.applications import ActorKind, DossierStatus, PieceStatus
from app.tables.applications import Application, SubmittedPiece
from app.tables.ops import AuditEvent
from tests.factories import make_required_piece
from tests.factories_dossier import make_applicant, make_open_programme, stored_pdf

STAFF = Actor.staff(1)


async def refused(call) -> Refusal:
    with pytest.raises(LifecycleRefused) as caught:
        await call
    return caught.value.reason


async def statuses(application_id: int) -> dict[int, tuple[str, int | None]]:
    return {p.piece_id: (p.status.value, p.file_id) for p in await current_pieces(application_id)}


@pytest.fixture
async def setup(campaign):
    """One candidate, one application asking for a mandatory and a conditional piece."""
    mandatory = await make_required_piece(campaign, label_fr="CURRICULUM VITAE")
    conditional = await make_required_piece(campaign, conditional=True)
    programme = await make_open_programme(campaign, [mandatory, conditional])
    account = await make_applicant(campaign)
    change = await lifecycle.apply(account_id=account.id, programme_id=programme.id)
    return {
        "account": account,
        "actor": Actor.candidate(account.id),
        "application_id": change.application_id,
        "mandatory": mandatory,
        "conditional": conditional,
        "programme": programme,
    }


async def test_give_replace_and_take_back_a_piece_keeping_the_history(setup):
    account, actor, app_id = setup["account"], setup["actor"], setup["application_id"]
    piece = setup["mandatory"]
    first, second = await stored_pdf(account, "cv.pdf"), await stored_pdf(account, "cv-2.pdf")

    change = await lifecycle.submit_piece(
        application_id=app_id, piece_id=piece.id, file_id=first, actor=actor
    )
    assert (change.application_id, change.mail_ids) == (app_id, [])
    assert (await statuses(app_id))[piece.id] == ("TR", first)
    await lifecycle.submit_piece(
        application_id=app_id, piece_id=piece.id, file_id=second, actor=actor
    )
    assert (await statuses(app_id))[piece.id] == ("TR", second)
    await lifecycle.remove_piece(application_id=app_id, piece_id=piece.id, actor=actor)
    assert (await statuses(app_id))[piece.id] == ("AT", None)
    # a second click on "supprimer" changes nothing
    await lifecycle.remove_piece(application_id=app_id, piece_id=piece.id, actor=actor)

    history = await piece_history(app_id, piece.id)
    assert [(r["status"], r["file"], r["superseded_at"] is None) for r in history] == [
        ("AT", None, False),
        ("TR", first, False),
        ("TR", second, False),
        ("AT", None, True),
    ]
    assert [e["action"] for e in await timeline(app_id)] == [
        "application_created",
        "piece_submitted",
        "piece_submitted",
        "piece_removed",
    ]
    [event] = (
        await AuditEvent.select(AuditEvent.data)
        .where(AuditEvent.action == "piece_removed")
        .output(load_json=True)
    )
    assert event["data"]["piece_label_fr"] == "CURRICULUM VITAE"


async def test_not_concerned_only_for_conditional_pieces(setup):
    actor, app_id = setup["actor"], setup["application_id"]
    mandatory, conditional = setup["mandatory"], setup["conditional"]

    call = lifecycle.declare_not_concerned(
        application_id=app_id, piece_id=mandatory.id, actor=actor
    )
    assert await refused(call) is Refusal.NOT_CONDITIONAL
    await lifecycle.declare_not_concerned(
        application_id=app_id, piece_id=conditional.id, actor=actor
    )
    assert await statuses(app_id) == {mandatory.id: ("AT", None), conditional.id: ("NC", None)}
    await lifecycle.remove_piece(application_id=app_id, piece_id=conditional.id, actor=actor)
    assert (await statuses(app_id))[conditional.id] == ("AT", None)


async def test_a_piece_not_asked_or_a_foreign_file_or_application_is_not_found(setup, campaign):
    account, actor, app_id = setup["account"], setup["actor"], setup["application_id"]
    other_piece = await make_required_piece(campaign)
    stranger = await make_applicant(campaign)
    strangers_file = await stored_pdf(stranger)
    own_file = await stored_pdf(account)
    cases = [
        lifecycle.submit_piece(
            application_id=app_id, piece_id=other_piece.id, file_id=own_file, actor=actor
        ),
        lifecycle.submit_piece(
            application_id=app_id,
            piece_id=setup["mandatory"].id,
            file_id=strangers_file,
            actor=actor,
        ),
        lifecycle.submit_piece(
            application_id=app_id,
            piece_id=setup["mandatory"].id,
            file_id=own_file,
            actor=Actor.candidate(stranger.id),
        ),
        lifecycle.remove_piece(
            application_id=app_id,
            piece_id=setup["mandatory"].id,
            actor=Actor.candidate(stranger.id),
        ),
        lifecycle.transmit(application_id=app_id, actor=Actor.candidate(stranger.id)),
        lifecycle.cancel(application_id=app_id, actor=Actor.candidate(stranger.id)),
        lifecycle.transmit(application_id=999_999, actor=actor),
    ]
    for call in cases:
        assert await refused(call) is Refusal.NOT_FOUND
    assert await SubmittedPiece.count().where(SubmittedPiece.superseded_at.is_not_null()) == 0


async def test_pieces_are_frozen_after_the_return_date(setup, clock):
    account, actor, app_id = setup["account"], setup["actor"], setup["application_id"]
    file_id = await stored_pdf(account)
    clock.move_to(setup["programme"].return_date + timedelta(days=1))
    call = lifecycle.submit_piece(
        application_id=app_id, piece_id=setup["mandatory"].id, file_id=file_id, actor=actor
    )
    assert await refused(call) is Refusal.NOT_EDITABLE
    # a per-candidate override gives more time
    await Application.update(
        {Application.return_date_override: setup["programme"].return_date + timedelta(days=3)}
    ).where(Application.id == app_id)
    await lifecycle.submit_piece(
        application_id=app_id, piece_id=setup["mandatory"].id, file_id=file_id, actor=actor
    )


async def test_a_validated_piece_is_frozen_and_a_received_dossier_locked(setup):
    account, actor, app_id = setup["account"], setup["actor"], setup["application_id"]
    mandatory, conditional = setup["mandatory"], setup["conditional"]
    file_id = await stored_pdf(account)
    await lifecycle.submit_piece(
        application_id=app_id, piece_id=mandatory.id, file_id=file_id, actor=actor
    )
    await lifecycle.set_piece_status(
        application_id=app_id, piece_id=mandatory.id, status=PieceStatus.VALIDATED, actor=STAFF
    )
    for call in (
        lifecycle.remove_piece(application_id=app_id, piece_id=mandatory.id, actor=actor),
        lifecycle.submit_piece(
            application_id=app_id, piece_id=mandatory.id, file_id=file_id, actor=actor
        ),
    ):
        assert await refused(call) is Refusal.PIECE_FROZEN

    await lifecycle.declare_not_concerned(
        application_id=app_id, piece_id=conditional.id, actor=actor
    )
    await lifecycle.transmit(application_id=app_id, actor=actor)
    call = lifecycle.remove_piece(application_id=app_id, piece_id=conditional.id, actor=actor)
    assert await refused(call) is Refusal.NOT_EDITABLE
    assert await statuses(app_id) == {mandatory.id: ("VA", file_id), conditional.id: ("NC", None)}


async def test_a_common_piece_is_given_to_every_editable_application(campaign):
    shared = await make_required_piece(campaign, common=True)
    own = await make_required_piece(campaign)
    account = await make_applicant(campaign)
    actor = Actor.candidate(account.id)
    programmes = [await make_open_programme(campaign, [shared, own]) for _ in range(3)]
    without = await make_open_programme(campaign, [own])
    ids = [
        (await lifecycle.apply(account_id=account.id, programme_id=p.id)).application_id
        for p in [*programmes, without]
    ]
    transmitted, editable, origin, unrelated = ids[0], ids[1], ids[2], ids[3]
    # the first is transmitted with its own copy: it must never change again
    old_file = await stored_pdf(account, "old.pdf")
    for piece in (shared, own):
        await lifecycle.submit_piece(
            application_id=transmitted, piece_id=piece.id, file_id=old_file, actor=actor
        )
    await lifecycle.transmit(application_id=transmitted, actor=actor)

    new_file = await stored_pdf(account, "new.pdf")
    await lifecycle.submit_piece(
        application_id=origin, piece_id=shared.id, file_id=new_file, actor=actor
    )

    assert (await statuses(origin))[shared.id] == ("TR", new_file)
    assert (await statuses(editable))[shared.id] == ("TR", new_file)
    assert (await statuses(transmitted))[shared.id] == ("TR", old_file)
    assert await statuses(unrelated) == {own.id: ("AT", None)}
    shared_event = (
        await AuditEvent.select(AuditEvent.data)
        .where((AuditEvent.application_id == editable) & (AuditEvent.action == "piece_submitted"))
        .order_by(AuditEvent.id, ascending=False)
        .output(load_json=True)
        .first()
    )
    assert shared_event["data"]["shared_from"] == origin

    # taking it back touches only the application it is taken from
    await lifecycle.remove_piece(application_id=origin, piece_id=shared.id, actor=actor)
    assert (await statuses(origin))[shared.id] == ("AT", None)
    assert (await statuses(editable))[shared.id] == ("TR", new_file)
    assert (await statuses(transmitted))[shared.id] == ("TR", old_file)
    application = await Application.objects().get(Application.id == transmitted)
    assert application.status == DossierStatus.RECEIVED.value


async def test_staff_changes_are_recorded_as_staff(setup):
    account, actor, app_id = setup["account"], setup["actor"], setup["application_id"]
    piece = setup["mandatory"]
    await lifecycle.submit_piece(
        application_id=app_id, piece_id=piece.id, file_id=await stored_pdf(account), actor=actor
    )
    await lifecycle.set_piece_status(
        application_id=app_id,
        piece_id=piece.id,
        status=PieceStatus.REFUSED,
        comment="Illisible",
        actor=STAFF,
    )
    [current] = [p for p in await current_pieces(app_id) if p.piece_id == piece.id]
    assert (current.status, current.comment) == (PieceStatus.REFUSED, "Illisible")
    row = await SubmittedPiece.objects().get(SubmittedPiece.id == current.submitted_id)
    assert row.changed_by == ActorKind.STAFF.value
    # a refused piece can be replaced while the dossier is editable
    await lifecycle.submit_piece(
        application_id=app_id, piece_id=piece.id, file_id=await stored_pdf(account), actor=actor
    )
    assert (await statuses(app_id))[piece.id][0] == "TR"
