"""Single-use links (activation, password reset, email change).

The mail carries a random token; the database keeps only its SHA-256, so a copy of the
database gives no usable link.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from app.clock import now
from app.tables.accounts import AccountToken


class TokenPurpose(StrEnum):
    ACTIVATION = "activation"
    RESET = "reset"
    EMAIL_CHANGE = "email_change"


@dataclass(frozen=True)
class UsedToken:
    account_id: int
    email: str | None


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def create_token(
    *, account_id: int, purpose: TokenPurpose, expires_at: datetime, email: str | None = None
) -> str:
    """A fresh token; earlier live tokens of the same purpose die (only the newest link works)."""
    await revoke_tokens(account_id=account_id, purpose=purpose)
    token = secrets.token_urlsafe(32)
    await AccountToken.insert(
        AccountToken(
            account=account_id,
            purpose=purpose.value,
            token_hash=token_hash(token),
            email=email,
            expires_at=expires_at,
        )
    )
    return token


async def revoke_tokens(*, account_id: int, purpose: TokenPurpose) -> None:
    await AccountToken.update({AccountToken.used_at: now()}).where(
        (AccountToken.account == account_id)
        & (AccountToken.purpose == purpose.value)
        & AccountToken.used_at.is_null()
    )


async def consume_token(token: str, purpose: TokenPurpose) -> UsedToken | None:
    """Mark the token used (compare-and-set) and return whom it belongs to.

    None when the token is unknown, already used, revoked or expired.
    """
    rows = (
        await AccountToken.update({AccountToken.used_at: now()})
        .where(
            (AccountToken.token_hash == token_hash(token))
            & (AccountToken.purpose == purpose.value)
            & AccountToken.used_at.is_null()
            & (AccountToken.expires_at > now())
        )
        .returning(AccountToken.account, AccountToken.email)
    )
    if not rows:
        return None
    return UsedToken(account_id=rows[0]["account"], email=rows[0]["email"])


async def peek_token(token: str, purpose: TokenPurpose) -> dict | None:
    """The token's row, used or not (to say *why* a link no longer works)."""
    return (
        await AccountToken.select()
        .where(
            (AccountToken.token_hash == token_hash(token)) & (AccountToken.purpose == purpose.value)
        )
        .first()
    )
