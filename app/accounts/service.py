"""Candidate accounts: one function per state change (DESIGN.md §4 "Accounts").

Each function checks its rule, writes in one transaction together with the audit
event and the outbox mails, and returns the ids of those mails: the caller enqueues
them after commit (``app.mail.outbox.enqueue_mails``).
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from app.accounts.account_outcomes import (
    UNIQUE_VIOLATIONS,
    AccountError,
    AccountRefused,
    Outcome,
    account_link,
    account_with_campaign,
    audit_account,
    mail_account,
    normalise_email,
)
from app.accounts.logins import issue_login
from app.accounts.passwords import hash_password_in_thread
from app.accounts.tokens import TokenPurpose, consume_token, create_token, peek_token
from app.clock import now
from app.core.codes.mail import MailCode
from app.core.dates import short_date
from app.db import write_transaction
from app.settings import get_settings
from app.tables.accounts import CandidateAccount
from app.tables.catalog import Campaign
from app.tables.dossier import Candidate


async def purge_date(campaign: dict) -> datetime:
    """Now + the activation delay, but never after the campaign's last day."""
    settings = get_settings()
    deadline = now() + timedelta(days=settings.account_activation_days)
    zone = ZoneInfo(settings.timezone)
    campaign_end = datetime.combine(campaign["end_date"], time(23, 59, 59), zone).astimezone(UTC)
    return min(deadline, campaign_end)


async def _activation_mail(account: dict, code: MailCode, token: str) -> int:
    return await mail_account(
        account,
        code,
        campaign=account["campaign_label"],
        activation_url=account_link(f"/compte/activer/{token}"),
        purge_date=short_date(account["purge_after"]),
    )


async def create_account(
    *, last_name: str, first_name: str, email: str, password: str, language: str
) -> Outcome:
    """Sign-up of a candidate from outside the university.

    Check (email unused, a campaign is active), write the account with a new dossier
    number and an empty dossier, an activation token, the audit event and the
    "account created" mail (login, activation link, destruction date).

    Two identical sign-ups at once may both find the address free: the unique index
    lets one through and the other is refused like any taken address.
    """
    email = normalise_email(email)
    password_hash = await hash_password_in_thread(password)  # before the write lock
    try:
        return await _create_account(
            last_name=last_name,
            first_name=first_name,
            email=email,
            password_hash=password_hash,
            language=language,
        )
    except UNIQUE_VIOLATIONS:
        if await CandidateAccount.exists().where(CandidateAccount.email == email):
            raise AccountRefused(AccountError.EMAIL_TAKEN) from None
        raise


async def _create_account(
    *, last_name: str, first_name: str, email: str, password_hash: str, language: str
) -> Outcome:
    async with write_transaction():
        campaign = await Campaign.select().where(Campaign.active.eq(True)).first()
        if campaign is None:
            raise AccountRefused(AccountError.NO_CAMPAIGN)
        if await CandidateAccount.exists().where(CandidateAccount.email == email):
            raise AccountRefused(AccountError.EMAIL_TAKEN)
        login = await issue_login()
        purge_after = await purge_date(campaign)
        account = CandidateAccount(
            campaign=campaign["id"],
            login=login,
            email=email,
            last_name=last_name.strip().upper(),
            first_name=first_name.strip(),
            password_hash=password_hash,
            language=language,
            purge_after=purge_after,
        )
        await account.save()
        await Candidate.insert(
            Candidate(
                account=account.id, birth_name=account.last_name, first_name=account.first_name
            )
        )
        token = await create_token(
            account_id=account.id, purpose=TokenPurpose.ACTIVATION, expires_at=purge_after
        )
        await audit_account(account.id, "account_created")
        row = {**account.to_dict(), "campaign_label": campaign["label_fr"]}
        mail_id = await _activation_mail(row, MailCode.ACCOUNT_CREATED, token)
    return Outcome(account_id=account.id, login=login, mail_ids=[mail_id])


async def activate_account(token: str) -> Outcome:
    """The activation link: single use; the account becomes able to sign in.

    Only a live token (unused, not revoked, not expired) activates, and only that
    first use may sign the holder in. A link followed again once the account is
    active (a second click, a mail scanner, an older revoked link) answers
    ``already_active``: the holder is told to sign in, never signed in by the URL.
    """
    async with write_transaction():
        used = await consume_token(token, TokenPurpose.ACTIVATION)
        if used is None:
            row = await peek_token(token, TokenPurpose.ACTIVATION)
            if row is None:
                raise AccountRefused(AccountError.LINK_INVALID)
            if row["used_at"] is None:
                raise AccountRefused(AccountError.LINK_EXPIRED)
            active = await CandidateAccount.exists().where(
                (CandidateAccount.id == row["account"])
                & CandidateAccount.activated_at.is_not_null()
            )
            if not active:
                raise AccountRefused(AccountError.LINK_INVALID)
            return Outcome(already_active=True)
        updated = (
            await CandidateAccount.update(
                {
                    CandidateAccount.activated_at: now(),
                    CandidateAccount.email_validated_at: now(),
                    CandidateAccount.purge_after: None,
                }
            )
            .where(
                (CandidateAccount.id == used.account_id) & CandidateAccount.activated_at.is_null()
            )
            .returning(CandidateAccount.login)
        )
        if not updated:
            raise AccountRefused(AccountError.LINK_INVALID)
        await audit_account(used.account_id, "account_activated")
    return Outcome(account_id=used.account_id, login=updated[0]["login"])


async def resend_activation(email: str) -> Outcome:
    """ "J'ai perdu mon code d'activation": a fresh link, the old one dies.

    Says nothing about whether the address exists: the caller shows the same answer.
    """
    async with write_transaction():
        account = await account_with_campaign(
            (CandidateAccount.email == normalise_email(email))
            & CandidateAccount.activated_at.is_null()
        )
        if account is None:
            return Outcome()
        token = await create_token(
            account_id=account["id"],
            purpose=TokenPurpose.ACTIVATION,
            expires_at=account["purge_after"] or now() + timedelta(days=1),
        )
        await audit_account(account["id"], "activation_resent")
        mail_id = await _activation_mail(account, MailCode.ACTIVATION_RESENT, token)
    return Outcome(account_id=account["id"], mail_ids=[mail_id])


async def account_login(account_id: int) -> str | None:
    """The dossier number of an account (to tell a signed-in user who they are)."""
    row = (
        await CandidateAccount.select(CandidateAccount.login)
        .where(CandidateAccount.id == account_id)
        .first()
    )
    return row["login"] if row else None
