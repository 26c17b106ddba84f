"""Changing a candidate's email (a link to the new address confirms it)."""

from __future__ import annotations

from datetime import timedelta

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
from app.accounts.tokens import TokenPurpose, consume_token, create_token
from app.clock import now
from app.core.codes.mail import MailCode
from app.db import write_transaction
from app.settings import get_settings
from app.tables.accounts import CandidateAccount

# Two requests racing past the same "is it free?" check meet on a unique column.


async def queue_email_link(*, account: dict, email: str, confirm_path: str, action: str) -> int:
    """Inside the caller's transaction: keep ``email`` as the pending address, send it a
    validation link (valid the activation delay) and record ``action``; the mail's id."""
    await CandidateAccount.update({CandidateAccount.pending_email: email}).where(
        CandidateAccount.id == account["id"]
    )
    token = await create_token(
        account_id=account["id"],
        purpose=TokenPurpose.EMAIL_CHANGE,
        expires_at=now() + timedelta(days=get_settings().account_activation_days),
        email=email,
    )
    await audit_account(account["id"], action)
    return await mail_account(
        account, MailCode.EMAIL_CHANGE, to=email, confirm_url=account_link(f"{confirm_path}{token}")
    )


async def request_email_change(*, account_id: int, new_email: str) -> Outcome:
    """The new address is used only once its link is followed (valid the activation delay)."""
    new_email = normalise_email(new_email)
    async with write_transaction():
        account = await account_with_campaign(CandidateAccount.id == account_id)
        if account is None:
            raise AccountRefused(AccountError.ACCOUNT_GONE)
        if await CandidateAccount.exists().where(
            (CandidateAccount.email == new_email) & (CandidateAccount.id != account_id)
        ):
            raise AccountRefused(AccountError.EMAIL_TAKEN)
        mail_id = await queue_email_link(
            account=account,
            email=new_email,
            confirm_path="/compte/adresse-mail/",
            action="email_change_requested",
        )
    return Outcome(account_id=account_id, mail_ids=[mail_id])


async def confirm_email_change(token: str) -> Outcome:
    """Follow the link: the new address replaces the old one, which is told of the change.

    Two accounts confirming the same address at once meet on the unique index: the
    second is refused like any taken address (its link stays unused: rolled back).
    """
    try:
        return await _confirm_email_change(token)
    except UNIQUE_VIOLATIONS:
        raise AccountRefused(AccountError.EMAIL_TAKEN) from None


async def _confirm_email_change(token: str) -> Outcome:
    async with write_transaction():
        used = await consume_token(token, TokenPurpose.EMAIL_CHANGE)
        if used is None or not used.email:
            raise AccountRefused(AccountError.LINK_INVALID)
        account = await account_with_campaign(CandidateAccount.id == used.account_id)
        if await CandidateAccount.exists().where(
            (CandidateAccount.email == used.email) & (CandidateAccount.id != used.account_id)
        ):
            raise AccountRefused(AccountError.EMAIL_TAKEN)
        await CandidateAccount.update(
            {
                CandidateAccount.email: used.email,
                CandidateAccount.pending_email: None,
                CandidateAccount.email_validated_at: now(),
            }
        ).where(CandidateAccount.id == used.account_id)
        await audit_account(used.account_id, "email_changed")
        mail_ids = []
        if account["email"] != used.email:
            mail_ids.append(
                await mail_account(account, MailCode.EMAIL_CHANGED_NOTICE, new_email=used.email)
            )
    return Outcome(account_id=used.account_id, mail_ids=mail_ids)
