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
from app.accounts.email_change import queue_email_link
from app.accounts.ine_claims import campaign_of_account, flag_external_holders, lock_ine
from app.accounts.logins import issue_login
from app.accounts.student_records import (
    BacRecord,
    PostalAddress,
    StudentRecord,
    StudentRecords,
    get_student_records,
)
from app.accounts.tokens import TokenPurpose, consume_token, peek_token
from app.audit import record_event
from app.clock import now
from app.core.codes.applications import ActorKind
from app.core.codes.dossier import Civility
from app.core.identity_key import identity_key
from app.db import write_transaction
from app.tables.accounts import CandidateAccount
from app.tables.catalog import Campaign
from app.tables.dossier import Address, Baccalaureate, Candidate, InternalStudy
from app.tables.refdata import BacMention, BacSerie, Commune, Country, Departement, Lycee

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


class SsoRefused(Exception):
    def __init__(self, reason: SsoError) -> None:
        super().__init__(reason.value)
        self.reason = reason


@dataclass(frozen=True)
class SsoSignIn:
    account_id: int
    created: bool
    email_validated: bool


async def _audit(account_id: int, action: str, **data) -> None:
    await record_event(
        actor_kind=ActorKind.CANDIDATE,
        actor_id=account_id,
        action=action,
        entity="account",
        entity_id=account_id,
        data=data or None,
    )


# --- the dossier, copied from the student-records system ----------------------------


async def _ref_id(column, code: str, **extra) -> int | None:
    """The reference row with this code, or None (an unknown code leaves the field
    empty rather than refusing the student's sign-in)."""
    if not code:
        return None
    table = column._meta.table
    where = column == code
    for name, value in extra.items():
        where = where & (getattr(table, name) == value)
    row = await table.select(table.id).where(where).first()
    if row is None:
        log.warning("student_record_unknown_code", table=table._meta.tablename, code=code)
    return row["id"] if row else None


async def _commune_id(insee_code: str) -> int | None:
    # Records give today's commune; former communes share their INSEE code.
    return await _ref_id(Commune.insee_code, insee_code, kind="commune-actuelle")


async def _write_address(address: PostalAddress) -> int | None:
    country = await _ref_id(Country.cog_code, address.country_cog)
    if country is None:
        return None
    row = Address(
        country=country,
        line1=address.line1,
        line2=address.line2,
        line3=address.line3,
        postal_code=address.postal_code,
        commune=await _commune_id(address.commune_insee),
        foreign_city=address.foreign_city,
    )
    await row.save()
    return row.id


async def _write_bac(candidate_id: int, bac: BacRecord) -> None:
    serie = await _ref_id(BacSerie.code, bac.serie_code)
    if serie is None:
        return  # the série is required: the student enters the bac in the dossier
    await Baccalaureate.insert(
        Baccalaureate(
            candidate=candidate_id,
            year=bac.year,
            serie=serie,
            mention=await _ref_id(BacMention.code, bac.mention_code),
            country=await _ref_id(Country.cog_code, bac.country_cog),
            departement=await _ref_id(Departement.code, bac.departement_code),
            commune=await _commune_id(bac.commune_insee),
            lycee=await _ref_id(Lycee.uai, bac.lycee_uai),
            from_student_records=True,
        )
    )


async def write_dossier_from_records(account_id: int, record: StudentRecord) -> int:
    """The Candidate row (identity, address), the bac and the internal studies, flagged
    as coming from the student-records system (read-only). Call in a transaction.

    The imported INE wins over an external account of the campaign holding it: that
    account is flagged for staff (``app.accounts.ine_claims``), the import goes on."""
    identity, place = record.identity, record.identity.birth_place
    ine = identity.ine or None
    campaign_id = await campaign_of_account(account_id)
    if ine:
        await lock_ine(campaign_id, ine)
    candidate = Candidate(
        account=account_id,
        civility=identity.civility if identity.civility in set(Civility) else None,
        birth_name=identity.birth_name,
        usual_name=identity.usual_name,
        first_name=identity.first_name,
        other_first_name=identity.other_first_name,
        birth_date=identity.birth_date,
        nationality=await _ref_id(Country.cog_code, identity.nationality_cog),
        birth_country=await _ref_id(Country.cog_code, place.country_cog),
        birth_departement=await _ref_id(Departement.code, place.departement_code),
        birth_commune=await _commune_id(place.commune_insee),
        birth_city_label=place.city_label,
        ine=ine,
        identity_key=identity_key(identity.birth_name, identity.first_name, identity.birth_date),
        phone=identity.phone,
        mobile=identity.mobile,
        address=await _write_address(record.address) if record.address else None,
        from_student_records=True,
    )
    await candidate.save()
    if ine:
        await flag_external_holders(
            campaign_id=campaign_id, ine=ine, student_candidate_id=candidate.id
        )
    if record.bac is not None:
        await _write_bac(candidate.id, record.bac)
    if record.internal_studies:
        await InternalStudy.insert(
            *(
                InternalStudy(
                    candidate=candidate.id,
                    year=study.year,
                    programme_code=study.programme_code,
                    programme_label=study.programme_label,
                    mark=study.mark,
                    mention=study.mention,
                    result=study.result,
                )
                for study in record.internal_studies
            )
        )
    return candidate.id


# --- sign-in -------------------------------------------------------------------------


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
        await _audit(account.id, "account_created_sso", student_number=record.student_number)
    return account.id


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
        await _audit(used.account_id, "sso_email_confirmed")
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
