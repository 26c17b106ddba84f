"""Staff accounts made in the admin (issue 10, item 5): the form creates the login, the
profile, the scopes, the audit event and an activation mail in one go; the mailed link
lets the staff member choose a password under the policy and signs them in to the desk.
"""

from __future__ import annotations

import asyncio
import json
import re
from datetime import timedelta

import httpx
import pytest
from piccolo.apps.user.tables import BaseUser
from piccolo_api.session_auth.tables import SessionsBase

from app.backoffice.staff_accounts import NewStaff, create_staff_account
from app.backoffice.staff_links import set_password_with_link
from app.backoffice.staff_members import StaffError
from app.core.codes.staff import StaffRole
from app.tables.backoffice import StaffCentre, StaffCommission, StaffProfile, StaffToken
from app.tables.mail import OutboxMail
from app.tables.ops import AuditEvent
from tests.factories import make_campaign, make_centre, make_commission
from tests.factories_staff import STAFF_PASSWORD, make_staff
from tests.fixtures.web import post_form
from tests.integration.test_admin import (  # noqa: F401 (fixture)
    PASSWORD,
    admin_csrf_token,
    admin_login,
    admin_visitor,
    fast_password_hashing,
    make_user,
)

CREATE = "/admin/api/forms/creer-personnel/"
RESET = "/admin/api/forms/lien-mot-de-passe-personnel/"
NEW_PASSWORD = "Nouveau-secret-2026"
LINK = re.compile(r"http://[^\s\"<>]+/staff/activation/([A-Za-z0-9_-]+)")


async def admin_form(http: httpx.AsyncClient, url: str, payload: dict) -> httpx.Response:
    token = await admin_csrf_token(http)
    return await http.post(url, json=payload, headers={"X-CSRFToken": token})


def form_error(response: httpx.Response) -> str:
    """The rule's message, or pydantic's for the first field it refused (French: the
    fields' own checks, app.backoffice.form_support.text_type)."""
    answer = response.json()
    if "custom_form_error" in answer:
        return answer["custom_form_error"]
    first = answer["detail"][0]
    return f"{first['loc'][-1]} : {first['msg'].removeprefix('Value error, ')}"


@pytest.fixture
async def scopes():
    campaign = await make_campaign(active=True)
    centre = await make_centre(campaign, code="IUT")
    commission = await make_commission(centre, code="INFO")
    return {"centre": centre, "commission": commission}


@pytest.fixture
async def central(app, mail_templates, scopes):
    """A central office member (not a superuser), signed in to the admin."""
    user = await make_user("scolarite")
    async with admin_visitor(app) as http:
        assert (await admin_login(http, "scolarite")).status_code == 200
        http.actor_id = user.id
        yield http


@pytest.fixture
async def superuser(app, mail_templates, scopes):
    user = await make_user("technique", superuser=True)
    async with admin_visitor(app) as http:
        assert (await admin_login(http, "technique")).status_code == 200
        http.actor_id = user.id
        yield http


def new_staff(**changes) -> dict:
    return {
        "username": "c.durand",
        "email": "Claire.Durand@univ.example.fr",
        "first_name": "Claire",
        "last_name": "Durand",
        "role": "centre",
        "centres": "IUT",
        "commissions": "",
        "language": "fr",
        **changes,
    }


async def counts() -> dict[str, int]:
    tables = (BaseUser, StaffProfile, StaffCentre, StaffCommission, StaffToken, OutboxMail)
    counted = {table._meta.tablename: await table.count() for table in tables}
    counted["audit"] = await AuditEvent.count()
    return counted


async def link_of(mail_id: int | None = None) -> tuple[dict, str]:
    query = OutboxMail.select().order_by(OutboxMail.id, ascending=False)
    if mail_id is not None:
        query = query.where(OutboxMail.id == mail_id)
    mail = await query.first()
    match = LINK.search(mail["text"])
    assert match and match.group(0) in mail["html"]
    return mail, match.group(1)


# --- the creation form ---------------------------------------------------------------


