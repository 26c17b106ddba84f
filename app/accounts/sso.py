"""University students: sign-in through the university's CAS, account and dossier from
the student-records system, contact email confirmed by a link (guide §02.2).

The SSO proves who the student is, so the account is active at once and has no
password; the dossier's identity, address, bac and internal studies are copied from
the student-records system and flagged read-only. The dossier stays closed until the
student has confirmed a contact email (:func:`account_ready`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import structlog

from app.accounts.account_outcomes import UNIQUE_VIOLATIONS
from app.accounts.cas_client import CasIdentity
from app.accounts.logins import issue_login
from app.accounts.student_dossier import write_dossier_from_records
from app.accounts.student_records import (
    StudentRecord,
    StudentRecords,
    get_student_records,
)
from app.audit import record_event
from app.clock import now
from app.core.codes.applications import ActorKind
from app.db import write_transaction
from app.refused import Refused
from app.tables.accounts import CandidateAccount
from app.tables.catalog import Campaign

log = structlog.get_logger(__name__)


FIRST_SIGN_IN_PATH = "/universite/premiere-connexion"


CONFIRM_PATH = "/universite/adresse/"


class SsoError(StrEnum):
    NOT_IN_RECORDS = "not_in_records"
    NO_EMAIL = "no_email"
    NO_CAMPAIGN = "no_campaign"
    EMAIL_TAKEN = "email_taken"
    NOT_SSO_ACCOUNT = "not_sso_account"
    LINK_INVALID = "link_invalid"
    LINK_EXPIRED = "link_expired"


class SsoRefused(Refused[SsoError]):
    """A university sign-in refused (nothing written)."""


@dataclass(frozen=True)
class SsoSignIn:
    account_id: int
    created: bool
    email_validated: bool


async def audit_sso(account_id: int, action: str, **data) -> None:
    await record_event(
        actor_kind=ActorKind.CANDIDATE,
        actor_id=account_id,
        action=action,
        entity="account",
        entity_id=account_id,
        data=data or None,
    )


async def _find_account(*, cas_login: str, student_number: str) -> dict | None:
    where = CandidateAccount.cas_login == cas_login
    if student_number:
        where = where | (CandidateAccount.student_number == student_number)
    rows = await CandidateAccount.select(
        CandidateAccount.id, CandidateAccount.cas_login, CandidateAccount.email_validated_at
    ).where(where)
    # The CAS login first: a student number can only match when the login changed.
    return next((r for r in rows if r["cas_login"] == cas_login), rows[0] if rows else None)


async def _signed_in(account: dict, *, cas_login: str, created: bool) -> SsoSignIn:
    changes = {CandidateAccount.last_login_at: now()}
    if account["cas_login"] != cas_login:
        # The university renamed the student's login: the student number still ties
        # them to their dossier, and the next sign-in must find them by login.
        changes[CandidateAccount.cas_login] = cas_login
    await CandidateAccount.update(changes).where(CandidateAccount.id == account["id"])
    return SsoSignIn(
        account_id=account["id"],
        created=created,
        email_validated=account["email_validated_at"] is not None,
    )


async def _student_record(identity: CasIdentity, records: StudentRecords) -> StudentRecord:
    record = await records.find_by_cas_login(identity.user)
    if record is None and identity.student_number:
        record = await records.get(identity.student_number)
    if record is None:
        raise SsoRefused(SsoError.NOT_IN_RECORDS)
    return record


async def sign_in_with_cas(
    identity: CasIdentity, *, language: str, records: StudentRecords | None = None
) -> SsoSignIn:
    """The account of the student the CAS server vouched for, created on first sign-in.

    Found by CAS login, else by student number; otherwise created from the
    student-records system (:func:`create_account_from_records`).
    """
    account = await _find_account(cas_login=identity.user, student_number=identity.student_number)
    if account is not None:
        return await _signed_in(account, cas_login=identity.user, created=False)
    record = await _student_record(identity, records or get_student_records())
    email = (record.university_email or identity.attribute("mail")).strip().lower()
    if not email:
        raise SsoRefused(SsoError.NO_EMAIL)
    try:
        account_id = await create_account_from_records(
            record, cas_login=identity.user, email=email, language=language
        )
    except UNIQUE_VIOLATIONS:
        # Another request for the same student won the race: use its account.
        account_id = None
        if not await _find_account(cas_login=identity.user, student_number=record.student_number):
            raise
    account = await _find_account(cas_login=identity.user, student_number=record.student_number)
    return await _signed_in(account, cas_login=identity.user, created=account_id is not None)


async def create_account_from_records(
    record: StudentRecord, *, cas_login: str, email: str, language: str
) -> int | None:
    """First SSO sign-in: the account and its read-only dossier, in one transaction.

    Check (an active campaign; the university address is not another account's), write
    the account (new dossier number, active, no password, email not yet confirmed), the
    dossier copied from the records, the audit event. No mail: the student confirms a
    contact address next. Returns None when the account appeared meanwhile.
    """
    async with write_transaction():
        campaign = await Campaign.select(Campaign.id).where(Campaign.active.eq(True)).first()
        if campaign is None:
            raise SsoRefused(SsoError.NO_CAMPAIGN)
        if await _find_account(cas_login=cas_login, student_number=record.student_number):
            return None
        if await CandidateAccount.exists().where(CandidateAccount.email == email):
            raise SsoRefused(SsoError.EMAIL_TAKEN)
        identity = record.identity
        account = CandidateAccount(
            campaign=campaign["id"],
            login=await issue_login(),
            email=email,
            last_name=(identity.usual_name or identity.birth_name).strip().upper(),
            first_name=identity.first_name.strip(),
            password_hash=None,
            language=language,
            activated_at=now(),
            cas_login=cas_login,
            student_number=record.student_number,
        )
        await account.save()
        await write_dossier_from_records(account.id, record)
        await audit_sso(account.id, "account_created_sso", student_number=record.student_number)
    return account.id
