"""The hourly purge of unactivated accounts, over several accounts at once (set-based):
only the expired unactivated ones go, each with its rows and mails and one audit event."""

from __future__ import annotations

from datetime import timedelta

from app.clock import now
from app.tables.accounts import AccountToken, CandidateAccount, DossierNumberHistory
from app.tables.dossier import Candidate
from app.tables.mail import OutboxMail
from app.tables.ops import AuditEvent
from tests.factories import make_account, make_campaign, make_candidate
from workers.accounts import purge_accounts


async def _signed_up(campaign, **overrides) -> CandidateAccount:
    """An account as the sign-up leaves it: candidate row, activation token, mail."""
    account = await make_account(campaign, **overrides)
    await make_candidate(account)
    await DossierNumberHistory.insert(DossierNumberHistory(login=account.login))
    await AccountToken.insert(
        AccountToken(
            account=account.id,
            purpose="activation",
            token_hash=f"hash-{account.id}",
            expires_at=now() + timedelta(days=5),
        )
    )
    await OutboxMail.insert(
        OutboxMail(
            to_address=account.email,
            subject="Activez votre compte",
            html="<p>lien</p>",
            text="lien",
            template_code="account_created",
            account=account.id,
            status="sent",
        )
    )
    return account


async def test_only_expired_unactivated_accounts_go_each_with_one_event(clock):
    campaign = await make_campaign(active=True)
    past, future = now() - timedelta(minutes=1), now() + timedelta(minutes=1)
    expired = [await _signed_up(campaign, activated_at=None, purge_after=past) for _ in range(3)]
    waiting = await _signed_up(campaign, activated_at=None, purge_after=future)
    activated = await _signed_up(campaign, purge_after=past)  # activated: never purged

    assert await purge_accounts({}) == 3

    kept = {waiting.id, activated.id}
    remaining = await CandidateAccount.select(CandidateAccount.id)
    assert {row["id"] for row in remaining} == kept
    assert {row["account"] for row in await Candidate.select(Candidate.account)} == kept
    assert {row["account"] for row in await AccountToken.select(AccountToken.account)} == kept
    assert {row["account"] for row in await OutboxMail.select(OutboxMail.account)} == kept
    assert await DossierNumberHistory.count() == 5  # numbers are never reissued
    events = await AuditEvent.select(
        AuditEvent.actor_kind,
        AuditEvent.actor_id,
        AuditEvent.action,
        AuditEvent.entity,
        AuditEvent.entity_id,
        AuditEvent.application_id,
        AuditEvent.visible_to_candidate,
        AuditEvent.data,
        AuditEvent.created_at,
    ).order_by(AuditEvent.entity_id)
    assert [
        {k: v for k, v in event.items() if k not in {"data", "created_at"}} for event in events
    ] == [
        {
            "actor_kind": "system",
            "actor_id": None,
            "action": "account_purged",
            "entity": "account",
            "entity_id": account.id,
            "application_id": None,
            "visible_to_candidate": False,
        }
        for account in expired
    ]
    assert all(event["data"] in ({}, "{}") for event in events)
    assert {event["created_at"] for event in events} == {now()}

    assert await purge_accounts({}) == 0  # nothing left to purge, no new event
    assert await AuditEvent.count() == 3
