"""Signing in with a dossier number or email and a password; forgotten passwords and logins."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from app.accounts.account_outcomes import (
    AccountError,
    AccountRefused,
    Outcome,
    account_link,
    account_with_campaign,
    audit_account,
    mail_account,
    normalise_email,
)
from app.accounts.logins import looks_like_login
from app.accounts.passwords import (
    hash_password_in_thread,
    needs_rehash,
    verify_password_in_thread,
)
from app.accounts.tokens import TokenPurpose, consume_token, create_token, peek_token
from app.clock import now
from app.core.codes.mail import MailCode
from app.db import write_transaction
from app.settings import get_settings
from app.tables.accounts import CandidateAccount

# Two requests racing past the same "is it free?" check meet on a unique column.


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
        account = await account_with_campaign(
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
        await audit_account(account["id"], "password_reset_requested")
        mail_id = await mail_account(
            account,
            MailCode.PASSWORD_RESET,
            reset_url=account_link(f"/compte/mot-de-passe/{token}"),
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
        await audit_account(used.account_id, "password_reset")
    return Outcome(account_id=used.account_id)


async def reset_link_is_live(token: str) -> bool:
    row = await peek_token(token, TokenPurpose.RESET)
    return bool(row and row["used_at"] is None and row["expires_at"] > now())


async def send_login_reminder(email: str) -> Outcome:
    """ "J'ai oublié mon identifiant": the dossier number, mailed to the address on file."""
    async with write_transaction():
        account = await account_with_campaign(CandidateAccount.email == normalise_email(email))
        if account is None:
            return Outcome()
        await audit_account(account["id"], "login_reminder_sent")
        mail_id = await mail_account(
            account, MailCode.LOGIN_REMINDER, sign_in_url=account_link("/connexion")
        )
    return Outcome(account_id=account["id"], mail_ids=[mail_id])
