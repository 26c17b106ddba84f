"""Issue 5: cancelling (guide §05.3) and the staff actions: piece and dossier statuses,
processing type, decisions entered (hidden) then validated (shown and mailed)."""

from __future__ import annotations

import pytest

from app.applications import lifecycle
from app.applications.lifecycle import Actor, LifecycleRefused, Refusal
from app.applications.queries import application_for, current_decision, timeline
from app.core.codes.applications import DossierStatus, PieceStatus, ProcessingType, Verdict
from app.core.codes.mail import MailCode
from app.tables.applications import Application, Decision
from app.tables.mail import OutboxMail
from app.tables.ops import AuditEvent
from tests.factories import make_required_piece
from tests.factories_dossier import (
    decide,
    make_applicant,
    make_decision_type,
    make_open_programme,
    make_received_application,
    make_refusal_reason,
    stored_pdf,
)

STAFF = Actor.staff(7)


async def refused(call) -> Refusal:
    with pytest.raises(LifecycleRefused) as caught:
        await call
    return caught.value.reason


async def mails_of(change) -> list[tuple[str, str]]:
    rows = await OutboxMail.select(OutboxMail.template_code, OutboxMail.to_address).where(
        OutboxMail.id.is_in(change.mail_ids)
    )
    return sorted((r["template_code"], r["to_address"]) for r in rows)


# --- cancel -------------------------------------------------------------------------


async def test_cancel_is_final_and_mailed(campaign):
    programme = await make_open_programme(campaign, commission={"email": "comm@univ.example"})
    account = await make_applicant(campaign)
    actor = Actor.candidate(account.id)
    app_id = (
        await lifecycle.apply(account_id=account.id, programme_id=programme.id)
    ).application_id

    change = await lifecycle.cancel(application_id=app_id, actor=actor)

    application = await Application.objects().get(Application.id == app_id)
    assert application.cancelled_at is not None
    assert application.status == DossierStatus.WAITING.value
    assert await mails_of(change) == [
        (MailCode.APPLICATION_CANCELLED.value, account.email),
        (MailCode.COMMISSION_CANCELLATION.value, "comm@univ.example"),
    ]
    assert [e["action"] for e in await timeline(app_id)] == [
        "application_created",
        "application_cancelled",
    ]
    for call in (
        lifecycle.cancel(application_id=app_id, actor=actor),
        lifecycle.transmit(application_id=app_id, actor=actor),
    ):
        assert await refused(call) in {Refusal.NOT_CANCELLABLE, Refusal.NOT_EDITABLE}
    assert (await application_for(account.id, app_id)).cancelled_at is not None


async def test_a_decided_application_cannot_be_cancelled(campaign):
    """Transmitted but untouched, it could be (test_lifecycle_cancel); once a decision
    is entered, staff have processed it."""
    account, app_id = await make_received_application(campaign)
    actor = Actor.candidate(account.id)
    await decide(app_id, await make_decision_type(Verdict.PRESELECTION), validate=False)
    assert await refused(lifecycle.cancel(application_id=app_id, actor=actor)) is (
        Refusal.NOT_CANCELLABLE
    )


# --- pieces and dossier status ------------------------------------------------------------


async def test_a_refused_piece_is_mailed_with_its_comment(campaign):
    piece = await make_required_piece(campaign, label_fr="LETTRE DE MOTIVATION")
    programme = await make_open_programme(campaign, [piece])
    account = await make_applicant(campaign)
    actor = Actor.candidate(account.id)
    app_id = (
        await lifecycle.apply(account_id=account.id, programme_id=programme.id)
    ).application_id
    await lifecycle.submit_piece(
        application_id=app_id, piece_id=piece.id, file_id=await stored_pdf(account), actor=actor
    )
    await lifecycle.transmit(application_id=app_id, actor=actor)

    change = await lifecycle.set_piece_status(
        application_id=app_id,
        piece_id=piece.id,
        status=PieceStatus.REFUSED,
        comment="Lettre non signée",
        actor=STAFF,
    )

    [mail] = await OutboxMail.objects().where(OutboxMail.id.is_in(change.mail_ids))
    assert (mail.template_code, mail.to_address) == (MailCode.PIECE_REFUSED.value, account.email)
    assert "« LETTRE DE MOTIVATION »" in mail.text and "Lettre non signée" in mail.text
    event = (await timeline(app_id))[-1]
    assert event["action"] == "piece_refused"
    assert event["data"]["comment"] == "Lettre non signée"
    # validating is silent and not in the candidate's timeline
    change = await lifecycle.set_piece_status(
        application_id=app_id, piece_id=piece.id, status=PieceStatus.VALIDATED, actor=STAFF
    )
    assert change.mail_ids == []
    assert (await timeline(app_id))[-1]["action"] == "piece_refused"


