"""Guards of candidate pages and the signed-in account's id, for every feature's routes."""

from __future__ import annotations

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.exceptions import HTTPException
from litestar.handlers.base import BaseRouteHandler
from litestar.response import Redirect
from litestar.status_codes import HTTP_403_FORBIDDEN

from app.accounts.auth import SignInRequired, current_account_id
from app.tables.accounts import CandidateAccount

FIRST_SIGN_IN_PATH = "/universite/premiere-connexion"


class FirstSignInRequired(HTTPException):
    """A university student who has not confirmed a contact email yet."""

    status_code = HTTP_403_FORBIDDEN


async def first_sign_in_done(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    """Guard (after ``candidate_required``): a university student first confirms their
    contact email on the first-sign-in page."""
    account_id = current_account_id(connection)
    account = (
        await CandidateAccount.select(
            CandidateAccount.cas_login, CandidateAccount.email_validated_at
        )
        .where(CandidateAccount.id == account_id)
        .first()
    )
    if account is None:
        # The account was destroyed while the session lived on: sign in again.
        connection.clear_session()
        raise SignInRequired(detail=connection.url.path)
    if account["cas_login"] and account["email_validated_at"] is None:
        raise FirstSignInRequired


def to_first_sign_in(_: Request, __: Exception) -> Redirect:
    return Redirect(FIRST_SIGN_IN_PATH, status_code=303)


def account_id_of(request: Request) -> int:
    account_id = current_account_id(request)
    if account_id is None:  # the guard lets no such request through
        raise SignInRequired(detail=request.url.path)
    return account_id
