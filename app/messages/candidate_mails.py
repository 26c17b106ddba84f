"""A candidate's own mails ("Mes messages", issue 11 item 5): the list, one mail, and
sending one again.

Only mails tied to the account (``OutboxMail.account``) are the candidate's: the
commission's alerts about the same application carry the application, not the
account, and never show here.

Mails carrying a single-use link (activation, password reset, email change) are listed
but their body is not shown: with a stolen session, the page would otherwise hand over
a password-reset link, turning a session into the account itself. The candidate can
still have them sent again to their mailbox.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from app.core.actor import Actor
from app.core.codes.mail import MailCode
from app.db import write_transaction
from app.messages.resend import RESEND_COLUMNS, RESENDABLE, Resent, requeue
from app.refused import Refused
from app.tables.mail import OutboxMail

PAGE_SIZE = 20
MAX_PAGE = 10_000  # beyond, an OFFSET the database would scan for nothing

# Bodies holding a single-use link (see module).
SECRET_BODIES = frozenset(
    {
        MailCode.ACCOUNT_CREATED.value,
        MailCode.ACTIVATION_RESENT.value,
        MailCode.PASSWORD_RESET.value,
        MailCode.EMAIL_CHANGE.value,
        MailCode.DATA_EXPORT_READY.value,  # the "Mes données" archive's link
    }
)
# Sent to the address being confirmed, not the account's: sending it again to the
# account's current address would confirm nothing. The candidate asks for a new change.
NOT_RESENDABLE = frozenset({MailCode.EMAIL_CHANGE.value})


class OwnResendRefusal(StrEnum):
    NOT_FOUND = "not_found"
    ON_ITS_WAY = "on_its_way"  # queued or sending: the worker has it
    NOTHING_TO_SEND = "nothing_to_send"  # its template failed to render
    NOT_RESENDABLE = "not_resendable"  # an email-change link (see NOT_RESENDABLE)


class OwnResendRefused(Refused[OwnResendRefusal]):
    """The candidate's mail cannot be sent again; nothing was written."""


@dataclass(frozen=True)
class MailLine:
    id: int
    subject: str
    status: str
    date: datetime  # sent, else written


@dataclass(frozen=True)
class MailPage:
    lines: list[MailLine]
    page: int
    pages: int
    total: int


@dataclass(frozen=True)
class OwnMail:
    id: int
    subject: str
    status: str
    date: datetime
    text: str  # "" when hidden (SECRET_BODIES) or nothing was rendered
    hidden: bool
    resendable: bool


def _date(row: dict) -> datetime:
    return row["sent_at"] or row["created_at"]


async def mail_page(account_id: int, page: int) -> MailPage:
    """The account's mails, newest first, ``PAGE_SIZE`` a page; a page past the last
    is the last one."""
    mine = OutboxMail.account == account_id
    total = await OutboxMail.count().where(mine)
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    rows = (
        await OutboxMail.select(
            OutboxMail.id,
            OutboxMail.subject,
            OutboxMail.status,
            OutboxMail.created_at,
            OutboxMail.sent_at,
        )
        .where(mine)
        .order_by(OutboxMail.created_at, ascending=False)
        .order_by(OutboxMail.id, ascending=False)
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    )
    lines = [MailLine(r["id"], r["subject"], r["status"], _date(r)) for r in rows]
    return MailPage(lines, page, pages, total)


async def own_mail(account_id: int, mail_id: int) -> OwnMail | None:
    """One of the account's mails; None when it is not theirs (or does not exist)."""
    row = (
        await OutboxMail.select(
            OutboxMail.id,
            OutboxMail.subject,
            OutboxMail.status,
            OutboxMail.created_at,
            OutboxMail.sent_at,
            OutboxMail.text,
            OutboxMail.html,
            OutboxMail.template_code,
        )
        .where((OutboxMail.id == mail_id) & (OutboxMail.account == account_id))
        .first()
    )
    if row is None:
        return None
    hidden = row["template_code"] in SECRET_BODIES
    has_body = bool(row["html"] or row["text"])
    return OwnMail(
        id=row["id"],
        subject=row["subject"],
        status=row["status"],
        date=_date(row),
        # The plain-text part: never the HTML in the page (staff edit the templates).
        text="" if hidden else row["text"],
        hidden=hidden,
        resendable=(
            row["status"] in RESENDABLE and has_body and row["template_code"] not in NOT_RESENDABLE
        ),
    )


async def resend_own_mail(*, account_id: int, mail_id: int) -> Resent:
    """The candidate asks for one of their sent or failed mails again, to the account's
    current address.

    Check: the mail is the account's, sent or failed, has a body, is not an
    email-change link. Write: compare-and-set ``status -> queued, attempts 0, no error,
    to_address = the account's address WHERE status is the one read``. Audit:
    ``mail_resent`` by the candidate. The caller then calls
    :func:`app.messages.resend.enqueue_resent` after commit.
    """
    async with write_transaction():
        row = (
            await OutboxMail.select(
                *RESEND_COLUMNS, OutboxMail.account.email.as_alias("account_email")
            )
            .where((OutboxMail.id == mail_id) & (OutboxMail.account == account_id))
            .first()
        )
        if row is None:
            raise OwnResendRefused(OwnResendRefusal.NOT_FOUND)
        before = row["status"]
        if row["template_code"] in NOT_RESENDABLE:
            raise OwnResendRefused(OwnResendRefusal.NOT_RESENDABLE)
        if before not in RESENDABLE:
            raise OwnResendRefused(OwnResendRefusal.ON_ITS_WAY)
        if not (row["html"] or row["text"]):
            raise OwnResendRefused(OwnResendRefusal.NOTHING_TO_SEND)
        address = row["account_email"] or row["to_address"]
        resent = await requeue(
            row, mail_id=mail_id, actor=Actor.candidate(account_id), address=address
        )
    if resent is None:  # the worker moved it meanwhile
        raise OwnResendRefused(OwnResendRefusal.ON_ITS_WAY)
    return resent
