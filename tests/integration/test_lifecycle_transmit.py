"""Issue 5: transmitting a dossier (guide §05.4): rules, dates, mails, and twenty
clicks at once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from app.applications import lifecycle
from app.applications.lifecycle import Actor, Change, LifecycleRefused, Refusal
from app.core.codes.applications import DossierStatus, PieceStatus
from app.core.codes.mail import MailCode
from app.mail.outbox import enqueue_mails
from app.tables.applications import Application
from app.tables.mail import OutboxMail
from app.tables.ops import AuditEvent
from tests.factories import make_required_piece
from tests.factories_dossier import make_applicant, make_open_programme, stored_pdf

STAFF = Actor.staff(1)
NOW = datetime(2026, 6, 15, 10, 0, tzinfo=UTC)  # the clock fixture's instant


async def refused(call) -> Refusal:
    with pytest.raises(LifecycleRefused) as caught:
        await call
    return caught.value.reason


async def applied(campaign, *, pieces: int = 2, commission: dict | None = None, **programme):
    """A candidate's fresh application; returns (account, actor, application id, pieces)."""
    required = [await make_required_piece(campaign) for _ in range(pieces)]
    prog = await make_open_programme(
        campaign,
        required,
        label="GESTION CESURE F2SMH (ANNEE)",
        commission={"label": "Commission F2SMH", **(commission or {})},
        **programme,
    )
    account = await make_applicant(campaign, first_name="Camille", last_name="DURAND")
    change = await lifecycle.apply(account_id=account.id, programme_id=prog.id)
    return account, Actor.candidate(account.id), change.application_id, required


async def give_all(account, actor, application_id, pieces) -> None:
    for piece in pieces:
        await lifecycle.submit_piece(
            application_id=application_id,
            piece_id=piece.id,
            file_id=await stored_pdf(account),
            actor=actor,
        )


async def test_transmit_receives_the_dossier_and_mails_candidate_and_commission(
    campaign, redis, run_worker, smtp_sink
):
    account, actor, app_id, pieces = await applied(campaign)
    await give_all(account, actor, app_id, pieces)
    await OutboxMail.delete(force=True)  # the creation mail is not this test's subject

    change = await lifecycle.transmit(application_id=app_id, actor=actor)

    application = await Application.objects().get(Application.id == app_id)
    assert application.status == DossierStatus.RECEIVED.value
    assert application.received_at == application.transmitted_at == NOW
    assert application.status_changed_at == NOW
    assert await AuditEvent.count().where(AuditEvent.action == "application_transmitted") == 1
    mails = await OutboxMail.select(OutboxMail.template_code, OutboxMail.to_address).where(
        OutboxMail.id.is_in(change.mail_ids)
    )
    commission_email = (
        await Application.select(Application.programme.commission.email.as_alias("email"))
        .where(Application.id == app_id)
        .first()
    )["email"]
    assert sorted((m["template_code"], m["to_address"]) for m in mails) == [
        (MailCode.APPLICATION_TRANSMITTED.value, account.email),
        (MailCode.COMMISSION_TRANSMISSION.value, commission_email),
    ]

    assert await enqueue_mails(redis, change.mail_ids) == 2
    assert await run_worker() == 2
    by_recipient = {m["To"]: m for m in smtp_sink.messages}
    assert set(by_recipient) == {account.email, commission_email}
    to_candidate = by_recipient[account.email]
    assert to_candidate["Subject"] == "eCésure : accusé de réception de votre candidature"
    text = to_candidate.get_body(("plain",)).get_content()
    assert "Bonjour Camille DURAND" in text
    assert "« GESTION CESURE F2SMH (ANNEE) »" in text
    assert "transmise le 15/06/2026" in text
    assert f"http://testserver.local/candidatures/{app_id}" in text
    to_commission = by_recipient[commission_email]
    code = await _programme_code(app_id)
    assert to_commission["Subject"] == f"eCésure : candidature transmise — {code} — {account.login}"
    body = to_commission.get_body(("plain",)).get_content()
    assert f"Camille DURAND (dossier {account.login}) a transmis le 15/06/2026" in body


async def _programme_code(application_id: int) -> str:
    row = (
        await Application.select(Application.programme.code.as_alias("code"))
        .where(Application.id == application_id)
        .first()
    )
    return row["code"]


async def test_no_commission_alert_without_address_or_wish(campaign):
    for commission in ({"email": ""}, {"alert_on_transmission": False}):
        account, actor, app_id, pieces = await applied(campaign, commission=commission)
        await give_all(account, actor, app_id, pieces)
        change = await lifecycle.transmit(application_id=app_id, actor=actor)
        codes = await OutboxMail.select(OutboxMail.template_code).where(
            OutboxMail.id.is_in(change.mail_ids)
        )
        assert codes == [{"template_code": MailCode.APPLICATION_TRANSMITTED.value}]


