"""Issue 5: applying to a programme (DESIGN.md §4 "Applications", guide §05.1)."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.applications import lifecycle
from app.applications.lifecycle import Actor, LifecycleRefused, Refusal
from app.core.codes.applications import DossierStatus, PieceStatus, ProcessingType
from app.core.codes.mail import MailCode
from app.tables.applications import Application, SubmittedPiece
from app.tables.mail import OutboxMail
from app.tables.ops import AuditEvent
from tests.factories import (
    make_account,
    make_campaign,
    make_candidate,
    make_programme,
    make_required_piece,
)
from tests.factories_dossier import make_applicant, make_open_programme, stored_pdf

PARIS = ZoneInfo("Europe/Paris")


async def refused(call) -> Refusal:
    with pytest.raises(LifecycleRefused) as caught:
        await call
    return caught.value.reason


async def test_apply_creates_the_application_its_pieces_an_event_and_a_mail(campaign):
    pieces = [await make_required_piece(campaign), await make_required_piece(campaign)]
    programme = await make_open_programme(campaign, pieces, label="CESURE FSI L1 (ANNEE)")
    account = await make_applicant(campaign, first_name="Léa", last_name="MARTIN")

    change = await lifecycle.apply(account_id=account.id, programme_id=programme.id)

    application = await Application.objects().get(Application.id == change.application_id)
    assert (application.status, application.processing_type) == ("AT", "AC")
    assert application.processing_type_validated is True
    assert application.cancelled_at is None and application.answer is None
    rows = await SubmittedPiece.select(
        SubmittedPiece.piece, SubmittedPiece.status, SubmittedPiece.file
    ).where(SubmittedPiece.application == application.id)
    assert sorted((r["piece"], r["status"], r["file"]) for r in rows) == [
        (pieces[0].id, "AT", None),
        (pieces[1].id, "AT", None),
    ]
    events = await AuditEvent.select(
        AuditEvent.action, AuditEvent.visible_to_candidate, AuditEvent.actor_id
    ).where(AuditEvent.application_id == application.id)
    assert events == [
        {"action": "application_created", "visible_to_candidate": True, "actor_id": account.id}
    ]
    [mail] = await OutboxMail.objects().where(OutboxMail.id.is_in(change.mail_ids))
    assert (mail.to_address, mail.template_code, mail.status) == (
        account.email,
        MailCode.APPLICATION_CREATED.value,
        "queued",
    )
    assert mail.subject == "eCésure : votre candidature est enregistrée"
    assert "Bonjour Léa MARTIN" in mail.text
    assert "« CESURE FSI L1 (ANNEE) »" in mail.text
    assert f"avant le {programme.return_date:%d/%m/%Y}" in mail.text
    assert f"http://testserver.local/candidatures/{application.id}" in mail.text


async def test_direct_access_waits_for_staff_and_gets_its_own_pieces(campaign):
    common = await make_required_piece(campaign)
    controlled_only = await make_required_piece(
        campaign, processing_type=ProcessingType.CONTROLLED.value
    )
    direct_only = await make_required_piece(campaign, processing_type=ProcessingType.DIRECT.value)
    programme = await make_open_programme(
        campaign,
        [common, controlled_only, direct_only],
        processing_type=ProcessingType.DIRECT.value,
    )
    account = await make_applicant(campaign)

    change = await lifecycle.apply(account_id=account.id, programme_id=programme.id)

    application = await Application.objects().get(Application.id == change.application_id)
    assert (application.processing_type, application.processing_type_validated) == ("AD", False)
    asked = await SubmittedPiece.select(SubmittedPiece.piece).where(
        SubmittedPiece.application == application.id
    )
    assert sorted(r["piece"] for r in asked) == sorted([common.id, direct_only.id])


@pytest.mark.parametrize(
    ("paris_time", "accepted"),
    [
        (datetime(2026, 7, 1, 23, 59, 59, tzinfo=PARIS), True),
        (datetime(2026, 7, 2, 0, 0, 1, tzinfo=PARIS), False),
        (datetime(2026, 6, 1, 0, 0, 0, tzinfo=PARIS), True),
        (datetime(2026, 5, 31, 23, 59, 59, tzinfo=PARIS), False),
    ],
    ids=["last-second", "a-second-late", "first-second", "a-second-early"],
)
async def test_the_deposit_window_is_inclusive_in_paris(campaign, clock, paris_time, accepted):
    programme = await make_open_programme(
        campaign,
        deposit_start=date(2026, 6, 1),
        deposit_end=date(2026, 7, 1),
        return_date=date(2026, 7, 8),
    )
    account = await make_applicant(campaign)
    clock.move_to(paris_time)  # 23:59:59 in Paris is 21:59:59 UTC: the Paris date counts
    call = lifecycle.apply(account_id=account.id, programme_id=programme.id)
    if accepted:
        assert (await call).application_id
    else:
        assert await refused(call) is Refusal.PROGRAMME_CLOSED
        assert await Application.count() == 0
        assert await OutboxMail.count() == 0


async def test_closed_inactive_or_foreign_programmes_are_refused(campaign):
    account = await make_applicant(campaign)
    inactive = await make_open_programme(campaign, active=False)
    closed_centre = await make_open_programme(campaign, centre={"active": False})
    other_campaign = await make_campaign(active=False)
    foreign = await make_open_programme(other_campaign)
    for programme in (inactive, closed_centre, foreign):
        call = lifecycle.apply(account_id=account.id, programme_id=programme.id)
        assert await refused(call) is Refusal.PROGRAMME_CLOSED
    assert await refused(lifecycle.apply(account_id=account.id, programme_id=999_999)) is (
        Refusal.NOT_FOUND
    )
    assert await Application.count() == 0


async def test_an_incomplete_dossier_cannot_apply(campaign):
    programme = await make_open_programme(campaign)
    bare = await make_account(campaign)
    await make_candidate(bare)  # identity without nationality, no address, no bac
    no_dossier = await make_account(campaign)
    for account in (bare, no_dossier):
        call = lifecycle.apply(account_id=account.id, programme_id=programme.id)
        assert await refused(call) is Refusal.DOSSIER_INCOMPLETE
    assert await Application.count() == 0


async def test_one_live_application_per_programme_until_cancelled(campaign):
    programme = await make_open_programme(campaign)
    account = await make_applicant(campaign)
    first = await lifecycle.apply(account_id=account.id, programme_id=programme.id)

    again = lifecycle.apply(account_id=account.id, programme_id=programme.id)
    assert await refused(again) is Refusal.ALREADY_APPLIED

    await lifecycle.cancel(application_id=first.application_id, actor=Actor.candidate(account.id))
    second = await lifecycle.apply(account_id=account.id, programme_id=programme.id)
    assert second.application_id != first.application_id
    assert await Application.count().where(Application.cancelled_at.is_null()) == 1


async def test_the_database_refuses_a_second_live_application(campaign):
    """The partial unique index backs the check (concurrent applies, raw inserts)."""
    programme = await make_open_programme(campaign)
    account = await make_applicant(campaign)
    change = await lifecycle.apply(account_id=account.id, programme_id=programme.id)
    row = await Application.objects().get(Application.id == change.application_id)
    with pytest.raises(Exception, match=r"(?i)unique|duplicate"):
        await Application.insert(
            Application(candidate=row.candidate, programme=programme.id, processing_type="AC")
        )


async def test_concurrent_applies_make_one_application(campaign):
    programme = await make_open_programme(campaign)
    account = await make_applicant(campaign)
    outcomes = await asyncio.gather(
        *(lifecycle.apply(account_id=account.id, programme_id=programme.id) for _ in range(10)),
        return_exceptions=True,
    )
    made = [o for o in outcomes if isinstance(o, lifecycle.Change)]
    refusals = [o.reason for o in outcomes if isinstance(o, LifecycleRefused)]
    assert len(made) == 1
    assert refusals == [Refusal.ALREADY_APPLIED] * 9
    assert await Application.count() == 1
    assert await OutboxMail.count() == 1


async def test_the_number_of_wishes_is_limited(campaign, settings_override):
    assert settings_override(MAX_WISHES=2).max_wishes == 2
    account = await make_applicant(campaign)
    programmes = [await make_open_programme(campaign) for _ in range(3)]
    first = await lifecycle.apply(account_id=account.id, programme_id=programmes[0].id)
    await lifecycle.apply(account_id=account.id, programme_id=programmes[1].id)

    call = lifecycle.apply(account_id=account.id, programme_id=programmes[2].id)
    assert await refused(call) is Refusal.TOO_MANY_WISHES

    # a cancelled application is no longer a wish
    await lifecycle.cancel(application_id=first.application_id, actor=Actor.candidate(account.id))
    assert await lifecycle.apply(account_id=account.id, programme_id=programmes[2].id)


async def test_a_centre_may_limit_the_wishes_made_in_it(campaign):
    account = await make_applicant(campaign)
    one = await make_open_programme(campaign, centre={"max_wishes": 1})
    sibling = await make_programme(one.commission)
    elsewhere = await make_open_programme(campaign)
    await lifecycle.apply(account_id=account.id, programme_id=one.id)
    call = lifecycle.apply(account_id=account.id, programme_id=sibling.id)
    assert await refused(call) is Refusal.TOO_MANY_WISHES
    assert await lifecycle.apply(account_id=account.id, programme_id=elsewhere.id)


async def test_a_common_piece_already_given_is_reused(campaign):
    shared = await make_required_piece(campaign, common=True)
    per_application = await make_required_piece(campaign, common=True, unique_per_application=True)
    own = await make_required_piece(campaign)
    account = await make_applicant(campaign)
    actor = Actor.candidate(account.id)
    first_programme = await make_open_programme(campaign, [shared, per_application, own])
    second_programme = await make_open_programme(campaign, [shared, per_application, own])
    first = await lifecycle.apply(account_id=account.id, programme_id=first_programme.id)
    file_ids = {}
    for piece in (shared, per_application, own):
        file_ids[piece.id] = await stored_pdf(account)
        await lifecycle.submit_piece(
            application_id=first.application_id,
            piece_id=piece.id,
            file_id=file_ids[piece.id],
            actor=actor,
        )

    second = await lifecycle.apply(account_id=account.id, programme_id=second_programme.id)

    rows = await SubmittedPiece.select(
        SubmittedPiece.piece, SubmittedPiece.status, SubmittedPiece.file
    ).where(SubmittedPiece.application == second.application_id)
    assert {r["piece"]: (r["status"], r["file"]) for r in rows} == {
        shared.id: (PieceStatus.TRANSMITTED.value, file_ids[shared.id]),
        per_application.id: (PieceStatus.WAITING.value, None),
        own.id: (PieceStatus.WAITING.value, None),
    }
    application = await Application.objects().get(Application.id == second.application_id)
    assert application.status == DossierStatus.WAITING.value


async def test_a_programme_opening_tomorrow_is_closed_today(campaign, clock):
    programme = await make_open_programme(
        campaign, deposit_start=date(2026, 6, 16), deposit_end=date(2026, 6, 30)
    )
    account = await make_applicant(campaign)
    call = lifecycle.apply(account_id=account.id, programme_id=programme.id)
    assert await refused(call) is Refusal.PROGRAMME_CLOSED
    clock.shift(timedelta(days=1))
    assert await lifecycle.apply(account_id=account.id, programme_id=programme.id)
