"""Create or update a staff member: piccolo ``BaseUser`` login + role + scopes.

Used by the demo data loader and by ``python -m app.cli create-staff``.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterable
from dataclasses import dataclass

from piccolo.apps.user.tables import BaseUser
from piccolo.query import WhereRaw

from app.accounts.passwords import password_problems
from app.backoffice.access import ADMIN_ROLES
from app.core.codes.staff import StaffRole
from app.db import write_transaction
from app.tables.backoffice import StaffCentre, StaffCommission, StaffProfile
from app.tables.catalog import Campaign, Centre, Commission

# piccolo-admin lets in ``admin`` users; only ``superuser`` may manage other users'
# passwords. Centre managers and commission members never enter the admin, which cannot
# keep them to their centres (app.backoffice.access; the role is checked there too).
ADMIN_FLAGS: dict[StaffRole, tuple[bool, bool]] = {
    role: (role in ADMIN_ROLES, role is StaffRole.TECH_ADMIN) for role in StaffRole
}


class StaffError(ValueError):
    """The request cannot be satisfied; the message is meant for the operator."""


@dataclass(frozen=True)
class StaffUpsert:
    user_id: int
    profile_id: int
    created: bool
    password_changed: bool


def check_staff_password(password: str) -> None:
    """Staff passwords follow the candidates' rule (DESIGN.md §4), one function for both
    (:func:`app.accounts.passwords.password_problems`): piccolo alone only asks for 6
    characters, too weak for accounts that open the back office."""
    problems = password_problems(password)
    if problems:
        raise StaffError("mot de passe trop faible : " + " ".join(problems))
    try:
        BaseUser._validate_password(password)
    except ValueError as error:
        raise StaffError(str(error)) from None


def password_matches(stored: str, password: str) -> bool:
    """Whether ``password`` is the one hashed in ``stored`` (piccolo's PBKDF2 format).

    Compared in constant time: ``==`` stops at the first differing character, and how
    long it takes tells how much of the hash an attacker's guess got right. A password
    longer than piccolo hashes (it raises) matches nothing."""
    if len(password) > BaseUser._max_password_length:
        return False
    _algorithm, iterations, salt, _hashed = BaseUser.split_stored_password(stored)
    candidate = BaseUser.hash_password(password, salt, int(iterations))
    return hmac.compare_digest(candidate.encode(), stored.encode())


async def _campaign_id(campaign_code: str | None) -> int:
    query = Campaign.select(Campaign.id)
    if campaign_code is None:
        query = query.where(Campaign.active.eq(True))
    else:
        query = query.where(Campaign.code == campaign_code)
    row = await query.first()
    if row is None:
        raise StaffError(
            "aucune campagne active"
            if campaign_code is None
            else f"campagne {campaign_code!r} inconnue"
        )
    return row["id"]


def _match_codes(rows: list[dict], codes: list[str], what: str) -> list[int]:
    found: dict[str, list[int]] = {}
    for row in rows:
        found.setdefault(row["code"], []).append(row["id"])
    missing = [code for code in codes if code not in found]
    if missing:
        raise StaffError(f"{what} inconnu(s) : {', '.join(missing)}")
    # Codes are unique per campaign for centres, per centre for commissions.
    ambiguous = [code for code in codes if len(found[code]) > 1]
    if ambiguous:
        raise StaffError(f"{what} ambigu(s) : {', '.join(ambiguous)}")
    return [found[code][0] for code in codes]


async def _centre_ids(campaign_id: int, codes: list[str]) -> list[int]:
    if not codes:
        return []
    rows = await Centre.select(Centre.id, Centre.code).where(
        (Centre.campaign == campaign_id) & Centre.code.is_in(codes)
    )
    return _match_codes(rows, codes, "centre")


async def _commission_ids(campaign_id: int, codes: list[str]) -> list[int]:
    if not codes:
        return []
    rows = await Commission.select(Commission.id, Commission.code).where(
        (Commission.centre.campaign == campaign_id) & Commission.code.is_in(codes)
    )
    return _match_codes(rows, codes, "commission")


def check_scopes(role: StaffRole, centre_codes: list[str], commission_codes: list[str]) -> None:
    """The role decides which scopes apply: centres for a centre manager, commissions for
    a commission member, none for the others (they see every centre)."""
    if role is StaffRole.CENTRE_MANAGER and not centre_codes:
        raise StaffError("Centres : un gestionnaire de centre a au moins un centre.")
    if role is StaffRole.COMMISSION_MEMBER and not commission_codes:
        raise StaffError("Commissions : un membre de commission a au moins une commission.")
    if role is not StaffRole.CENTRE_MANAGER and centre_codes:
        raise StaffError("Centres : seul un gestionnaire de centre a des centres.")
    if role is not StaffRole.COMMISSION_MEMBER and commission_codes:
        raise StaffError("Commissions : seul un membre de commission a des commissions.")


async def _save_user(
    *, username: str, email: str, password: str | None, role: StaffRole
) -> tuple[int, bool, bool]:
    admin, superuser = ADMIN_FLAGS[role]
    flags = {"email": email, "active": True, "admin": admin, "superuser": superuser}
    existing = (
        await BaseUser.select(BaseUser.id, BaseUser.password, *flags)
        .where(BaseUser.username == username)
        .first()
    )
    if existing is None:
        if not password:
            raise StaffError(f"un mot de passe est requis pour créer {username!r}")
        user = await BaseUser.create_user(username=username, password=password, **flags)
        return user.id, True, True
    changes = {name: value for name, value in flags.items() if existing[name] != value}
    if changes:
        await BaseUser.update(changes).where(BaseUser.id == existing["id"])
    password_changed = bool(password) and not password_matches(existing["password"], password)
    if password_changed:
        await BaseUser.update_password(existing["id"], password)
    return existing["id"], False, password_changed


async def _save_profile(user_id: int, role: StaffRole, display_name: str) -> int:
    profile = await StaffProfile.select().where(StaffProfile.user == user_id).first()
    if profile is None:
        rows = await StaffProfile.insert(
            StaffProfile(user=user_id, role=role.value, display_name=display_name)
        )
        return rows[0]["id"]
    if (profile["role"], profile["display_name"]) != (role.value, display_name):
        await StaffProfile.update({"role": role.value, "display_name": display_name}).where(
            StaffProfile.id == profile["id"]
        )
    return profile["id"]


async def _replace_scopes(profile_id: int, link_table, column: str, wanted: list[int]) -> None:
    """Make the profile's scope rows exactly ``wanted``, touching only the differences."""
    current = {
        row[column]
        for row in await link_table.select(getattr(link_table, column)).where(
            link_table.staff == profile_id
        )
    }
    stale = current - set(wanted)
    if stale:
        await link_table.delete().where(
            (link_table.staff == profile_id) & getattr(link_table, column).is_in(list(stale))
        )
    for target in dict.fromkeys(wanted):
        if target not in current:
            await link_table.insert(link_table(staff=profile_id, **{column: target}))


async def upsert_staff_user(
    *,
    username: str,
    email: str,
    password: str | None,
    role: StaffRole | str,
    centre_codes: Iterable[str] = (),
    commission_codes: Iterable[str] = (),
    display_name: str = "",
    campaign_code: str | None = None,
) -> StaffUpsert:
    """Create the staff member ``username`` or bring it up to date.

    - the login (piccolo ``BaseUser``): email (lower-cased), active, and the admin flags
      of the role (:data:`ADMIN_FLAGS`); the password is validated by piccolo and only
      re-hashed when it differs (``None`` keeps the current one);
    - its :class:`StaffProfile` (role, display name);
    - its scopes, replaced by exactly the given centres / commissions, looked up by code
      in ``campaign_code`` (default: the active campaign).

    Raises :class:`StaffError` for an unknown role, code or campaign, a weak password
    (:func:`check_staff_password`) or scopes that do not fit the role; nothing is
    written then.
    """
    try:
        staff_role = StaffRole(role)
    except ValueError:
        raise StaffError(f"rôle inconnu : {role!r}") from None
    username = username.strip()
    if not username:
        raise StaffError("un identifiant est requis")
    if password is not None:
        check_staff_password(password)
    centres, commissions = list(centre_codes), list(commission_codes)
    check_scopes(staff_role, centres, commissions)
    centre_ids: list[int] = []
    commission_ids: list[int] = []
    if centres or commissions:
        campaign_id = await _campaign_id(campaign_code)
        centre_ids = await _centre_ids(campaign_id, centres)
        commission_ids = await _commission_ids(campaign_id, commissions)

    async with write_transaction():
        user_id, created, password_changed = await _save_user(
            username=username, email=email.strip().lower(), password=password, role=staff_role
        )
        profile_id = await _save_profile(user_id, staff_role, display_name)
        await _replace_scopes(profile_id, StaffCentre, "centre", centre_ids)
        await _replace_scopes(profile_id, StaffCommission, "commission", commission_ids)
    return StaffUpsert(user_id, profile_id, created, password_changed)


async def refuse_taken(username: str, email: str) -> None:
    """:class:`StaffError` when a login already has this username or address."""
    # One statement, one snapshot (an account committed between two made the username
    # look free, the address taken). Emails are lower-cased here, not always by hand.
    where = (BaseUser.username == username) | WhereRaw("lower(email) = {}", email)
    taken = await BaseUser.select(BaseUser.username).where(where)
    if any(row["username"] == username for row in taken):
        raise StaffError(f"Identifiant : « {username} » est déjà utilisé.")
    if taken:
        raise StaffError(f"Adresse mail : « {email} » est déjà celle d'un compte.")