async def test_several_commission_addresses_get_one_mail_each(campaign):
    account, actor, app_id, pieces = await applied(
        campaign, commission={"email": "scol@univ.example, direction@univ.example"}
    )
    await give_all(account, actor, app_id, pieces)
    change = await lifecycle.transmit(application_id=app_id, actor=actor)
    rows = await OutboxMail.select(OutboxMail.to_address).where(
        OutboxMail.id.is_in(change.mail_ids)
        & (OutboxMail.template_code == MailCode.COMMISSION_TRANSMISSION.value)
    )
    assert sorted(r["to_address"] for r in rows) == ["direction@univ.example", "scol@univ.example"]


async def test_every_piece_must_be_given_or_not_concerned(campaign):
    account, actor, app_id, pieces = await applied(campaign, pieces=3)
    await lifecycle.submit_piece(
        application_id=app_id, piece_id=pieces[0].id, file_id=await stored_pdf(account), actor=actor
    )
    assert await refused(lifecycle.transmit(application_id=app_id, actor=actor)) is (
        Refusal.PIECES_MISSING
    )
    await give_all(account, actor, app_id, pieces[1:])
    await lifecycle.set_piece_status(
        application_id=app_id, piece_id=pieces[2].id, status=PieceStatus.REFUSED, actor=STAFF
    )
    assert await refused(lifecycle.transmit(application_id=app_id, actor=actor)) is (
        Refusal.PIECES_MISSING
    )
    await give_all(account, actor, app_id, pieces[2:])
    await lifecycle.transmit(application_id=app_id, actor=actor)
    assert await refused(lifecycle.transmit(application_id=app_id, actor=actor)) is (
        Refusal.ALREADY_TRANSMITTED
    )
    assert await AuditEvent.count().where(AuditEvent.action == "application_transmitted") == 1


async def test_a_programme_without_pieces_transmits_at_once(campaign):
    _, actor, app_id, _ = await applied(campaign, pieces=0)
    await lifecycle.transmit(application_id=app_id, actor=actor)
    application = await Application.objects().get(Application.id == app_id)
    assert application.status == DossierStatus.RECEIVED.value


async def test_no_transmission_after_the_return_date_or_once_cancelled(campaign, clock):
    account, actor, app_id, pieces = await applied(campaign)
    await give_all(account, actor, app_id, pieces)
    return_date = (
        await Application.select(Application.programme.return_date.as_alias("d"))
        .where(Application.id == app_id)
        .first()
    )["d"]
    clock.move_to(datetime.combine(return_date + timedelta(days=1), datetime.min.time(), UTC))
    assert await refused(lifecycle.transmit(application_id=app_id, actor=actor)) is (
        Refusal.NOT_EDITABLE
    )
    await lifecycle.cancel(application_id=app_id, actor=actor)
    assert await refused(lifecycle.transmit(application_id=app_id, actor=actor)) is (
        Refusal.NOT_EDITABLE
    )


async def test_an_incomplete_dossier_is_completed_and_transmitted_again(campaign):
    account, actor, app_id, pieces = await applied(campaign)
    await give_all(account, actor, app_id, pieces)
    await lifecycle.transmit(application_id=app_id, actor=actor)
    await lifecycle.set_piece_status(
        application_id=app_id,
        piece_id=pieces[0].id,
        status=PieceStatus.REFUSED,
        comment="Document illisible",
        actor=STAFF,
    )
    await lifecycle.set_dossier_status(
        application_id=app_id, status=DossierStatus.INCOMPLETE, actor=STAFF
    )
    assert await refused(lifecycle.transmit(application_id=app_id, actor=actor)) is (
        Refusal.PIECES_MISSING
    )
    await give_all(account, actor, app_id, pieces[:1])
    await lifecycle.transmit(application_id=app_id, actor=actor)
    application = await Application.objects().get(Application.id == app_id)
    assert application.status == DossierStatus.RECEIVED.value
    assert await AuditEvent.count().where(AuditEvent.action == "application_transmitted") == 2


async def test_twenty_concurrent_transmissions_transmit_once(campaign):
    account, actor, app_id, pieces = await applied(campaign)
    await give_all(account, actor, app_id, pieces)
    await OutboxMail.delete(force=True)

    outcomes = await asyncio.gather(
        *(lifecycle.transmit(application_id=app_id, actor=actor) for _ in range(20)),
        return_exceptions=True,
    )

    changes = [o for o in outcomes if isinstance(o, Change)]
    refusals = [o.reason for o in outcomes if isinstance(o, LifecycleRefused)]
    assert len(changes) == 1, outcomes
    assert refusals == [Refusal.ALREADY_TRANSMITTED] * 19
    assert await AuditEvent.count().where(AuditEvent.action == "application_transmitted") == 1
    codes = await OutboxMail.select(OutboxMail.template_code).order_by(OutboxMail.template_code)
    assert [c["template_code"] for c in codes] == [
        MailCode.APPLICATION_TRANSMITTED.value,
        MailCode.COMMISSION_TRANSMISSION.value,
    ]
    assert sorted(changes[0].mail_ids) == sorted(
        r["id"] for r in await OutboxMail.select(OutboxMail.id)
    )
    application = await Application.objects().get(Application.id == app_id)
    assert application.status == DossierStatus.RECEIVED.value