async def test_staff_piece_input_is_checked(campaign):
    piece = await make_required_piece(campaign)
    programme = await make_open_programme(campaign, [piece])
    account = await make_applicant(campaign)
    app_id = (
        await lifecycle.apply(account_id=account.id, programme_id=programme.id)
    ).application_id
    for status in (PieceStatus.VALIDATED, "ZZ", PieceStatus.TRANSMITTED):
        call = lifecycle.set_piece_status(
            application_id=app_id, piece_id=piece.id, status=status, actor=STAFF
        )
        assert await refused(call) is Refusal.INVALID  # nothing given yet, or not a verdict
    candidate = Actor.candidate(account.id)
    call = lifecycle.set_piece_status(
        application_id=app_id, piece_id=piece.id, status=PieceStatus.VALIDATED, actor=candidate
    )
    assert await refused(call) is Refusal.NOT_FOUND


async def test_dossier_status_incomplete_then_complete(campaign):
    account, app_id = await make_received_application(campaign)

    incomplete = await lifecycle.set_dossier_status(
        application_id=app_id, status=DossierStatus.INCOMPLETE, actor=STAFF
    )
    complete = await lifecycle.set_dossier_status(
        application_id=app_id, status=DossierStatus.COMPLETE, actor=STAFF
    )

    application = await Application.objects().get(Application.id == app_id)
    assert application.status == DossierStatus.COMPLETE.value
    assert application.incomplete_at is not None and application.completed_at is not None
    assert await mails_of(incomplete) == [(MailCode.STATUS_INCOMPLETE.value, account.email)]
    assert await mails_of(complete) == [(MailCode.STATUS_COMPLETE.value, account.email)]
    assert [e["action"] for e in await timeline(app_id)][-2:] == [
        "status_incomplete",
        "status_complete",
    ]
    for status in (DossierStatus.COMPLETE, DossierStatus.WAITING, DossierStatus.RECEIVED):
        call = lifecycle.set_dossier_status(application_id=app_id, status=status, actor=STAFF)
        assert await refused(call) is Refusal.INVALID


async def test_a_waiting_dossier_cannot_be_marked_by_staff(campaign):
    programme = await make_open_programme(campaign)
    account = await make_applicant(campaign)
    app_id = (
        await lifecycle.apply(account_id=account.id, programme_id=programme.id)
    ).application_id
    call = lifecycle.set_dossier_status(
        application_id=app_id, status=DossierStatus.COMPLETE, actor=STAFF
    )
    assert await refused(call) is Refusal.INVALID


async def test_direct_access_is_validated_once(campaign):
    programme = await make_open_programme(campaign, processing_type=ProcessingType.DIRECT.value)
    account = await make_applicant(campaign)
    app_id = (
        await lifecycle.apply(account_id=account.id, programme_id=programme.id)
    ).application_id
    await lifecycle.validate_processing_type(application_id=app_id, actor=STAFF)
    assert (await Application.objects().get(Application.id == app_id)).processing_type_validated
    call = lifecycle.validate_processing_type(application_id=app_id, actor=STAFF)
    assert await refused(call) is Refusal.INVALID


# --- decisions ----------------------------------------------------------------------


