"""piccolo-admin for staff, mounted at ``/admin/`` (DESIGN.md §6–§7).

Tables are grouped in French menus (``admin_catalogue``, ``admin_candidates``,
``admin_system``). Write rules come from ``app.backoffice.validators``: status and
decision columns never change here, rows the application writes itself are read-only,
and only superusers manage staff accounts and roles. Lifecycle changes go through the
forms of ``admin_forms``. Configuration rules come from ``config_rules``, and every
write to a table is audited in its own transaction (``admin_audit``).
"""

from __future__ import annotations

import asyncio
import datetime

from piccolo.apps.user.tables import BaseUser
from piccolo_admin.endpoints import TableConfig, create_admin
from piccolo_admin.translations.data import ENGLISH, FRENCH
from piccolo_api.rate_limiting.middleware import InMemoryLimitProvider
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.backoffice.access import admin_roles_only, may_enter_admin
from app.backoffice.admin_audit import audited_writes
from app.backoffice.admin_candidates import candidate_configs, mail_configs
from app.backoffice.admin_catalogue import catalogue_configs
from app.backoffice.admin_files import with_stored_files
from app.backoffice.admin_forms import form_configs
from app.backoffice.admin_page import with_portal_timezone
from app.backoffice.admin_schema_titles import with_french_headings
from app.backoffice.admin_system import reference_configs, staff_configs, system_configs
from app.backoffice.admin_table import (
    CANDIDATES,
    CATALOGUE,
    MAIL,
    MENU_GROUPS,
    REFERENCE,
    STAFF,
    SYSTEM,
)
from app.backoffice.form_guard import json_object_forms
from app.backoffice.staff_members import password_matches
from app.settings import Settings
from app.web.middleware import ADMIN_CONTENT_SECURITY_POLICY

__all__ = ["MENU_GROUPS", "SITE_NAME", "create_admin_app", "table_configs"]

SITE_NAME = "eCésure — administration"

# piccolo-admin's French reads as machine-translated in places; staff read it all day.
FRENCH_UI = FRENCH.model_copy(
    update={
        "language_name": "Français",
        "translations": {
            **FRENCH.translations,
            "About": "À propos",
            "Days": "Jours",
            "Delete": "Supprimer",
            "Edit": "Modifier",
            "Hide referencing tables": "Masquer les tables liées",
            "Light Mode": "Mode clair",
            "MFA Code": "Code de vérification",
            "MFA Setup": "Double authentification",
            "Save": "Enregistrer",
            "selected result(s) on": "résultat(s) sélectionné(s) sur",
            "Show referencing tables": "Afficher les tables liées",
            "Showing": "Affichage de",
            "Tables": "Tables",
            "Thanks for using Piccolo Admin.": "Merci d'utiliser Piccolo Admin.",
            "Update": "Mettre à jour",
            "Welcome to": "Bienvenue dans",
        },
    }
)


class StaffLogin(BaseUser, tablename="piccolo_user"):
    """piccolo's users as the admin signs them in: only the staff who may enter the
    admin (:func:`app.backoffice.access.may_enter_admin`) get a session.

    piccolo-api opens a session for any valid password and only refuses non-admins on
    the next API call; refusing them at the login itself gives staff a clear answer.
    piccolo's own ``login`` compares hashes with ``==``; this one is piccolo's, with a
    constant-time comparison (:func:`app.backoffice.staff_members.password_matches`).
    """

    @classmethod
    async def login(cls, username: str, password: str) -> int | None:
        if len(username) > cls.username.length or len(password) > cls._max_password_length:
            return None
        row = await cls.select(cls.id, cls.password).where(cls.username == username).first()
        # PBKDF2 takes a third of a second: in a thread, not on the event loop.
        if row is None:
            # As long as for a known user: response times do not tell who exists.
            await asyncio.to_thread(cls.hash_password, password)
            return None
        if not await asyncio.to_thread(password_matches, row["password"], password):
            return None
        if not await may_enter_admin(row["id"]):
            return None
        _algorithm, iterations, _salt, _hashed = cls.split_stored_password(row["password"])
        if int(iterations) != cls._pbkdf2_iteration_count:
            await cls.update_password(row["id"], password)  # piccolo's current strength
        await cls.update({cls.last_login: datetime.datetime.now()}).where(cls.id == row["id"])
        return row["id"]


def table_configs() -> list[TableConfig]:
    groups = {
        CATALOGUE: catalogue_configs(),
        CANDIDATES: candidate_configs(),
        MAIL: mail_configs(),
        STAFF: staff_configs(),
        REFERENCE: reference_configs(),
        SYSTEM: system_configs(),
    }
    for group, configs in groups.items():
        for config in configs:
            config.menu_group = group
    return [config for configs in groups.values() for config in configs]


def with_admin_policy(admin_app: ASGIApp) -> ASGIApp:
    """Send the admin's own Content-Security-Policy with every admin response.

    The portal's header middleware runs inside the ``/admin`` mount, where Litestar has
    already cut the mount prefix off ``scope["path"]``: it cannot tell admin requests
    apart; it keeps a policy that is already set, so the admin sets its own here.
    """
    policy = ADMIN_CONTENT_SECURITY_POLICY.encode()

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_policy(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                # A stricter policy of piccolo's own (media files) is left as it is.
                if all(name.lower() != b"content-security-policy" for name, _ in headers):
                    headers.append((b"content-security-policy", policy))
                message = {**message, "headers": headers}
            await send(message)

        await admin_app(scope, receive, send_with_policy)

    return app


def login_rate_limit() -> InMemoryLimitProvider:
    """20 sign-in attempts per client address and 5 minutes, then 5 minutes' wait.

    piccolo's default blocks an address until the process restarts: staff sharing one
    university NAT address would all be locked out. Behind a reverse proxy the server
    must trust its ``X-Forwarded-For`` (uvicorn ``--forwarded-allow-ips``), or every
    attempt counts for the proxy's address.
    """
    return InMemoryLimitProvider(limit=20, timespan=300, block_duration=300)


def create_admin_app(settings: Settings) -> ASGIApp:
    admin = create_admin(
        tables=table_configs(),
        auth_table=StaffLogin,
        site_name=SITE_NAME,
        default_language_code="fr",
        translations=[FRENCH_UI, ENGLISH],
        production=settings.is_prod,
        allowed_hosts=list(settings.admin_allowed_hosts),
        # Every table the admin reaches is configured above: nothing may appear with
        # piccolo's defaults (editable, ungrouped).
        auto_include_related=False,
        rate_limit_provider=login_rate_limit(),
        forms=form_configs(),
        sidebar_links={
            "Portail candidat": "/",
            "Bureau de gestion": "/staff/",
            "Aperçu des modèles de mails": "/staff/modeles-mails",
            "Travaux et courriels": "/staff/ops/jobs",
        },
    )
    # Readable (issue 10): the page starts on the portal's time zone, columns have
    # French headings, stored files open behind the admin's sign-in. Writes are audited
    # inside the role check: refused sessions never open a transaction. Form bodies
    # piccolo-admin cannot read become an empty object (422, not 500).
    audited = audited_writes(json_object_forms(with_portal_timezone(admin, settings)))
    readable = with_stored_files(with_french_headings(audited))
    return with_admin_policy(admin_roles_only(readable))