async def test_the_form_creates_login_profile_scopes_audit_and_mail(central, scopes):
    response = await admin_form(central, CREATE, new_staff())
    assert response.status_code == 200, response.text
    assert response.json() == {
        "custom_form_success": "Compte « c.durand » créé (gestionnaire de centre) : un lien "
        "d'activation est envoyé à claire.durand@univ.example.fr."
    }
    user = await BaseUser.select().where(BaseUser.username == "c.durand").first()
    assert (user["email"], user["first_name"], user["last_name"]) == (
        "claire.durand@univ.example.fr",
        "Claire",
        "Durand",
    )
    assert (user["active"], user["admin"], user["superuser"]) == (False, False, False)
    assert user["password"].startswith("pbkdf2_sha256$")  # random: nobody knows it
    profile = await StaffProfile.select().where(StaffProfile.user == user["id"]).first()
    assert (profile["role"], profile["display_name"]) == ("centre", "Claire Durand")
    assert await StaffCentre.select(StaffCentre.centre).where(
        StaffCentre.staff == profile["id"]
    ) == [{"centre": scopes["centre"].id}]
    assert await StaffCommission.count() == 0
    event = await AuditEvent.select().where(AuditEvent.action == "staff_created").first()
    assert (event["actor_kind"], event["actor_id"], event["entity"], event["entity_id"]) == (
        "staff",
        central.actor_id,
        "piccolo_user",
        user["id"],
    )
    assert json.loads(event["data"]) == {
        "username": "c.durand",
        "email": "claire.durand@univ.example.fr",
        "role": "centre",
        "centres": ["IUT"],
        "commissions": [],
    }
    mail, token = await link_of()
    assert (mail["to_address"], mail["template_code"], mail["status"]) == (
        "claire.durand@univ.example.fr",
        "staff_activation",
        "queued",
    )
    assert mail["subject"] == "eCésure : activez votre compte de gestion"
    assert "c.durand" in mail["text"] and "72 heures" in mail["text"]
    stored = await StaffToken.select().where(StaffToken.user == user["id"])
    assert [(row["purpose"], row["used_at"]) for row in stored] == [("activation", None)]
    assert token not in stored[0]["token_hash"]  # only its hash is kept


async def test_a_commission_member_gets_commissions_and_an_english_mail(central, scopes):
    payload = new_staff(role="commission", centres="", commissions=" INFO , INFO", language="en")
    response = await admin_form(central, CREATE, payload)
    assert response.status_code == 200, response.text
    rows = await StaffCommission.select(StaffCommission.commission)
    assert rows == [{"commission": scopes["commission"].id}]
    mail, _token = await link_of()
    assert mail["subject"] == "eCésure: activate your staff account"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"centres": "NOPE"}, "Centres : centre inconnu(s) : NOPE dans la campagne active."),
        ({"centres": ""}, "Centres : un gestionnaire de centre a au moins un centre."),
        (
            {"commissions": "INFO"},
            "Commissions : seul un membre de commission a des commissions.",
        ),
        ({"username": "c durand"}, "Identifiant : de 2 à 100 caractères"),
        ({"username": "scolarite"}, "Identifiant : « scolarite » est déjà utilisé."),
        ({"email": "pas-une-adresse"}, "Adresse mail : ce n'est pas une adresse valide."),
        (
            {"email": "SCOLARITE@univ.example.fr"},
            "Adresse mail : « scolarite@univ.example.fr » est déjà celle d'un compte.",
        ),
        ({"first_name": "  "}, "Prénom : champ obligatoire."),
        ({"last_name": "Du\x00rand"}, "last_name : Ce texte contient des caractères non"),
        ({"email": "a\x00b@univ.example.fr"}, "email : Ce texte contient des caractères non"),
        ({"centres": "IU\x00T"}, "centres : Ce texte contient des caractères non autorisés."),
        ({"centres": "IUT, " + "X" * 60}, "Centres : des codes de moins de 50 caractères"),
        ({"first_name": "C" * 101}, "first_name : Ce texte ne peut pas dépasser 100 caractères."),
        ({"role": "doyen"}, "Rôle : « doyen » n'est pas un rôle (admin, central, centre"),
        ({"language": "de"}, "Langue du courriel : « fr » ou « en »."),
        ({"role": "central"}, "Rôle : seul un administrateur technique peut gérer un compte "),
        ({"role": "admin"}, "Rôle : seul un administrateur technique peut gérer un compte "),
    ],
)
async def test_refusals_name_the_field_and_write_nothing(central, changes, message):
    before = await counts()
    response = await admin_form(central, CREATE, new_staff(**changes))
    assert response.status_code == 422, response.text
    assert form_error(response).startswith(message)
    assert await counts() == before


async def test_only_a_superuser_creates_a_central_office_member(superuser):
    payload = new_staff(username="n.petit", email="n.petit@univ.example.fr", role="central")
    response = await admin_form(superuser, CREATE, {**payload, "centres": ""})
    assert response.status_code == 200, response.text
    user = await BaseUser.select().where(BaseUser.username == "n.petit").first()
    assert (user["active"], user["admin"], user["superuser"]) == (False, True, False)
    payload = new_staff(username="root2", email="root2@univ.example.fr", role="admin")
    response = await admin_form(superuser, CREATE, {**payload, "centres": ""})
    assert response.status_code == 200, response.text
    user = await BaseUser.select().where(BaseUser.username == "root2").first()
    assert (user["admin"], user["superuser"]) == (True, True)