async def test_a_decision_is_hidden_until_validated_then_mailed(campaign):
    account, app_id = await make_received_application(campaign)
    favourable = await make_decision_type(Verdict.FAVOURABLE, label_fr="Avis favorable")

    decision_id = await lifecycle.enter_decision(
        application_id=app_id,
        decision_type_id=favourable.id,
        comment="Projet solide",
        actor=STAFF,
    )

    assert await current_decision(app_id) is None
    assert (await current_decision(app_id, validated_only=False)).id == decision_id
    view = await application_for(account.id, app_id)
    assert view.visible_decision is None and view.decision.id == decision_id
    assert "decision_entered" not in [e["action"] for e in await timeline(app_id)]
    assert await OutboxMail.count().where(OutboxMail.template_code.like("decision_%")) == 0

    change = await lifecycle.validate_decision(decision_id=decision_id, actor=STAFF)

    decision = await Decision.objects().get(Decision.id == decision_id)
    assert (decision.validated, decision.validated_by, decision.entered_by) == (True, 7, 7)
    shown = await current_decision(app_id)
    assert (shown.verdict, shown.label_fr, shown.comment) == (
        Verdict.FAVOURABLE,
        "Avis favorable",
        "Projet solide",
    )
    [mail] = await OutboxMail.objects().where(OutboxMail.id.is_in(change.mail_ids))
    assert (mail.template_code, mail.to_address) == (MailCode.DECISION_FA.value, account.email)
    assert "<strong>Avis favorable</strong>" in mail.html
    assert "Projet solide" in mail.text
    assert "Vous devez impérativement confirmer cet avis" in mail.text
    assert (await timeline(app_id))[-1]["action"] == "decision_validated"
    assert await refused(lifecycle.validate_decision(decision_id=decision_id, actor=STAFF)) is (
        Refusal.INVALID
    )


async def test_only_the_latest_decision_can_be_validated(campaign):
    _, app_id = await make_received_application(campaign)
    pre = await decide(app_id, await make_decision_type(Verdict.PRESELECTION), validate=False)
    await decide(app_id, await make_decision_type(Verdict.WAITING_LIST), validate=False)
    assert await refused(lifecycle.validate_decision(decision_id=pre, actor=STAFF)) is (
        Refusal.INVALID
    )
    assert await refused(lifecycle.validate_decision(decision_id=999_999, actor=STAFF)) is (
        Refusal.NOT_FOUND
    )


async def test_decision_input_is_checked(campaign):
    _, app_id = await make_received_application(campaign)
    unfavourable = await make_decision_type(Verdict.UNFAVOURABLE)
    waiting = await make_decision_type(Verdict.COMPLEMENTARY_LIST)
    inactive = await make_decision_type(Verdict.FAVOURABLE, active=False)
    reason = await make_refusal_reason()
    bad = [
        {"decision_type_id": inactive.id},
        {"decision_type_id": 999_999},
        {"decision_type_id": waiting.id},  # an LC needs its rank
        {"decision_type_id": waiting.id, "rank": 0},
        {"decision_type_id": unfavourable.id, "rank": 2},
        {"decision_type_id": waiting.id, "rank": 1, "refusal_reason_id": reason.id},
        {"decision_type_id": unfavourable.id, "refusal_reason_id": 999_999},
        {"decision_type_id": unfavourable.id, "comment": "x" * 1001},
    ]
    for fields in bad:
        call = lifecycle.enter_decision(application_id=app_id, actor=STAFF, **fields)
        assert await refused(call) is Refusal.INVALID, fields
    assert await Decision.count() == 0

    decision_id = await lifecycle.enter_decision(
        application_id=app_id,
        decision_type_id=unfavourable.id,
        refusal_reason_id=reason.id,
        actor=STAFF,
    )
    change = await lifecycle.validate_decision(decision_id=decision_id, actor=STAFF)
    [mail] = await OutboxMail.objects().where(OutboxMail.id.is_in(change.mail_ids))
    assert mail.template_code == MailCode.DECISION_DE.value
    assert f"Motif : {reason.label_fr}" in mail.text


async def test_no_decision_before_transmission(campaign):
    programme = await make_open_programme(campaign)
    account = await make_applicant(campaign)
    app_id = (
        await lifecycle.apply(account_id=account.id, programme_id=programme.id)
    ).application_id
    favourable = await make_decision_type(Verdict.FAVOURABLE)
    call = lifecycle.enter_decision(
        application_id=app_id, decision_type_id=favourable.id, actor=STAFF
    )
    assert await refused(call) is Refusal.INVALID
    assert await AuditEvent.count().where(AuditEvent.action == "decision_entered") == 0


async def test_a_waiting_list_decision_mails_the_rank(campaign):
    account, app_id = await make_received_application(campaign)
    await decide(app_id, await make_decision_type(Verdict.COMPLEMENTARY_LIST), rank=3)
    mail = await OutboxMail.objects().get(OutboxMail.template_code == MailCode.DECISION_LC.value)
    assert mail.to_address == account.email
    assert "Votre rang sur la liste complémentaire : 3." in mail.text
