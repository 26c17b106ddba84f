"""The hourly purge of accounts nobody activated in time, as three set-based statements.

An unactivated account holds what the sign-up wrote: the account, its candidate row
(both go by ON DELETE CASCADE with the account, and so does the activation token) and
its mails, which name the address and are deleted first (their key to the account is
SET NULL, not CASCADE). Each purged account leaves one ``account_purged`` audit event
(system) and its dossier number in ``dossier_number_history``, so it is never reissued.

Set-based: however many accounts expired, the job runs the same three statements in one
transaction (100,000 accounts in seconds, where a transaction per account took minutes).
The condition is checked by the DELETE itself, so an account activated meanwhile stays.
"""

from __future__ import annotations

from app.clock import now
from app.core.codes.applications import ActorKind
from app.db import on_postgres, write_transaction
from app.tables.accounts import CandidateAccount

# Each {} is bound to the same instant, now (and the events' data to "{}").
NO_DATA = "{}"
EXPIRED = "SELECT id FROM candidate_account WHERE activated_at IS NULL AND purge_after < {}"
DELETE_MAILS = f"DELETE FROM outbox_mail WHERE account IN ({EXPIRED})"
EVENT_COLUMNS = (
    "created_at, actor_kind, actor_id, action, entity, entity_id, application_id,"
    " visible_to_candidate, data"
)


def _event_values(moment: str, data: str) -> str:
    """The audit event of the account ``id``; ``moment`` and ``data`` are placeholders
    (Piccolo's raw has no escape for a literal brace: the empty JSON object is bound)."""
    system = ActorKind.SYSTEM.value
    return f"{moment}, '{system}', NULL, 'account_purged', 'account', id, NULL, FALSE, {data}"


# PostgreSQL: the DELETE returns what it removed and the events are written from that,
# in one statement, so an account activated meanwhile can neither go nor get an event.
DELETE_AND_RECORD = (
    "WITH gone AS (DELETE FROM candidate_account"
    " WHERE activated_at IS NULL AND purge_after < {} RETURNING id),"
    f" recorded AS (INSERT INTO audit_event ({EVENT_COLUMNS})"
    f" SELECT {_event_values('{}::timestamptz', '{}::json')} FROM gone RETURNING id)"
    " SELECT COUNT(*) AS n FROM recorded"
)

# SQLite (no DELETE inside WITH): the IMMEDIATE transaction holds the write lock, so the
# events written for the expired accounts name exactly the ones the DELETE removes.
COUNT = f"SELECT COUNT(*) AS n FROM ({EXPIRED})"
RECORD = (
    f"INSERT INTO audit_event ({EVENT_COLUMNS}) SELECT {_event_values('{}', '{}')} FROM ({EXPIRED})"
)
DELETE_ACCOUNTS = "DELETE FROM candidate_account WHERE activated_at IS NULL AND purge_after < {}"


async def purge_unactivated_accounts() -> int:
    """Destroy the accounts not activated by their date; returns how many.

    In one transaction: their mails, then the accounts (with, by cascade, the candidate
    rows and tokens) together with one ``account_purged`` audit event each.
    """
    moment = now()
    async with write_transaction():
        await CandidateAccount.raw(DELETE_MAILS, moment)
        if on_postgres():
            return (await CandidateAccount.raw(DELETE_AND_RECORD, moment, moment, NO_DATA))[0]["n"]
        count = (await CandidateAccount.raw(COUNT, moment))[0]["n"]
        await CandidateAccount.raw(RECORD, moment, NO_DATA, moment)
        await CandidateAccount.raw(DELETE_ACCOUNTS, moment)
        return count
