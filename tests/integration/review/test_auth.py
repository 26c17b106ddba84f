"""Review desk sign-in (/staff/connexion): its own session, roles, sign-out, limits."""

from __future__ import annotations

from piccolo.apps.user.tables import BaseUser

from app.core.codes.staff import StaffRole
from app.review.auth import STAFF_COOKIE
from tests.factories import make_campaign, make_centre, make_commission
from tests.factories_staff import STAFF_PASSWORD, make_staff
from tests.fixtures.web import post_form


async def sign_in(client, username: str, password: str = STAFF_PASSWORD, **extra):
    return await post_form(
        client, "/staff/connexion", {"username": username, "password": password, **extra}
    )


async def test_an_anonymous_visitor_is_sent_to_the_staff_sign_in(client):
    response = await client.get("/staff/?onglet=1")
    assert response.status_code == 303
    assert response.headers["location"] == "/staff/connexion?suivant=/staff%3Fonglet%3D1"


async def test_a_commission_member_signs_in_and_out_with_a_cookie_of_its_own(client):
    campaign = await make_campaign()
    commission = await make_commission(await make_centre(campaign))
    await make_staff(
        StaffRole.COMMISSION_MEMBER,
        commissions=[commission],
        username="jury",
        display_name="Jury A",
    )

    response = await sign_in(client, "jury", next="/staff/?x=1")
    assert response.status_code == 303
    assert response.headers["location"] == "/staff/?x=1"
    cookie = next(c for c in client.cookies.jar if c.name == STAFF_COOKIE)
    assert cookie.path == "/staff"
    assert "ecesure_session" not in client.cookies

    home = await client.get("/staff/")
    assert home.status_code == 200
    assert "Connecté·e en tant que Jury A." in home.text
    # The staff session is not a candidate session.
    assert (await client.get("/dossier")).status_code == 303

    old_cookie = cookie.value
    assert (await post_form(client, "/staff/deconnexion", {})).status_code == 303
    client.cookies.delete(STAFF_COOKIE)
    client.cookies.set(STAFF_COOKIE, old_cookie, domain="testserver.local", path="/staff")
    assert (await client.get("/staff/")).status_code == 303


async def test_wrong_password_unknown_user_and_user_without_profile_are_refused_alike(client):
    campaign = await make_campaign()
    await make_staff(StaffRole.CENTRE_MANAGER, centres=[await make_centre(campaign)], username="g")
    await BaseUser.create_user(
        username="plain", password=STAFF_PASSWORD, email="p@univ.example.fr", active=True
    )
    for username, password in (
        ("g", "Mauvais-mot-2026"),
        ("nobody", STAFF_PASSWORD),
        ("plain", STAFF_PASSWORD),
        ("g", "é" * (BaseUser._max_password_length + 1)),  # longer than piccolo hashes
        ("nobody", "x" * (BaseUser._max_password_length + 1)),
    ):
        response = await sign_in(client, username, password)
        assert response.status_code == 200
        assert "Identifiant ou mot de passe incorrect." in response.text
        assert STAFF_COOKIE not in client.cookies


async def test_a_deactivated_member_loses_the_desk_at_the_next_request(client):
    campaign = await make_campaign()
    user_id = await make_staff(
        StaffRole.CENTRE_MANAGER, centres=[await make_centre(campaign)], username="g"
    )
    await sign_in(client, "g")
    assert (await client.get("/staff/")).status_code == 200
    await BaseUser.update({BaseUser.active: False}).where(BaseUser.id == user_id)
    response = await client.get("/staff/")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/staff/connexion")


async def test_sign_in_attempts_are_limited_per_username(client, clock):
    for _ in range(10):
        assert (await sign_in(client, "someone", "Mauvais-mot-2026")).status_code == 200
    response = await sign_in(client, "someone", "Mauvais-mot-2026")
    assert response.status_code == 429
    assert "Retry-After" in response.headers


async def test_sign_in_goes_only_to_desk_pages(client):
    await make_staff(StaffRole.CENTRAL_OFFICE, username="scol")
    for target in ("https://evil.example/staff/", "//evil.example/staff/", "/dossier"):
        client.cookies.clear()
        response = await sign_in(client, "scol", next=target)
        assert response.headers["location"] == "/staff/"