async def test_a_centre_manager_cannot_use_the_form(app, mail_templates, scopes):
    """Even with a stale ``admin`` flag: the admin refuses the role at sign-in, and the
    domain function checks the actor again."""
    manager = await make_user("gestion.iut", role=StaffRole.CENTRE_MANAGER)
    before = await counts()
    async with admin_visitor(app) as http:
        assert (await admin_login(http, "gestion.iut")).status_code == 401
        response = await admin_form(http, CREATE, new_staff())
        assert response.status_code in (401, 403)
    with pytest.raises(StaffError, match=r"^Seuls l'administrateur technique"):
        await create_staff_account(
            manager.id,
            NewStaff("x.y", "x.y@univ.example.fr", "X", "Y", "centre", ["IUT"]),
        )
    assert await counts() == before


# --- the link ----------------------------------------------------------------------------


async def test_the_link_sets_a_password_that_signs_in_to_the_desk(central, capsys):
    client = central  # one browser for the admin and the desk (their cookies differ)
    assert (await admin_form(central, CREATE, new_staff())).status_code == 200
    _mail, token = await link_of()
    url = f"/staff/activation/{token}"
    page = await client.get(url)
    assert page.status_code == 200
    assert page.headers["referrer-policy"] == "no-referrer"
    assert page.headers["cache-control"] == "no-store"
    assert "c.durand" in page.text and 'name="password"' in page.text

    weak = await post_form(client, url, {"password": "faible", "password_confirm": "faible"})
    assert weak.status_code == 200
    assert "Le mot de passe doit contenir au moins 10 caractères." in weak.text
    assert "Le mot de passe doit contenir au moins un chiffre." in weak.text
    assert 'value="faible"' not in weak.text
    assert await BaseUser.select(BaseUser.active).where(BaseUser.username == "c.durand") == [
        {"active": False}
    ]

    done = await post_form(
        client, url, {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD}
    )
    assert (done.status_code, done.headers["location"]) == (303, "/staff/")
    assert (await client.get("/staff/")).status_code == 200  # signed in to the desk
    user = await BaseUser.select().where(BaseUser.username == "c.durand").first()
    assert user["active"] is True
    event = await AuditEvent.select().where(AuditEvent.action == "staff_password_set").first()
    assert (event["actor_id"], event["entity_id"], json.loads(event["data"])) == (
        user["id"],
        user["id"],
        {"purpose": "activation"},
    )

    again = await post_form(
        client, url, {"password": "Autre-secret-2026", "password_confirm": "Autre-secret-2026"}
    )
    assert again.status_code == 200
    assert "Ce lien a déjà servi" in again.text and 'name="password"' not in again.text
    assert "Ce lien a déjà servi" in (await client.get(url)).text

    await post_form(client, "/staff/deconnexion", {})
    signed = await post_form(
        client, "/staff/connexion", {"username": "c.durand", "password": NEW_PASSWORD}
    )
    assert (signed.status_code, signed.headers["location"]) == (303, "/staff/")
    assert token not in capsys.readouterr().out


async def test_an_expired_or_unknown_link_says_so(central, clock):
    client = central
    assert (await admin_form(central, CREATE, new_staff())).status_code == 200
    _mail, token = await link_of()
    clock.shift(timedelta(hours=73))
    expired = await post_form(
        client,
        f"/staff/activation/{token}",
        {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD},
    )
    assert expired.status_code == 200 and "Ce lien a expiré." in expired.text
    unknown = await client.get("/staff/activation/" + "x" * 5000)
    assert unknown.status_code == 200 and "Ce lien n'est pas valable" in unknown.text
    assert await BaseUser.select(BaseUser.active).where(BaseUser.username == "c.durand") == [
        {"active": False}
    ]


# --- the new-password form -----------------------------------------------------------------


