"""Defect 2 of issue 8: only the technical administrator and the central office enter
piccolo-admin; centre managers and commission members get nothing from it, whatever
piccolo's ``admin`` flag says, for their own centre's rows as for the others'."""

from __future__ import annotations

import hmac
from datetime import date

import httpx
import pytest
from piccolo.apps.user.tables import BaseUser
from piccolo_api.session_auth.tables import SessionsBase

from app.backoffice.access import REFUSAL
from app.backoffice.staff_members import ADMIN_FLAGS, password_matches
from app.core.codes.staff import StaffRole
from app.demo.seed import load_demo_data
from app.tables.applications import Application
from app.tables.backoffice import StaffCentre, StaffCommission, StaffProfile
from app.tables.catalog import Campaign, Centre, Commission, Programme
from app.tables.mail import MailTemplate
from tests.integration.test_admin import (
    ADMIN_SESSION_COOKIE,
    PASSWORD,
    admin_csrf_token,
    admin_login,
    admin_visitor,
    admin_write,
    make_application_rows,
    make_user,
    stored,
)

SCOPED_ROLES = (StaffRole.CENTRE_MANAGER, StaffRole.COMMISSION_MEMBER)


@pytest.fixture
async def client(app):
    async with admin_visitor(app) as http:
        yield http


@pytest.fixture
async def rows():
    """The application of centre SCI, and another centre (MED) with its own rows."""
    found = await make_application_rows()
    campaign = await Campaign.select(Campaign.id).first()
    other = Centre(campaign=campaign["id"], code="MED", label="Médecine", contact_email="a@x.fr")
    await other.save()
    commission = Commission(centre=other.id, code="CM", label="Commission médecine")
    await commission.save()
    programme = Programme(
        commission=commission.id,
        code="CES-MED",
        label="Césure en médecine",
        deposit_start=date(2026, 3, 1),
        deposit_end=date(2026, 5, 31),
        return_date=date(2026, 6, 15),
    )
    await programme.save()
    template = MailTemplate(
        code="application_created", language="fr", subject="Candidature", body_html="<p/>"
    )
    await template.save()
    own_centre = await Centre.select(Centre.id).where(Centre.code == "SCI").first()
    own_commission = await Commission.select(Commission.id).where(Commission.code == "CS").first()
    return {
        **found,
        "own_centre": own_centre["id"],
        "own_commission": own_commission["id"],
        "other_centre": other,
        "other_programme": programme,
        "campaign": campaign["id"],
        "template": template,
    }


async def scoped_user(role: StaffRole, rows: dict, username: str = "gestion") -> BaseUser:
    """A centre manager of SCI or a commission member of CS, with the stale ``admin``
    flag that older releases gave centre managers."""
    user = await make_user(username, role=role)
    profile = await StaffProfile.select(StaffProfile.id).where(StaffProfile.user == user.id)
    if role is StaffRole.CENTRE_MANAGER:
        await StaffCentre.insert(StaffCentre(staff=profile[0]["id"], centre=rows["own_centre"]))
    else:
        await StaffCommission.insert(
            StaffCommission(staff=profile[0]["id"], commission=rows["own_commission"])
        )
    assert (await stored(BaseUser, user.id))["admin"] is True
    return user


async def open_session(http: httpx.AsyncClient, user: BaseUser) -> None:
    """A session as piccolo-api writes it at sign-in: one opened before the fix, or by a
    user whose role changed since."""
    session = await SessionsBase.create_session(user_id=user.id)
    http.cookies.set(ADMIN_SESSION_COOKIE, session.token)
    await admin_csrf_token(http)


def test_only_the_technical_administrator_and_the_central_office_get_the_admin_flag():
    assert ADMIN_FLAGS == {
        StaffRole.TECH_ADMIN: (True, True),
        StaffRole.CENTRAL_OFFICE: (True, False),
        StaffRole.CENTRE_MANAGER: (False, False),
        StaffRole.COMMISSION_MEMBER: (False, False),
    }


@pytest.mark.parametrize("role", SCOPED_ROLES, ids=lambda role: role.value)
async def test_scoped_staff_cannot_sign_in_even_with_a_stale_admin_flag(client, rows, role):
    await scoped_user(role, rows)
    response = await admin_login(client, "gestion")
    assert response.status_code == 401
    assert ADMIN_SESSION_COOKIE not in client.cookies
    assert await SessionsBase.count() == 0


async def test_an_admin_login_without_a_staff_profile_cannot_sign_in(client):
    await BaseUser.create_user(
        username="orphelin", password=PASSWORD, email="o@univ.example.fr", active=True, admin=True
    )
    assert (await admin_login(client, "orphelin")).status_code == 401


@pytest.mark.parametrize("role", SCOPED_ROLES, ids=lambda role: role.value)
async def test_scoped_staff_session_reads_nothing(client, rows, role):
    await open_session(client, await scoped_user(role, rows))
    application = rows["application"].id
    for path in (
        "/admin/api/user/",
        "/admin/api/tables/grouped/",
        "/admin/api/tables/application/",
        f"/admin/api/tables/application/{application}/",
        "/admin/api/tables/application/?__visible_fields=id,opi_code",
        "/admin/api/tables/application/count/",
        "/admin/api/tables/application/ids/",
        "/admin/api/tables/application/schema/",
        f"/admin/api/tables/centre/{rows['own_centre']}/",
        f"/admin/api/tables/centre/{rows['other_centre'].id}/",
        f"/admin/api/tables/programme/{rows['other_programme'].id}/",
        "/admin/api/tables/mail_template/",
        "/admin/api/tables/candidate_account/",
        "/admin/api/forms/",
    ):
        response = await client.get(path)
        assert response.status_code == 403, path
        assert response.json() == {"detail": REFUSAL}


