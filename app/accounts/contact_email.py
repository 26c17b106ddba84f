"""A university student's contact email, confirmed by a link before the dossier opens (guide §02.2)."""

from __future__ import annotations

from app.accounts.email_change import queue_email_link
from app.accounts.sso import CONFIRM_PATH, SsoError, SsoRefused, audit_sso
from app.accounts.tokens import TokenPurpose, consume_token, peek_token
from app.clock import now
from app.db import write_transaction
from app.tables.accounts import CandidateAccount
from app.tables.dossier import Candidate


async def request_contact_email(*, account_id: int, email: str) -> list[int]:
    """The student's choice of contact address: a validation link is mailed to it.

    Check (an SSO account; the address is no other account's), write the pending
    address and a link valid ACCOUNT_ACTIVATION_DAYS (older links die), the audit
    event, the mail. Returns the mail ids to enqueue after commit.
    """
    async with write_transaction():
        account = (
            await CandidateAccount.select(
                CandidateAccount.id,
                CandidateAccount.login,
                CandidateAccount.first_name,
                CandidateAccount.last_name,
                CandidateAccount.language,
            )
            .where((CandidateAccount.id == account_id) & CandidateAccount.cas_login.is_not_null())
            .first()
        )
        if account is None:
            raise SsoRefused(SsoError.NOT_SSO_ACCOUNT)
        if await CandidateAccount.exists().where(
            (CandidateAccount.email == email) & (CandidateAccount.id != account_id)
        ):
            raise SsoRefused(SsoError.EMAIL_TAKEN)
        mail_id = await queue_email_link(
            account=account, email=email, confirm_path=CONFIRM_PATH, action="sso_email_link_sent"
        )
    return [mail_id]


async def _already_confirmed(token: str) -> int:
    """A link followed twice (or by a mail scanner first) is not an error once the
    address it carries is the account's confirmed one."""
    row = await peek_token(token, TokenPurpose.EMAIL_CHANGE)
    if row is None:
        raise SsoRefused(SsoError.LINK_INVALID)
    if row["used_at"] is None:
        raise SsoRefused(SsoError.LINK_EXPIRED)
    confirmed = await CandidateAccount.exists().where(
        (CandidateAccount.id == row["account"])
        & (CandidateAccount.email == row["email"])
        & CandidateAccount.email_validated_at.is_not_null()
    )
    if not confirmed:
        raise SsoRefused(SsoError.LINK_INVALID)
    return row["account"]


async def confirm_contact_email(token: str) -> int:
    """Follow the link: the address becomes the account's, confirmed; the dossier opens.

    Check (live token of an SSO account; address still free), write (single-use token,
    address, confirmation date), audit. Returns the account id.
    """
    async with write_transaction():
        used = await consume_token(token, TokenPurpose.EMAIL_CHANGE)
        if used is None or not used.email:
            return await _already_confirmed(token)
        if await CandidateAccount.exists().where(
            (CandidateAccount.email == used.email) & (CandidateAccount.id != used.account_id)
        ):
            raise SsoRefused(SsoError.EMAIL_TAKEN)
        updated = (
            await CandidateAccount.update(
                {
                    CandidateAccount.email: used.email,
                    CandidateAccount.pending_email: None,
                    CandidateAccount.email_validated_at: now(),
                }
            )
            .where(
                (CandidateAccount.id == used.account_id) & CandidateAccount.cas_login.is_not_null()
            )
            .returning(CandidateAccount.id)
        )
        if not updated:
            # An email-change link of a password account: /compte/adresse-mail/ handles it.
            raise SsoRefused(SsoError.LINK_INVALID)
        await audit_sso(used.account_id, "sso_email_confirmed")
    return used.account_id


async def account_ready(account_id: int) -> bool:
    """Whether the dossier pages may open: the account is active and its contact
    email confirmed (an SSO student who has not followed the link yet is not)."""
    return await CandidateAccount.exists().where(
        (CandidateAccount.id == account_id)
        & CandidateAccount.activated_at.is_not_null()
        & CandidateAccount.email_validated_at.is_not_null()
    )


async def first_sign_in_details(account_id: int) -> dict | None:
    """What the first-sign-in page shows: the identity copied from the records and the
    account's addresses. None when the account did not come through the SSO."""
    account = Candidate.account
    return (
        await Candidate.select(
            Candidate.civility,
            Candidate.birth_name,
            Candidate.usual_name,
            Candidate.first_name,
            Candidate.other_first_name,
            Candidate.birth_date,
            Candidate.birth_city_label,
            Candidate.ine,
            Candidate.birth_country.name_fr.as_alias("birth_country_fr"),
            Candidate.birth_country.name_en.as_alias("birth_country_en"),
            Candidate.birth_commune.name.as_alias("birth_commune"),
            Candidate.nationality.nationality_fr.as_alias("nationality_fr"),
            Candidate.nationality.name_en.as_alias("nationality_en"),
            account.login.as_alias("login"),
            account.student_number.as_alias("student_number"),
            account.email.as_alias("email"),
            account.pending_email.as_alias("pending_email"),
            account.email_validated_at.as_alias("email_validated_at"),
        )
        .where((Candidate.account == account_id) & account.cas_login.is_not_null())
        .first()
    )
