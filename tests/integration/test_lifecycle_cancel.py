"""Issue 12 item 7: cancelling (guide §05.3) "tant que celle-ci n'a pas été traitée par
le gestionnaire" — waiting or transmitted, no piece reviewed, no status set, no
decision; final, mailed to the candidate and to the commission; one winner against a
staff review at the same moment."""

from __future__ import annotations

import asyncio
import json

import pytest

from app.applications import lifecycle
from app.applications.lifecycle import Actor, Change, LifecycleRefused, Refusal
from app.core.codes.applications import DossierStatus, PieceStatus, Verdict
from app.core.codes.mail import MailCode
from app.tables.applications import Application, SubmittedPiece
from app.tables.mail import OutboxMail
from app.tables.ops import AuditEvent
from tests.factories import make_required_piece
from tests.factories_dossier import (
    decide,
    make_applicant,
    make_decision_type,
    make_open_programme,
    stored_pdf,
)

STAFF = Actor.staff(3)
COMMISSION_MAIL = "commission.f2smh@univ.example"


async def refused(call) -> Refusal:
    with pytest.raises(LifecycleRefused) as caught:
        await call
    return caught.value.reason


async def transmitted(campaign, *, commission: dict | None = None):
    """A candidate's application with one piece given, transmitted (RE); returns
    (account, actor, application id, piece)."""
    piece = await make_required_piece(campaign, label_fr="LETTRE DE MOTIVATION")
    programme = await make_open_programme(
        campaign, [piece], commission={"email": COMMISSION_MAIL, **(commission or {})}
    )
    account = await make_applicant(campaign, first_name="Camille", last_name="DURAND")
    actor = Actor.candidate(account.id)
    app_id = (
        await lifecycle.apply(account_id=account.id, programme_id=programme.id)
    ).application_id
    await lifecycle.submit_piece(
        application_id=app_id, piece_id=piece.id, file_id=await stored_pdf(account), actor=actor
    )
    await lifecycle.transmit(application_id=app_id, actor=actor)
    return account, actor, app_id, piece


async def written() -> tuple[int, int, int]:
    """Audit events, outbox mails and cancelled applications: a refusal changes none."""
    return (
        await AuditEvent.count(),
        await OutboxMail.count(),
        await Application.count().where(Application.cancelled_at.is_not_null()),
    )


async def test_a_transmitted_application_nobody_processed_can_be_cancelled(campaign):
    account, actor, app_id, _piece = await transmitted(campaign)
    await OutboxMail.delete(force=True)

    change = await lifecycle.cancel(application_id=app_id, actor=actor)

    application = await Application.objects().get(Application.id == app_id)
    assert application.cancelled_at is not None
    assert application.status == DossierStatus.RECEIVED.value  # the status is kept
    mails = await OutboxMail.select(
        OutboxMail.id, OutboxMail.template_code, OutboxMail.to_address, OutboxMail.subject
    ).order_by(OutboxMail.id)
    assert sorted(change.mail_ids) == [m["id"] for m in mails]
    assert [(m["template_code"], m["to_address"]) for m in mails] == [
        (MailCode.APPLICATION_CANCELLED.value, account.email),
        (MailCode.COMMISSION_CANCELLATION.value, COMMISSION_MAIL),
    ]
    assert mails[0]["subject"] == "eCésure : candidature annulée"
    assert mails[1]["subject"].startswith("eCésure : candidature annulée — ")
    [event] = await AuditEvent.select(AuditEvent.data, AuditEvent.visible_to_candidate).where(
        AuditEvent.action == "application_cancelled"
    )
    assert event["visible_to_candidate"] is True
    assert json.loads(event["data"]) == {"status": "RE"}
    assert await refused(lifecycle.cancel(application_id=app_id, actor=actor)) is (
        Refusal.NOT_CANCELLABLE
    )


async def test_the_commission_mail_follows_its_alert_setting(campaign):
    account, actor, app_id, _piece = await transmitted(
        campaign, commission={"alert_on_cancellation": False}
    )
    change = await lifecycle.cancel(application_id=app_id, actor=actor)
    [mail] = await OutboxMail.select(OutboxMail.template_code, OutboxMail.to_address).where(
        OutboxMail.id.is_in(change.mail_ids)
    )
    assert (mail["template_code"], mail["to_address"]) == (
        MailCode.APPLICATION_CANCELLED.value,
        account.email,
    )


@pytest.mark.parametrize(
    "verdict",
    [PieceStatus.VALIDATED, PieceStatus.REFUSED],
)
async def test_a_reviewed_piece_means_processed(campaign, verdict):
    _account, actor, app_id, piece = await transmitted(campaign)
    await lifecycle.set_piece_status(
        application_id=app_id, piece_id=piece.id, status=verdict, comment="vu", actor=STAFF
    )
    before = await written()
    assert await refused(lifecycle.cancel(application_id=app_id, actor=actor)) is (
        Refusal.NOT_CANCELLABLE
    )
    assert await written() == before


