"""What account services answer and share (outcomes, refusals, the account's audit events and mails)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from enum import StrEnum

import asyncpg

from app.audit import record_event
from app.core.codes.applications import ActorKind
from app.core.codes.mail import MailCode
from app.mail.outbox import queue_mail
from app.refused import Refused
from app.settings import get_settings
from app.tables.accounts import CandidateAccount

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


class AccountRefused(Refused[AccountError]):
    """An account change refused by its rules (nothing written)."""


@dataclass
class Outcome:
    account_id: int | None = None
    login: str | None = None
    mail_ids: list[int] = field(default_factory=list)
    already_active: bool = False  # an activation link followed again: nothing was done


def normalise_email(email: str) -> str:
    return email.strip().lower()


def account_link(path: str) -> str:
    return f"{get_settings().base_url}{path}"


async def audit_account(
    account_id: int, action: str, actor: ActorKind = ActorKind.CANDIDATE, **data
):
    await record_event(
        actor_kind=actor,
        actor_id=account_id if actor is ActorKind.CANDIDATE else None,
        action=action,
        entity="account",
        entity_id=account_id,
        data=data or None,
    )


async def mail_account(account: dict, code: MailCode, *, to: str | None = None, **context) -> int:
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


async def account_with_campaign(where) -> dict | None:
    return (
        await CandidateAccount.select(
            CandidateAccount.all_columns(),
            CandidateAccount.campaign.label_fr.as_alias("campaign_label"),
        )
        .where(where)
        .first()
    )