async def test_a_reset_link_replaces_the_password_when_used(central, scopes):
    client = central
    await make_staff(StaffRole.CENTRE_MANAGER, centres=[scopes["centre"]], username="m.roux")
    response = await admin_form(central, RESET, {"username": "m.roux", "language": "fr"})
    assert response.status_code == 200, response.text
    mail, token = await link_of()
    assert (mail["template_code"], mail["subject"]) == (
        "staff_password_reset",
        "eCésure : nouveau mot de passe de gestion",
    )
    event = await AuditEvent.select().where(AuditEvent.action == "staff_password_link_sent").first()
    assert (event["actor_id"], json.loads(event["data"])) == (
        central.actor_id,
        {"username": "m.roux", "purpose": "reset"},
    )
    # The old password works until the link is used.
    old = {"username": "m.roux", "password": STAFF_PASSWORD}
    assert (await post_form(client, "/staff/connexion", old)).status_code == 303
    await post_form(client, "/staff/deconnexion", {})
    done = await post_form(
        client,
        f"/staff/activation/{token}",
        {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD},
    )
    assert done.status_code == 303
    await post_form(client, "/staff/deconnexion", {})
    refused = await post_form(client, "/staff/connexion", old)
    assert refused.status_code == 200 and "Identifiant ou mot de passe incorrect." in refused.text


async def test_a_new_link_kills_the_previous_one(central):
    client = central
    assert (await admin_form(central, CREATE, new_staff())).status_code == 200
    _mail, first = await link_of()
    response = await admin_form(central, RESET, {"username": "c.durand", "language": "en"})
    assert response.status_code == 200, response.text
    mail, second = await link_of()
    assert mail["template_code"] == "staff_activation"  # never activated: activation again
    assert "Ce lien a déjà servi" in (await client.get(f"/staff/activation/{first}")).text
    assert 'name="password"' in (await client.get(f"/staff/activation/{second}")).text


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("technique", "Rôle : seul un administrateur technique peut gérer un compte"),
        ("inconnu", "Identifiant : aucun personnel « inconnu »."),
        ("a\x00b", "username : Ce texte contient des caractères non autorisés."),
    ],
)
async def test_reset_refusals(central, target, message):
    await make_user("technique", superuser=True)
    before = await counts()
    response = await admin_form(central, RESET, {"username": target, "language": "fr"})
    assert response.status_code == 422, response.text
    assert form_error(response).startswith(message)
    assert await counts() == before


async def test_a_deactivated_account_gets_no_link(central, scopes):
    user_id = await make_staff(StaffRole.CENTRE_MANAGER, centres=[scopes["centre"]])
    await BaseUser.update({BaseUser.active: False}).where(BaseUser.id == user_id)
    username = (await BaseUser.select(BaseUser.username).where(BaseUser.id == user_id))[0]
    response = await admin_form(
        central, RESET, {"username": username["username"], "language": "fr"}
    )
    assert response.status_code == 422
    assert "est désactivé" in response.json()["custom_form_error"]


async def test_a_new_password_ends_the_admin_sessions(superuser):
    """Whoever held the old password is signed out of the admin."""
    colleague = await make_user("scolarite")
    await SessionsBase.create_session(user_id=colleague.id)
    response = await admin_form(superuser, RESET, {"username": "scolarite", "language": "fr"})
    assert response.status_code == 200, response.text
    _mail, token = await link_of()
    assert await set_password_with_link(token, NEW_PASSWORD) == colleague.id
    assert await SessionsBase.count().where(SessionsBase.user_id == colleague.id) == 0
    assert await SessionsBase.count().where(SessionsBase.user_id == superuser.actor_id) == 1


async def test_a_reset_link_dies_when_the_account_is_deactivated(central, scopes):
    client = central
    user_id = await make_staff(StaffRole.CENTRE_MANAGER, centres=[scopes["centre"]])
    username = (await BaseUser.select(BaseUser.username).where(BaseUser.id == user_id))[0]
    response = await admin_form(
        central, RESET, {"username": username["username"], "language": "fr"}
    )
    assert response.status_code == 200, response.text
    _mail, token = await link_of()
    await BaseUser.update({BaseUser.active: False}).where(BaseUser.id == user_id)
    page = await post_form(
        client,
        f"/staff/activation/{token}",
        {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD},
    )
    assert page.status_code == 200 and "Ce compte est désactivé." in page.text
    assert 'name="password"' not in page.text
    user = await BaseUser.select(BaseUser.active).where(BaseUser.id == user_id).first()
    assert user == {"active": False}
    assert await AuditEvent.count().where(AuditEvent.action == "staff_password_set") == 0


async def test_two_forms_at_once_create_one_account(central):
    request = NewStaff(
        "c.durand", "c.durand@univ.example.fr", "Claire", "Durand", "centre", ["IUT"]
    )
    results = await asyncio.gather(
        create_staff_account(central.actor_id, request),
        create_staff_account(central.actor_id, request),
        return_exceptions=True,
    )
    errors = [str(r) for r in results if isinstance(r, Exception)]
    assert errors == ["Identifiant : « c.durand » est déjà utilisé."]
    assert await BaseUser.count().where(BaseUser.username == "c.durand") == 1
    assert await AuditEvent.count().where(AuditEvent.action == "staff_created") == 1