@pytest.mark.parametrize("status", [DossierStatus.INCOMPLETE, DossierStatus.COMPLETE])
async def test_a_dossier_status_set_means_processed(campaign, status):
    _account, actor, app_id, _piece = await transmitted(campaign)
    await lifecycle.set_dossier_status(application_id=app_id, status=status, actor=STAFF)
    before = await written()
    assert await refused(lifecycle.cancel(application_id=app_id, actor=actor)) is (
        Refusal.NOT_CANCELLABLE
    )
    assert await written() == before


async def test_transmitted_again_after_incomplete_is_still_processed(campaign):
    _account, actor, app_id, _piece = await transmitted(campaign)
    await lifecycle.set_dossier_status(
        application_id=app_id, status=DossierStatus.INCOMPLETE, actor=STAFF
    )
    await lifecycle.transmit(application_id=app_id, actor=actor)
    assert (await Application.objects().get(Application.id == app_id)).status == "RE"
    assert await refused(lifecycle.cancel(application_id=app_id, actor=actor)) is (
        Refusal.NOT_CANCELLABLE
    )


async def test_a_piece_refused_then_replaced_still_counts(campaign):
    """Staff may judge a piece before transmission; the candidate's new file does not
    erase that the dossier was looked at."""
    piece = await make_required_piece(campaign)
    programme = await make_open_programme(campaign, [piece])
    account = await make_applicant(campaign)
    actor = Actor.candidate(account.id)
    app_id = (
        await lifecycle.apply(account_id=account.id, programme_id=programme.id)
    ).application_id
    on_piece = {"application_id": app_id, "piece_id": piece.id}
    await lifecycle.submit_piece(**on_piece, file_id=await stored_pdf(account), actor=actor)
    await lifecycle.set_piece_status(**on_piece, status=PieceStatus.REFUSED, actor=STAFF)
    await lifecycle.submit_piece(**on_piece, file_id=await stored_pdf(account), actor=actor)
    current = await SubmittedPiece.select(SubmittedPiece.status, SubmittedPiece.changed_by).where(
        (SubmittedPiece.application == app_id) & SubmittedPiece.superseded_at.is_null()
    )
    assert current == [{"status": "TR", "changed_by": "candidate"}]
    assert await refused(lifecycle.cancel(application_id=app_id, actor=actor)) is (
        Refusal.NOT_CANCELLABLE
    )


async def test_a_decision_entered_means_processed(campaign):
    _account, actor, app_id, _piece = await transmitted(campaign)
    await decide(app_id, await make_decision_type(Verdict.PRESELECTION), validate=False)
    assert await refused(lifecycle.cancel(application_id=app_id, actor=actor)) is (
        Refusal.NOT_CANCELLABLE
    )


async def test_someone_else_cannot_cancel(campaign):
    _account, _actor, app_id, _piece = await transmitted(campaign)
    other = await make_applicant(campaign, email="autre@example.org")
    before = await written()
    for actor in (Actor.candidate(other.id), Actor.candidate(10**9)):
        assert await refused(lifecycle.cancel(application_id=app_id, actor=actor)) is (
            Refusal.NOT_FOUND
        )
    assert await refused(lifecycle.cancel(application_id=10**9, actor=_actor)) is (
        Refusal.NOT_FOUND
    )
    assert await written() == before


async def test_staff_review_and_cancel_at_once_one_wins(campaign):
    """Ten rounds of a staff review and the candidate's cancellation started together:
    each round ends either cancelled with the piece unreviewed, or reviewed and live —
    never both (PostgreSQL: two connections of the pool; SQLite: one writer at a time)."""
    outcomes = set()
    for _ in range(10):
        _account, actor, app_id, piece = await transmitted(campaign)
        review, cancel = await asyncio.gather(
            lifecycle.set_piece_status(
                application_id=app_id,
                piece_id=piece.id,
                status=PieceStatus.VALIDATED,
                actor=STAFF,
            ),
            lifecycle.cancel(application_id=app_id, actor=actor),
            return_exceptions=True,
        )
        application = await Application.objects().get(Application.id == app_id)
        [current] = await SubmittedPiece.select(SubmittedPiece.status).where(
            (SubmittedPiece.application == app_id) & SubmittedPiece.superseded_at.is_null()
        )
        if isinstance(cancel, Change):
            assert isinstance(review, LifecycleRefused), review
            assert review.reason is Refusal.INVALID
            assert application.cancelled_at is not None and current["status"] == "TR"
            outcomes.add("cancelled")
        else:
            assert isinstance(review, Change), review
            assert isinstance(cancel, LifecycleRefused), cancel
            assert cancel.reason is Refusal.NOT_CANCELLABLE
            assert application.cancelled_at is None and current["status"] == "VA"
            outcomes.add("reviewed")
        cancelled_events = await AuditEvent.count().where(
            (AuditEvent.application_id == app_id) & (AuditEvent.action == "application_cancelled")
        )
        reviewed_events = await AuditEvent.count().where(
            (AuditEvent.application_id == app_id) & (AuditEvent.action == "piece_validated")
        )
        assert cancelled_events + reviewed_events == 1
    assert outcomes  # at least one round ran; which side wins is the scheduler's choice
