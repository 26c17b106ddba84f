"""A candidate deletes their own account (issue 15, item 5), or, once an application is
transmitted, writes to the university's contact about their data.

Deletion purges at once, with the retention purge's own function
(:func:`app.ops.account_purge.purge_accounts`): the account and every row about it,
then its files. The audit keeps one event without personal data (the campaign and
counts), the candidate gets a mail that names nobody but them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from app.accounts.passwords import verify_password_in_thread
from app.audit import record_event
from app.core.codes.applications import ActorKind
from app.core.codes.mail import MailCode
from app.db import write_transaction
from app.mail.outbox import queue_mail
from app.ops.account_purge import purge_accounts, remove_files
from app.ops.account_rows import rows_about
from app.refused import Refused
from app.settings import get_settings
from app.tables.accounts import CandidateAccount
from app.tables.ops import AuditEvent

DELETED_ACTION = "account_deleted_by_candidate"
REQUEST_ACTION = "data_request_sent"
MESSAGE_MAX = 5000


class DeletionRefusal(StrEnum):
    WRONG_PASSWORD = "wrong_password"
    TRANSMITTED = "transmitted"  # kept until the end of the retention period
    NO_PASSWORD = "no_password"  # university (SSO) accounts: no password to confirm with


class DeletionRefused(Refused[DeletionRefusal]):
    """The account cannot be deleted by its owner now; nothing was written."""


def _transmitted_sql(account_id: int) -> str:
    return (
        "SELECT 1 FROM application JOIN candidate ON candidate.id = application.candidate "
        f"WHERE candidate.account = {int(account_id)} AND application.transmitted_at IS NOT NULL"
    )


async def has_transmitted_application(account_id: int) -> bool:
    return bool(await AuditEvent.raw(_transmitted_sql(account_id)))


@dataclass(frozen=True)
class Deleted:
    mail_ids: list[int]


async def delete_own_account(*, account_id: int, password: str) -> Deleted:
    """Delete the account if the password is right and no application was transmitted.

    Check that nothing was transmitted, then the password (in a thread, before the
    transaction), then in one transaction:
    the purge of every row about the account, conditioned on "no transmitted
    application" in its very DELETE (a transmission committed meanwhile leaves the
    account in place: the transaction rolls back), the mail ACCOUNT_DELETED (tied to
    no account and naming nobody: only its address remains), the audit event ``account_deleted_by_candidate`` naming only the
    campaign, with counts. After commit, the files leave the disk.
    """
    account = (
        await CandidateAccount.select(
            CandidateAccount.password_hash,
            CandidateAccount.email,
            CandidateAccount.language,
            CandidateAccount.campaign,
        )
        .where(CandidateAccount.id == account_id)
        .first()
    )
    if account is None:
        raise DeletionRefused(DeletionRefusal.WRONG_PASSWORD)
    if await has_transmitted_application(account_id):
        raise DeletionRefused(DeletionRefusal.TRANSMITTED)
    if not account["password_hash"]:
        raise DeletionRefused(DeletionRefusal.NO_PASSWORD)
    if not await verify_password_in_thread(account["password_hash"], password):
        raise DeletionRefused(DeletionRefusal.WRONG_PASSWORD)
    accounts_sql = (
        f"SELECT id FROM candidate_account WHERE id = {int(account_id)} "
        f"AND NOT EXISTS ({_transmitted_sql(account_id)})"
    )
    rows = rows_about(accounts_sql)
    async with write_transaction():
        counted = await AuditEvent.raw(
            f"SELECT (SELECT COUNT(*) FROM application WHERE id IN ({rows['application']})) "
            f"AS applications, (SELECT COUNT(*) FROM stored_file WHERE id IN "
            f"({rows['stored_file']})) AS files"
        )
        purged = await purge_accounts(accounts_sql)
        if purged.accounts != 1:
            raise DeletionRefused(DeletionRefusal.TRANSMITTED)  # rolls the purge back
        mail_id = await queue_mail(
            to=account["email"],
            code=MailCode.ACCOUNT_DELETED,
            language=account["language"],
            context={},  # the row outlives the account: it names nobody
        )
        await record_event(
            actor_kind=ActorKind.CANDIDATE,
            actor_id=None,
            action=DELETED_ACTION,
            entity="campaign",
            entity_id=account["campaign"],
            data={
                "applications": counted[0]["applications"],
                "files": counted[0]["files"],
                "mails": purged.mails,
            },
        )
    remove_files(purged)
    return Deleted(mail_ids=[mail_id])


async def send_data_request(*, account_id: int, message: str) -> list[int]:
    """Mail the candidate's request about their data to the university's contact
    (``PRIVACY_CONTACT_EMAIL``), tied to the account (it is about them: exported and
    purged with them), and record ``data_request_sent``; returns the mail ids."""
    account = (
        await CandidateAccount.select(
            CandidateAccount.email,
            CandidateAccount.first_name,
            CandidateAccount.last_name,
            CandidateAccount.login,
            CandidateAccount.campaign.label_fr.as_alias("campaign"),
        )
        .where(CandidateAccount.id == account_id)
        .first()
    )
    if account is None:
        return []
    async with write_transaction():
        mail_id = await queue_mail(
            to=get_settings().privacy_contact_email,
            code=MailCode.DATA_REQUEST,
            language="fr",
            account_id=account_id,
            context={
                "first_name": account["first_name"],
                "last_name": account["last_name"],
                "login": account["login"],
                "email": account["email"],
                "campaign": account["campaign"],
                "message": message,
            },
        )
        await record_event(
            actor_kind=ActorKind.CANDIDATE,
            actor_id=account_id,
            action=REQUEST_ACTION,
            entity="candidate_account",
            entity_id=account_id,
            data={"mail": mail_id},
        )
    return [mail_id]
