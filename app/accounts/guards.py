"""Guards of candidate pages and the signed-in account's id, for every feature's routes."""

from __future__ import annotations

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.exceptions import HTTPException
from litestar.handlers.base import BaseRouteHandler
from litestar.response import Redirect
from litestar.status_codes import HTTP_403_FORBIDDEN

from app.accounts.auth import SignInRequired, candidate_required, current_account_id
from app.accounts.sso import FIRST_SIGN_IN_PATH
from app.clock import now
from app.tables.accounts import CandidateAccount


class FirstSignInRequired(HTTPException):
    """A university student who has not confirmed a contact email yet."""

    status_code = HTTP_403_FORBIDDEN


ACCOUNT_CHECKED_KEY = "account_checked_at"
"""Session key: when the guard last found the account alive with its first sign-in
done (a POSIX timestamp). Until ``ACCOUNT_RECHECK_SECONDS`` later, signed-in pages
trust it instead of reading the account on every request."""
ACCOUNT_RECHECK_SECONDS = 60
"""A first sign-in, once done, stays done (an email change ends every session), so the
check is only repeated for an account destroyed while a session lived on (the
retention purge): its pages then sign it out within this delay."""


def _recently_checked(session: object) -> bool:
    checked_at = session.get(ACCOUNT_CHECKED_KEY) if isinstance(session, dict) else None
    if not isinstance(checked_at, int | float):
        return False
    return 0 <= now().timestamp() - checked_at < ACCOUNT_RECHECK_SECONDS


async def first_sign_in_done(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    """Guard (after ``candidate_required``): a university student first confirms their
    contact email on the first-sign-in page. The answer is kept in the session."""
    session = connection.scope.get("session")
    if _recently_checked(session):
        return
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
    if isinstance(session, dict):
        session[ACCOUNT_CHECKED_KEY] = now().timestamp()  # stored with the response


async def signed_in_candidate(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
    """Guard of the candidate's pages: signed in (:func:`candidate_required`), first
    sign-in done (:func:`first_sign_in_done`). One guard rather than the two: Litestar
    copies the route handler for each guard it runs, on every request (issue 13)."""
    await candidate_required(connection, handler)
    await first_sign_in_done(connection, handler)


def to_first_sign_in(_: Request, __: Exception) -> Redirect:
    return Redirect(FIRST_SIGN_IN_PATH, status_code=303)


def account_id_of(request: Request) -> int:
    account_id = current_account_id(request)
    if account_id is None:  # the guard lets no such request through
        raise SignInRequired(detail=request.url.path)
    return account_id
