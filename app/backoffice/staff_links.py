"""Staff members' single-use links: the activation of an account created in the admin,
and a new password sent by the central office (issue 10, item 5).

Nobody types a password for someone else: the admin creates the login with a random
password no one knows, and the mail carries a link to ``/staff/activation/{token}``
where the staff member chooses their own, under the candidates' rule
(:func:`app.backoffice.staff_members.check_staff_password`).

The database keeps only the token's SHA-256 (as for candidates, app.accounts.tokens).
"""

from __future__ import annotations

import asyncio
import secrets
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from piccolo.apps.user.tables import BaseUser
from piccolo_api.session_auth.tables import SessionsBase

from app.accounts.tokens import token_hash
from app.audit import record_event
from app.backoffice.staff_members import StaffError, check_staff_password
from app.clock import now
from app.core.codes.applications import ActorKind
from app.core.codes.mail import MailCode
from app.core.codes.staff import StaffTokenPurpose
from app.db import write_transaction
from app.mail.outbox import queue_mail
from app.settings import get_settings
from app.tables.backoffice import StaffProfile, StaffToken

LINK_HOURS = {StaffTokenPurpose.ACTIVATION: 72, StaffTokenPurpose.RESET: 24}
LINK_PATH = "/staff/activation/"
MAIL_CODES = {
    StaffTokenPurpose.ACTIVATION: MailCode.STAFF_ACTIVATION,
    StaffTokenPurpose.RESET: MailCode.STAFF_PASSWORD_RESET,
}


class LinkState(StrEnum):
    LIVE = "live"
    USED = "used"  # used, or replaced by a newer link
    EXPIRED = "expired"
    CLOSED = "closed"  # the account was deactivated (or lost its staff profile) since
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class LinkOwner:
    user_id: int
    username: str
    purpose: StaffTokenPurpose


def random_unusable_password() -> str:
    """A stored hash (piccolo's format, so every login check reads it) of a random
    secret nobody is told: the account cannot be signed in to until a link sets one."""
    return BaseUser.hash_password(secrets.token_urlsafe(32))


async def create_link(user_id: int, purpose: StaffTokenPurpose) -> str:
    """A fresh token for ``user_id``; every earlier live link of the user dies (only the
    newest mail works). Call inside the caller's transaction."""
    await StaffToken.update({StaffToken.used_at: now()}).where(
        (StaffToken.user == user_id) & StaffToken.used_at.is_null()
    )
    token = secrets.token_urlsafe(32)
    await StaffToken.insert(
        StaffToken(
            user=user_id,
            purpose=purpose.value,
            token_hash=token_hash(token),
            expires_at=now() + timedelta(hours=LINK_HOURS[purpose]),
        )
    )
    return token


async def queue_link_mail(*, user_id: int, purpose: StaffTokenPurpose, language: str = "fr") -> int:
    """Create the link and write its mail to the outbox (inside the caller's
    transaction); returns the mail id, to enqueue after commit."""
    user = (
        await BaseUser.select(
            BaseUser.username, BaseUser.email, BaseUser.first_name, BaseUser.last_name
        )
        .where(BaseUser.id == user_id)
        .first()
    )
    token = await create_link(user_id, purpose)
    return await queue_mail(
        to=user["email"],
        code=MAIL_CODES[purpose],
        language=language,
        context={
            "first_name": user["first_name"] or "",
            "last_name": user["last_name"] or "",
            "username": user["username"],
            "link_url": f"{get_settings().base_url}{LINK_PATH}{token}",
            "hours": LINK_HOURS[purpose],
        },
    )


async def link_state(token: str) -> tuple[LinkState, LinkOwner | None]:
    """What the link is, to say *why* it no longer works; its owner when live."""
    if not token or len(token) > 200:
        return LinkState.UNKNOWN, None
    row = (
        await StaffToken.select(
            StaffToken.user, StaffToken.purpose, StaffToken.expires_at, StaffToken.used_at
        )
        .where(StaffToken.token_hash == token_hash(token))
        .first()
    )
    if row is None:
        return LinkState.UNKNOWN, None
    if row["used_at"] is not None:
        return LinkState.USED, None
    if row["expires_at"] <= now():
        return LinkState.EXPIRED, None
    purpose = StaffTokenPurpose(row["purpose"])
    user = (
        await StaffProfile.select(StaffProfile.user.username, StaffProfile.user.active)
        .where(StaffProfile.user == row["user"])
        .first()
    )
    if user is None or not _may_use(purpose, active=user["user.active"]):
        return LinkState.CLOSED, None
    return LinkState.LIVE, LinkOwner(row["user"], user["user.username"], purpose)


def _may_use(purpose: StaffTokenPurpose | str, *, active: bool) -> bool:
    """Only an activation link makes a login active: a deactivated account's reset link
    is dead (deactivating must keep the colleague out)."""
    return active or purpose == StaffTokenPurpose.ACTIVATION


async def set_password_with_link(token: str, password: str) -> int:
    """Set the password of the link's owner and activate the login; returns the user id.

    Side effects, in one transaction: the token is marked used (compare-and-set, so a
    second use of the same link finds nothing), the password is stored, the login made
    active, the user's admin sessions ended (whoever held the old password is out) and
    the change audited with the staff member as actor.

    Raises :class:`StaffError` for a weak password (nothing written, the link still
    works) or a link that is not live (``"lien"``, see :func:`link_state`).
    """
    check_staff_password(password)
    # PBKDF2 (~0.3 s): in a thread, and before the write lock is taken.
    hashed = await asyncio.to_thread(BaseUser.hash_password, password)
    async with write_transaction():
        rows = (
            await StaffToken.update({StaffToken.used_at: now()})
            .where(
                (StaffToken.token_hash == token_hash(token))
                & StaffToken.used_at.is_null()
                & (StaffToken.expires_at > now())
            )
            .returning(StaffToken.user, StaffToken.purpose)
        )
        if not rows:
            raise StaffError("lien")
        user_id, purpose = rows[0]["user"], rows[0]["purpose"]
        user = (
            await StaffProfile.select(StaffProfile.user.active)
            .where(StaffProfile.user == user_id)
            .first()
        )
        # Not a staff login any more, or deactivated since the mail: the link is dead.
        if user is None or not _may_use(purpose, active=user["user.active"]):
            raise StaffError("lien")
        await BaseUser.update({BaseUser.password: hashed, BaseUser.active: True}).where(
            BaseUser.id == user_id
        )
        await SessionsBase.delete().where(SessionsBase.user_id == user_id)
        await record_event(
            actor_kind=ActorKind.STAFF,
            actor_id=user_id,
            action="staff_password_set",
            entity="piccolo_user",
            entity_id=user_id,
            data={"purpose": purpose},
        )
    return user_id
