"""Candidate accounts: one function per state change (DESIGN.md §4 "Accounts").

Each function checks its rule, writes in one transaction together with the audit
event and the outbox mails, and returns the ids of those mails: the caller enqueues
them after commit (``app.mail.outbox.enqueue_mails``).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

import asyncpg

from app.accounts.logins import issue_login, looks_like_login
from app.accounts.passwords import (
    hash_password_in_thread,
    needs_rehash,
    verify_password_in_thread,
)
from app.accounts.tables import AccountToken, CandidateAccount
from app.accounts.tokens import TokenPurpose, consume_token, create_token, peek_token
from app.accounts.unactivated_purge import purge_unactivated_accounts
from app.applications.codes import ActorKind
from app.catalog.tables import Campaign
from app.clock import now
from app.db import write_transaction
from app.dossier.tables import Candidate
from app.mail.codes import MailCode
from app.mail.outbox import queue_mail
from app.ops.audit import record_event
from app.settings import get_settings
from app.web.templating import short_date

# Two requests racing past the same "is it free?" check meet on a unique column.
UNIQUE_VIOLATIONS = (sqlite3.IntegrityError, asyncpg.exceptions.UniqueViolationError)


class AccountError(StrEnum):
    EMAIL_TAKEN = "email_taken"
    NO_CAMPAIGN = "no_campaign"
    BAD_CREDENTIALS = "bad_credentials"
    NOT_ACTIVATED = "not_activated"
    LINK_INVALID = "link_invalid"
    LINK_EXPIRED = "link_expired"
    ACCOUNT_GONE = "account_gone"


class AccountRefused(Exception):
    def __init__(self, reason: AccountError) -> None:
        super().__init__(reason.value)
        self.reason = reason


@dataclass
class Outcome:
    account_id: int | None = None
    login: str | None = None
    mail_ids: list[int] = field(default_factory=list)
    already_active: bool = False  # an activation link followed again: nothing was done


def normalise_email(email: str) -> str:
    return email.strip().lower()


def _link(path: str) -> str:
    return f"{get_settings().base_url}{path}"


async def _audit(account_id: int, action: str, actor: ActorKind = ActorKind.CANDIDATE, **data):
    await record_event(
        actor_kind=actor,
        actor_id=account_id if actor is ActorKind.CANDIDATE else None,
        action=action,
        entity="account",
        entity_id=account_id,
        data=data or None,
    )


async def _mail_account(account: dict, code: MailCode, *, to: str | None = None, **context) -> int:
    """Queue ``code`` for this account (to its address unless ``to``), with its names and login."""
    return await queue_mail(
        to=to or account["email"],
        code=code,
        language=account["language"],
        account_id=account["id"],
        context={
            "first_name": account["first_name"],
            "last_name": account["last_name"],
            "login": account["login"],
            **context,
        },
    )


async def purge_date(campaign: dict) -> datetime:
    """Now + the activation delay, but never after the campaign's last day."""
    settings = get_settings()
    deadline = now() + timedelta(days=settings.account_activation_days)
    zone = ZoneInfo(settings.timezone)
    campaign_end = datetime.combine(campaign["end_date"], time(23, 59, 59), zone).astimezone(UTC)
    return min(deadline, campaign_end)