@pytest.mark.parametrize("role", SCOPED_ROLES, ids=lambda role: role.value)
async def test_scoped_staff_session_writes_nothing(client, rows, role):
    """What the SANTE-MED manager did in the probe, on its own centre and another."""
    await open_session(client, await scoped_user(role, rows))
    application = rows["application"]
    before = {
        "application": await stored(Application, application.id),
        "programme": await stored(Programme, rows["other_programme"].id),
        "centre": await stored(Centre, rows["other_centre"].id),
        "own_centre": await stored(Centre, rows["own_centre"]),
        "campaign": await stored(Campaign, rows["campaign"]),
        "template": await stored(MailTemplate, rows["template"].id),
    }
    writes = [
        ("PATCH", f"application/{application.id}/", {"return_date_override": "2026-09-30"}),
        ("PATCH", f"application/{application.id}/", {"opi_code": "OPI-VOLE"}),
        ("PATCH", f"programme/{rows['other_programme'].id}/", {"label": "Renommée"}),
        ("PATCH", f"centre/{rows['other_centre'].id}/", {"contact_email": "pirate@evil.fr"}),
        ("PATCH", f"centre/{rows['own_centre']}/", {"contact_email": "pirate@evil.fr"}),
        ("PATCH", f"campaign/{rows['campaign']}/", {"active": False}),
        ("PATCH", f"mail_template/{rows['template'].id}/", {"subject": "Piraté"}),
        ("POST", "refusal_reason/", {"code": "X", "label_fr": "X", "label_en": "", "active": True}),
        ("DELETE", f"programme/{rows['other_programme'].id}/", None),
    ]
    for method, path, payload in writes:
        response = await admin_write(client, method, path, payload)
        assert response.status_code == 403, (method, path)
    after = {
        "application": await stored(Application, application.id),
        "programme": await stored(Programme, rows["other_programme"].id),
        "centre": await stored(Centre, rows["other_centre"].id),
        "own_centre": await stored(Centre, rows["own_centre"]),
        "campaign": await stored(Campaign, rows["campaign"]),
        "template": await stored(MailTemplate, rows["template"].id),
    }
    assert after == before


async def test_a_session_ends_when_its_user_becomes_a_centre_manager(client, rows):
    user = await make_user("gestion")
    assert (await admin_login(client, "gestion")).status_code == 200
    assert (await client.get("/admin/api/tables/application/")).status_code == 200
    await StaffProfile.update({StaffProfile.role: StaffRole.CENTRE_MANAGER.value}).where(
        StaffProfile.user == user.id
    )
    assert (await client.get("/admin/api/tables/application/")).status_code == 403


async def test_the_page_shell_and_login_stay_open_to_a_refused_session(client, rows):
    """The refused user still gets the login form, to sign in as someone else."""
    await open_session(client, await scoped_user(StaffRole.CENTRE_MANAGER, rows))
    assert (await client.get("/admin/")).status_code == 200
    assert (await client.get("/admin/public/meta/")).status_code == 200


async def test_central_office_edits_the_configuration_of_any_centre(client, rows):
    await make_user("scolarite", role=StaffRole.CENTRAL_OFFICE)
    assert (await admin_login(client, "scolarite")).status_code == 200
    response = await admin_write(
        client, "PATCH", f"centre/{rows['other_centre'].id}/", {"contact_email": "med@univ.fr"}
    )
    assert response.status_code == 200, response.text
    assert (await stored(Centre, rows["other_centre"].id))["contact_email"] == "med@univ.fr"


async def test_demo_reload_takes_the_admin_flag_back_from_scoped_staff():
    await load_demo_data()
    await BaseUser.update({BaseUser.admin: True, BaseUser.superuser: True}).where(
        BaseUser.username.is_in(["gestionnaire", "commission"])
    )
    await load_demo_data()
    flags = await BaseUser.select(BaseUser.username, BaseUser.admin, BaseUser.superuser).where(
        BaseUser.username.is_in(["admin", "scolarite", "gestionnaire", "commission"])
    )
    assert {row["username"]: (row["admin"], row["superuser"]) for row in flags} == {
        "admin": (True, True),
        "scolarite": (True, False),
        "gestionnaire": (False, False),
        "commission": (False, False),
    }


def test_staff_passwords_are_compared_in_constant_time(monkeypatch):
    """Defect 13: ``==`` on the hashes stops at the first difference."""
    compared = []
    real = hmac.compare_digest

    def spy(a, b):
        compared.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    stored_hash = BaseUser.hash_password(PASSWORD)
    assert password_matches(stored_hash, PASSWORD) is True
    assert password_matches(stored_hash, "Autre-mot-de-passe-2026") is False
    assert len(compared) == 2


async def test_the_admin_sign_in_compares_in_constant_time(client, monkeypatch):
    await make_user("scolarite")
    compared = []
    real = hmac.compare_digest
    monkeypatch.setattr(hmac, "compare_digest", lambda a, b: compared.append(1) or real(a, b))
    assert (await admin_login(client, "scolarite", "Mauvais-mot-2026")).status_code == 401
    assert (await admin_login(client, "scolarite")).status_code == 200
    assert len(compared) == 2
    user = await BaseUser.select(BaseUser.last_login).where(BaseUser.username == "scolarite")
    assert user[0]["last_login"] is not None
