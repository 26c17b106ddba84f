"""Staff accounts made by the central office in the admin (issue 10, item 5).

One function per change, each checking who asks, writing in one transaction with its
audit event and its mail (a single-use link, app.backoffice.staff_links), and
returning the mail ids to hand to the worker after commit.

Who may (a choice, tested in tests/integration/test_admin_staff_accounts.py):
- only the technical administrator (piccolo superuser) and the central office create
  staff or send them a new-password link: they are the only roles that enter the admin,
  and the admin checks the role again here, since a form is an API of its own;
- only a superuser creates a technical administrator or a central office member, or
  sends such an account a new-password link: both see every centre's data, and a
  link sent to one of them is a way into that account for whoever reads the mail.
  The central office manages centre managers and commission members.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field

from piccolo.apps.user.tables import BaseUser

from app.audit import record_event
from app.backoffice.access import ADMIN_ROLES
from app.backoffice.staff_links import queue_link_mail, random_unusable_password
from app.backoffice.staff_members import (
    ADMIN_FLAGS,
    StaffError,
    _campaign_id,
    _centre_ids,
    _commission_ids,
    _replace_scopes,
    check_scopes,
    refuse_taken,
)
from app.core.codes.applications import ActorKind
from app.core.codes.staff import StaffRole, StaffTokenPurpose
from app.db import write_transaction
from app.tables.backoffice import StaffCentre, StaffCommission, StaffProfile
from app.tables.ops import AuditEvent

ROLE_LABELS = {
    StaffRole.TECH_ADMIN: "administrateur technique",
    StaffRole.CENTRAL_OFFICE: "scolarité centrale",
    StaffRole.CENTRE_MANAGER: "gestionnaire de centre",
    StaffRole.COMMISSION_MEMBER: "membre de commission",
}
USERNAME = re.compile(r"[A-Za-z0-9._-]{2,100}")
EMAIL = re.compile(r"[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+")
NAME_LENGTH = 100
LANGUAGES = ("fr", "en")


@dataclass(frozen=True)
class NewStaff:
    username: str
    email: str
    first_name: str
    last_name: str
    role: str
    centre_codes: list[str] = field(default_factory=list)
    commission_codes: list[str] = field(default_factory=list)
    language: str = "fr"


@dataclass(frozen=True)
class StaffCreated:
    user_id: int
    profile_id: int
    mail_ids: list[int]


async def _check_actor(actor_user_id: int, role: StaffRole) -> None:
    """The rule of the module docstring; French messages, shown as is by the admin."""
    actor = (
        await StaffProfile.select(StaffProfile.role, StaffProfile.user.superuser)
        .where((StaffProfile.user == actor_user_id) & StaffProfile.user.active.eq(True))
        .first()
    )
    if actor is None or actor["role"] not in ADMIN_ROLES:
        raise StaffError(
            "Seuls l'administrateur technique et la scolarité centrale gèrent les comptes "
            "des personnels."
        )
    if role in ADMIN_ROLES and not actor["user.superuser"]:
        raise StaffError(
            f"Rôle : seul un administrateur technique peut gérer un compte « {ROLE_LABELS[role]} »."
        )


def _has_control(value: str) -> bool:
    # NUL and other control characters: PostgreSQL refuses NUL in text (a 500 otherwise).
    return any(ord(c) < 32 or ord(c) == 127 for c in value)


def _codes(label: str, raw: list[str]) -> list[str]:
    """Codes as typed in the admin: one per entry, or several separated by commas."""
    codes = list(dict.fromkeys(c.strip() for entry in raw for c in entry.split(",") if c.strip()))
    if any(_has_control(code) or len(code) > 50 for code in codes):
        raise StaffError(f"{label} : des codes de moins de 50 caractères, séparés par « , ».")
    return codes


def _clean(request: NewStaff) -> tuple[NewStaff, StaffRole]:
    """The request trimmed and checked field by field; each message names its field."""
    try:
        role = StaffRole(request.role)
    except ValueError:
        raise StaffError(
            f"Rôle : « {request.role} » n'est pas un rôle (admin, central, centre ou commission)."
        ) from None
    username = request.username.strip()
    if not USERNAME.fullmatch(username):
        raise StaffError(
            "Identifiant : de 2 à 100 caractères, lettres sans accent, chiffres, « . », "
            "« _ » ou « - »."
        )
    email = request.email.strip().lower()
    if len(email) > 254 or _has_control(email) or not EMAIL.fullmatch(email):
        raise StaffError("Adresse mail : ce n'est pas une adresse valide.")
    names = {"Prénom": request.first_name.strip(), "Nom": request.last_name.strip()}
    for label, value in names.items():
        if not value:
            raise StaffError(f"{label} : champ obligatoire.")
        if len(value) > NAME_LENGTH or _has_control(value):
            raise StaffError(f"{label} : au plus {NAME_LENGTH} caractères, sur une ligne.")
    if request.language not in LANGUAGES:
        raise StaffError("Langue du courriel : « fr » ou « en ».")
    cleaned = NewStaff(
        username=username,
        email=email,
        first_name=names["Prénom"],
        last_name=names["Nom"],
        role=role.value,
        centre_codes=_codes("Centres", request.centre_codes),
        commission_codes=_codes("Commissions", request.commission_codes),
        language=request.language,
    )
    return cleaned, role


async def _scope_ids(request: NewStaff, role: StaffRole) -> tuple[list[int], list[int]]:
    """Centre and commission ids of the active campaign; the role decides which apply."""
    centres, commissions = request.centre_codes, request.commission_codes
    check_scopes(role, centres, commissions)
    if not (centres or commissions):
        return [], []
    try:
        campaign_id = await _campaign_id(None)
    except StaffError:
        raise StaffError("Centres et commissions : aucune campagne active.") from None
    try:
        centre_ids = await _centre_ids(campaign_id, centres)
    except StaffError as error:
        raise StaffError(f"Centres : {error} dans la campagne active.") from None
    try:
        commission_ids = await _commission_ids(campaign_id, commissions)
    except StaffError as error:
        raise StaffError(f"Commissions : {error} dans la campagne active.") from None
    return centre_ids, commission_ids


async def create_staff_account(actor_user_id: int, request: NewStaff) -> StaffCreated:
    """Create a staff login with its profile and scopes, and mail it an activation link.

    The login is inactive, with a random password nobody knows, until the staff member
    chooses one through the link (:func:`app.backoffice.staff_links.set_password_with_link`).
    Audited as ``staff_created`` with the admin user as actor. Raises
    :class:`StaffError` (French, naming the field); nothing is written then.
    """
    request, role = _clean(request)
    await _check_actor(actor_user_id, role)
    centre_ids, commission_ids = await _scope_ids(request, role)
    await refuse_taken(request.username, request.email)
    unusable = await asyncio.to_thread(random_unusable_password)
    try:
        return await _create(actor_user_id, request, role, centre_ids, commission_ids, unusable)
    except Exception:
        # Two forms sent at once with the same username or address: the unique index
        # refused the second, rolled back whole; say so as the checks above would.
        await refuse_taken(request.username, request.email)
        raise


async def _create(
    actor_user_id: int,
    request: NewStaff,
    role: StaffRole,
    centre_ids: list[int],
    commission_ids: list[int],
    unusable: str,
) -> StaffCreated:
    admin, superuser = ADMIN_FLAGS[role]
    async with write_transaction():
        rows = await BaseUser.insert(
            BaseUser(
                username=request.username,
                password=unusable,
                email=request.email,
                first_name=request.first_name,
                last_name=request.last_name,
                active=False,
                admin=admin,
                superuser=superuser,
            )
        )
        user_id = rows[0]["id"]
        display_name = f"{request.first_name} {request.last_name}"
        profile = await StaffProfile.insert(
            StaffProfile(user=user_id, role=role.value, display_name=display_name)
        )
        profile_id = profile[0]["id"]
        await _replace_scopes(profile_id, StaffCentre, "centre", centre_ids)
        await _replace_scopes(profile_id, StaffCommission, "commission", commission_ids)
        await record_event(
            actor_kind=ActorKind.STAFF,
            actor_id=actor_user_id,
            action="staff_created",
            entity="piccolo_user",
            entity_id=user_id,
            data={
                "username": request.username,
                "email": request.email,
                "role": role.value,
                "centres": request.centre_codes,
                "commissions": request.commission_codes,
            },
        )
        mail_id = await queue_link_mail(
            user_id=user_id, purpose=StaffTokenPurpose.ACTIVATION, language=request.language
        )
    return StaffCreated(user_id, profile_id, [mail_id])


async def send_password_link(actor_user_id: int, username: str, language: str = "fr") -> list[int]:
    """Mail the staff member ``username`` a link to choose a new password.

    The current password keeps working until the link is used: a colleague who asked
    for a new password is not locked out by the request itself. An account created by
    the form and never activated gets its activation link again; an account that was
    deactivated stays so (the link would be a way back in): it is refused. Audited as
    ``staff_password_link_sent``; returns the mail ids.
    """
    username = username.strip()
    if language not in LANGUAGES:
        raise StaffError("Langue du courriel : « fr » ou « en ».")
    row = None
    if 0 < len(username) <= 100 and not _has_control(username):
        row = (
            await StaffProfile.select(
                StaffProfile.user, StaffProfile.role, StaffProfile.user.active
            )
            .where(StaffProfile.user.username == username)
            .first()
        )
    if row is None:
        raise StaffError(f"Identifiant : aucun personnel « {username} ».")
    await _check_actor(actor_user_id, StaffRole(row["role"]))
    user_id = row["user"]
    if row["user.active"]:
        purpose = StaffTokenPurpose.RESET
    elif await _awaits_activation(user_id):
        purpose = StaffTokenPurpose.ACTIVATION
    else:
        raise StaffError(
            f"Identifiant : le compte « {username} » est désactivé ; réactivez-le d'abord "
            "(Utilisateurs, case « Active »)."
        )
    async with write_transaction():
        await record_event(
            actor_kind=ActorKind.STAFF,
            actor_id=actor_user_id,
            action="staff_password_link_sent",
            entity="piccolo_user",
            entity_id=user_id,
            data={"username": username, "purpose": purpose.value},
        )
        mail_id = await queue_link_mail(user_id=user_id, purpose=purpose, language=language)
    return [mail_id]


async def _awaits_activation(user_id: int) -> bool:
    """Created by the form (inactive from the start) and no password chosen since."""
    events = await AuditEvent.select(AuditEvent.action).where(
        (AuditEvent.entity == "piccolo_user")
        & (AuditEvent.entity_id == user_id)
        & AuditEvent.action.is_in(["staff_created", "staff_password_set"])
    )
    actions = {event["action"] for event in events}
    return actions == {"staff_created"}