async def _activation_mail(account: dict, code: MailCode, token: str) -> int:
    return await _mail_account(
        account,
        code,
        campaign=account["campaign_label"],
        activation_url=_link(f"/compte/activer/{token}"),
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
        await _audit(account.id, "account_created")
        row = {**account.to_dict(), "campaign_label": campaign["label_fr"]}
        mail_id = await _activation_mail(row, MailCode.ACCOUNT_CREATED, token)
    return Outcome(account_id=account.id, login=login, mail_ids=[mail_id])


async def _account_with_campaign(where) -> dict | None:
    return (
        await CandidateAccount.select(
            CandidateAccount.all_columns(),
            CandidateAccount.campaign.label_fr.as_alias("campaign_label"),
        )
        .where(where)
        .first()
    )


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
        await _audit(used.account_id, "account_activated")
    return Outcome(account_id=used.account_id, login=updated[0]["login"])


async def resend_activation(email: str) -> Outcome:
    """ "J'ai perdu mon code d'activation": a fresh link, the old one dies.

    Says nothing about whether the address exists: the caller shows the same answer.
    """
    async with write_transaction():
        account = await _account_with_campaign(
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
        await _audit(account["id"], "activation_resent")
        mail_id = await _activation_mail(account, MailCode.ACTIVATION_RESENT, token)
    return Outcome(account_id=account["id"], mail_ids=[mail_id])


@dataclass(frozen=True)
class SignInSubject:
    """Whom a sign-in attempt is about: the account the identifier names, if any."""

    account: dict | None
    identifier: str

    @property
    def attempts_key(self) -> str:
        """What attempts are counted against: the account (its dossier number and its
        email are one identity), else the identifier as typed, normalised."""
        if self.account:
            return f"account:{self.account['id']}"
        return f"unknown:{self.identifier}"


async def sign_in_subject(identifier: str) -> SignInSubject:
    """Find the account of a dossier number or an email (one query)."""
    identifier = identifier.strip()
    if looks_like_login(identifier):
        identifier = identifier.upper()
        where = CandidateAccount.login == identifier
    else:
        identifier = normalise_email(identifier)
        where = CandidateAccount.email == identifier
    account = (
        await CandidateAccount.select(
            CandidateAccount.id,
            CandidateAccount.login,
            CandidateAccount.password_hash,
            CandidateAccount.activated_at,
        )
        .where(where)
        .first()
    )
    return SignInSubject(account=account, identifier=identifier)


async def authenticate(subject: SignInSubject, password: str) -> Outcome:
    """Sign-in with the dossier number or the email (see :func:`sign_in_subject`), and
    the password.

    The hash is verified even for an unknown identifier, so timing does not tell
    which accounts exist; a hash made with older argon2 parameters is replaced.
    """
    account = subject.account
    if not await verify_password_in_thread(account["password_hash"] if account else None, password):
        raise AccountRefused(AccountError.BAD_CREDENTIALS)
    if account["activated_at"] is None:
        raise AccountRefused(AccountError.NOT_ACTIVATED)
    changes = {CandidateAccount.last_login_at: now()}
    if needs_rehash(account["password_hash"]):
        changes[CandidateAccount.password_hash] = await hash_password_in_thread(password)
    await CandidateAccount.update(changes).where(CandidateAccount.id == account["id"])
    return Outcome(account_id=account["id"], login=account["login"])


async def request_password_reset(email: str) -> Outcome:
    """ "J'ai oublié mon mot de passe": a reset link valid PASSWORD_RESET_HOURS."""
    async with write_transaction():
        account = await _account_with_campaign(
            (CandidateAccount.email == normalise_email(email))
            & CandidateAccount.activated_at.is_not_null()
            & CandidateAccount.password_hash.is_not_null()
        )
        if account is None:
            return Outcome()
        hours = get_settings().password_reset_hours
        token = await create_token(
            account_id=account["id"],
            purpose=TokenPurpose.RESET,
            expires_at=now() + timedelta(hours=hours),
        )
        await _audit(account["id"], "password_reset_requested")
        mail_id = await _mail_account(
            account,
            MailCode.PASSWORD_RESET,
            reset_url=_link(f"/compte/mot-de-passe/{token}"),
            hours=hours,
        )
    return Outcome(account_id=account["id"], mail_ids=[mail_id])


async def reset_password(token: str, password: str) -> Outcome:
    """Set a new password through a reset link (single use).

    The caller then ends the account's sessions everywhere (they live in Redis).
    """
    password_hash = await hash_password_in_thread(password)  # before the write lock
    async with write_transaction():
        used = await consume_token(token, TokenPurpose.RESET)
        if used is None:
            raise AccountRefused(AccountError.LINK_INVALID)
        await CandidateAccount.update({CandidateAccount.password_hash: password_hash}).where(
            CandidateAccount.id == used.account_id
        )
        await _audit(used.account_id, "password_reset")
    return Outcome(account_id=used.account_id)


async def reset_link_is_live(token: str) -> bool:
    row = await peek_token(token, TokenPurpose.RESET)
    return bool(row and row["used_at"] is None and row["expires_at"] > now())


async def send_login_reminder(email: str) -> Outcome:
    """ "J'ai oublié mon identifiant": the dossier number, mailed to the address on file."""
    async with write_transaction():
        account = await _account_with_campaign(CandidateAccount.email == normalise_email(email))
        if account is None:
            return Outcome()
        await _audit(account["id"], "login_reminder_sent")
        mail_id = await _mail_account(
            account, MailCode.LOGIN_REMINDER, sign_in_url=_link("/connexion")
        )
    return Outcome(account_id=account["id"], mail_ids=[mail_id])


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
    await _audit(account["id"], action)
    return await _mail_account(
        account, MailCode.EMAIL_CHANGE, to=email, confirm_url=_link(f"{confirm_path}{token}")
    )


async def request_email_change(*, account_id: int, new_email: str) -> Outcome:
    """The new address is used only once its link is followed (valid the activation delay)."""
    new_email = normalise_email(new_email)
    async with write_transaction():
        account = await _account_with_campaign(CandidateAccount.id == account_id)
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
        account = await _account_with_campaign(CandidateAccount.id == used.account_id)
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
        await _audit(used.account_id, "email_changed")
        mail_ids = []
        if account["email"] != used.email:
            mail_ids.append(
                await _mail_account(account, MailCode.EMAIL_CHANGED_NOTICE, new_email=used.email)
            )
    return Outcome(account_id=used.account_id, mail_ids=mail_ids)


async def account_exists(account_id: int) -> bool:
    return await CandidateAccount.exists().where(CandidateAccount.id == account_id)


async def account_login(account_id: int) -> str | None:
    """The dossier number of an account (to tell a signed-in user who they are)."""
    row = (
        await CandidateAccount.select(CandidateAccount.login)
        .where(CandidateAccount.id == account_id)
        .first()
    )
    return row["login"] if row else None


__all__ = [
    "AccountError",
    "AccountRefused",
    "AccountToken",
    "Outcome",
    "SignInSubject",
    "activate_account",
    "authenticate",
    "confirm_email_change",
    "create_account",
    "purge_unactivated_accounts",
    "request_email_change",
    "request_password_reset",
    "resend_activation",
    "reset_password",
    "send_login_reminder",
    "sign_in_subject",
]
