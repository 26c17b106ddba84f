"""Who enters the back office, piccolo-admin at ``/admin/`` (DESIGN.md §6).

piccolo-admin cannot filter rows per user: whoever it lets in reads and writes every
centre's rows (applications, programmes, contacts, campaigns, mail templates). So until
the scoped review desk exists, only the technical administrator and the central office
enter it; centre managers and commission members never do.

The role of the staff profile decides, not piccolo's ``admin`` flag alone: the flag is
set from the role (``app.backoffice.staff_members.ADMIN_FLAGS``) but a stale one, set by hand or
left from an older release, must not open the admin. The role is checked at sign-in and
again on every API request, so that a session opened before a role change ends there.
"""

from __future__ import annotations

from piccolo_api.session_auth.tables import SessionsBase
from starlette.requests import HTTPConnection
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from app.core.codes.staff import StaffRole
from app.tables.backoffice import StaffProfile

ADMIN_ROLES = frozenset({StaffRole.TECH_ADMIN, StaffRole.CENTRAL_OFFICE})
"""The roles that enter piccolo-admin."""

SESSION_COOKIE = "id"  # piccolo-api's session cookie, as create_admin sets it
REFUSAL = (
    "Accès refusé : l'administration est réservée à l'administrateur technique et à la "
    "scolarité centrale."
)


async def may_enter_admin(user_id: int) -> bool:
    """Whether the piccolo user ``user_id`` may use the admin: an active admin login
    whose staff profile has one of :data:`ADMIN_ROLES` (no profile: no entry)."""
    row = (
        await StaffProfile.select(StaffProfile.role)
        .where(
            (StaffProfile.user == user_id)
            & StaffProfile.user.active.eq(True)
            & StaffProfile.user.admin.eq(True)
        )
        .first()
    )
    return row is not None and row["role"] in ADMIN_ROLES


def admin_roles_only(admin_app: ASGIApp) -> ASGIApp:
    """Refuse (403) every API request of a session whose user may not enter the admin.

    piccolo-api's session check only looks at the ``admin`` and ``active`` flags; this
    runs before it on every path but the public ones (the page shell, its assets, and
    ``/public/...``: login, logout, translations), so on ``/api/...`` whatever piccolo
    adds there later. Requests without a valid session go on to piccolo-api, which
    answers 401 as before.
    """

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not _is_public(scope["path"]):
            token = HTTPConnection(scope).cookies.get(SESSION_COOKIE)
            user_id = await SessionsBase.get_user_id(token) if token else None
            if user_id is not None and not await may_enter_admin(user_id):
                await JSONResponse({"detail": REFUSAL}, status_code=403)(scope, receive, send)
                return
        await admin_app(scope, receive, send)

    return app


PUBLIC_PREFIXES = ("/public/", "/assets/")


def _is_public(path: str) -> bool:
    # Inside the /admin mount the prefix is already cut off (Litestar's mount).
    return path in ("", "/") or path.startswith(PUBLIC_PREFIXES)
