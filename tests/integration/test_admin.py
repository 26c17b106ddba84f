"""The staff back office: piccolo-admin at /admin/ (DESIGN.md §6–§7).

The login and the API calls below do what the admin's own front end does: load the page
(which sets piccolo's ``csrftoken`` cookie), then send JSON with that token in the
``X-CSRFToken`` header.
"""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime

import httpx
import pytest
from piccolo.apps.user.tables import BaseUser
from piccolo.columns import ForeignKey

from app.asgi import CSRF_COOKIE
from app.backoffice.admin import MENU_GROUPS, SITE_NAME, create_admin_app, table_configs
from app.backoffice.admin_table import CANDIDATES
from app.core.codes.staff import StaffRole
from app.settings import get_settings
from app.tables.accounts import CandidateAccount
from app.tables.applications import Application, Decision, SubmittedPiece
from app.tables.backoffice import StaffProfile
from app.tables.catalog import (
    Campaign,
    Centre,
    Commission,
    DecisionType,
    Programme,
    RefusalReason,
    RequiredPiece,
)
from app.tables.dossier import Candidate
from app.tables.mail import MailTemplate, OutboxMail
from app.tables.ops import AppSetting, AuditEvent
from app.web.middleware import ADMIN_CONTENT_SECURITY_POLICY
from tests.fixtures.web import BASE_URL, csrf_token

ADMIN_CSRF_COOKIE = "csrftoken"  # piccolo-admin's own
ADMIN_SESSION_COOKIE = "id"  # piccolo-api's session cookie
PASSWORD = "Mot-de-passe-2026"
VISITORS = itertools.count()


async def make_user(
    username: str,
    *,
    admin: bool = True,
    active: bool = True,
    superuser: bool = False,
    role: StaffRole | None = None,
):
    """A piccolo login with its staff profile: central office by default, technical
    administrator for a superuser (the two roles that enter the admin)."""
    user = await BaseUser.create_user(
        username=username,
        password=PASSWORD,
        email=f"{username}@univ.example.fr",
        active=active,
        admin=admin,
        superuser=superuser,
    )
    role = role or (StaffRole.TECH_ADMIN if superuser else StaffRole.CENTRAL_OFFICE)
    await StaffProfile.insert(StaffProfile(user=user.id, role=role.value, display_name=username))
    return user


async def admin_csrf_token(http: httpx.AsyncClient) -> str:
    """Open the admin as a browser does: its page hands out piccolo's CSRF cookie."""
    if ADMIN_CSRF_COOKIE not in http.cookies:
        page = await http.get("/admin/")
        assert page.status_code == 200
    return http.cookies[ADMIN_CSRF_COOKIE]


async def admin_login(http: httpx.AsyncClient, username: str, password: str = PASSWORD):
    token = await admin_csrf_token(http)
    return await http.post(
        "/admin/public/login/",
        json={"username": username, "password": password},
        headers={"X-CSRFToken": token},
    )


async def admin_write(http: httpx.AsyncClient, method: str, path: str, payload=None):
    token = await admin_csrf_token(http)
    return await http.request(
        method, f"/admin/api/tables/{path}", json=payload, headers={"X-CSRFToken": token}
    )


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch):
    """Piccolo hashes with 600,000 PBKDF2 rounds (0.3 s); the rules under test do not
    depend on the count."""
    monkeypatch.setattr(BaseUser, "_pbkdf2_iteration_count", 1_000)


@asynccontextmanager
async def admin_visitor(app) -> AsyncIterator[httpx.AsyncClient]:
    """A visitor of its own: create_app shares one admin per configuration, and its login
    rate limit counts attempts per client address for 5 minutes."""
    number = next(VISITORS)
    address = f"10.0.{number // 250}.{number % 250 + 1}"
    started, stop = asyncio.Event(), asyncio.Event()

    async def run_lifespan() -> None:
        async with app.lifespan():
            started.set()
            await stop.wait()

    task = asyncio.create_task(run_lifespan())
    await started.wait()
    transport = httpx.ASGITransport(app=app, client=(address, 50000))
    try:
        async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as http:
            yield http
    finally:
        stop.set()
        await task


@pytest.fixture
async def client(app):
    async with admin_visitor(app) as http:
        yield http


@pytest.fixture
async def staff(client):
    """The client, signed in to the admin as an active admin (not a superuser)."""
    await make_user("gestion")
    response = await admin_login(client, "gestion")
    assert response.status_code == 200, response.text
    return client


@pytest.fixture
async def rows():
    return await make_application_rows()


async def make_application_rows() -> dict:
    """The smallest chain of rows behind one application, with plain Piccolo inserts."""
    campaign = Campaign(
        code="2026",
        label_fr="Campagne 2026-2027",
        academic_year="2026/2027",
        start_date=date(2026, 1, 1),
        end_date=date(2026, 12, 31),
        active=True,
    )
    await campaign.save()
    centre = Centre(campaign=campaign.id, code="SCI", label="Faculté des sciences")
    await centre.save()
    commission = Commission(centre=centre.id, code="CS", label="Commission sciences")
    await commission.save()
    programme = Programme(
        commission=commission.id,
        code="CES-L3",
        label="Césure en licence 3",
        deposit_start=date(2026, 3, 1),
        deposit_end=date(2026, 5, 31),
        return_date=date(2026, 6, 15),
    )
    await programme.save()
    account = CandidateAccount(
        campaign=campaign.id,
        login="AB12CD34",
        email="lea.martin@example.org",
        last_name="Martin",
        first_name="Léa",
    )
    await account.save()
    candidate = Candidate(account=account.id, birth_name="Martin", first_name="Léa")
    await candidate.save()
    application = Application(candidate=candidate.id, programme=programme.id, processing_type="AC")
    await application.save()
    piece = RequiredPiece(campaign=campaign.id, code="CV", label_fr="Curriculum vitae")
    await piece.save()
    submitted = SubmittedPiece(application=application.id, piece=piece.id, status="TR")
    await submitted.save()
    favourable = DecisionType(code="FAV", label_fr="Avis favorable", verdict="FA")
    await favourable.save()
    decision = Decision(application=application.id, decision_type=favourable.id)
    await decision.save()
    return {
        "programme": programme,
        "account": account,
        "candidate": candidate,
        "application": application,
        "submitted": submitted,
        "decision": decision,
    }


async def stored(table, row_id: int) -> dict:
    return await table.select().where(table.id == row_id).first()


# --- the page and the login -------------------------------------------------------------


async def test_admin_serves_its_single_page_app_under_the_admin_policy(client):
    response = await client.get("/admin/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert '<div id="app"></div>' in response.text
    assert response.headers["content-security-policy"] == ADMIN_CONTENT_SECURITY_POLICY
    assert ADMIN_CSRF_COOKIE in client.cookies


async def test_admin_public_endpoints_speak_french(client):
    meta = (await client.get("/admin/public/meta/")).json()
    assert meta["site_name"] == SITE_NAME
    translations = (await client.get("/admin/public/translations/")).json()
    assert translations["default_language_code"] == "fr"
    french = (await client.get("/admin/public/translations/fr/")).json()
    assert french["translations"]["Login"] == "Connexion"
    assert french["translations"]["Save"] == "Enregistrer"


async def test_login_accepts_an_active_admin(client):
    await make_user("gestion")
    response = await admin_login(client, "gestion")
    assert response.status_code == 200
    assert response.json() == {"message": "logged in"}
    assert ADMIN_SESSION_COOKIE in client.cookies
    user = await client.get("/admin/api/user/")
    assert user.status_code == 200
    assert user.json()["username"] == "gestion"


async def test_login_refuses_a_wrong_password(client):
    await make_user("gestion")
    response = await admin_login(client, "gestion", "Mauvais-mot-de-passe")
    assert response.status_code == 401
    assert ADMIN_SESSION_COOKIE not in client.cookies
    assert (await client.get("/admin/api/user/")).status_code == 401


@pytest.mark.parametrize(
    ("admin", "active"), [(False, True), (True, False)], ids=["not-admin", "inactive"]
)
async def test_login_refuses_users_who_are_not_active_admins(client, admin, active):
    await make_user("candidat", admin=admin, active=active)
    response = await admin_login(client, "candidat")
    assert response.status_code == 401
    assert ADMIN_SESSION_COOKIE not in client.cookies


async def test_login_without_the_admin_csrf_token_is_refused(client):
    await make_user("gestion")
    await client.get("/admin/")
    response = await client.post(
        "/admin/public/login/", json={"username": "gestion", "password": PASSWORD}
    )
    assert response.status_code == 403
    assert ADMIN_SESSION_COOKIE not in client.cookies


async def test_admin_api_needs_a_session(client):
    assert (await client.get("/admin/api/tables/grouped/")).status_code == 401


async def test_logout_ends_the_session(staff):
    token = await admin_csrf_token(staff)
    response = await staff.post("/admin/public/logout/", headers={"X-CSRFToken": token})
    assert response.status_code == 200
    assert (await staff.get("/admin/api/user/")).status_code == 401


# --- the two CSRF tokens ----------------------------------------------------------------


async def test_admin_and_portal_csrf_tokens_live_side_by_side(staff):
    """piccolo-admin's ``csrftoken`` and Litestar's ``ecesure_csrf`` are two cookies, and
    each side only accepts its own, although both read the ``X-CSRFToken`` header."""
    admin_token = await admin_csrf_token(staff)
    portal_token = await csrf_token(staff)
    assert {ADMIN_CSRF_COOKIE, CSRF_COOKIE} <= set(staff.cookies.keys())
    assert admin_token != portal_token

    portal_with_admin_token = await staff.post(
        "/langue", data={"language": "en"}, headers={"X-CSRFToken": admin_token}
    )
    assert portal_with_admin_token.status_code == 403
    portal_with_own_token = await staff.post(
        "/langue", data={"language": "fr", "next": "/"}, headers={"X-CSRFToken": portal_token}
    )
    assert portal_with_own_token.status_code == 303

    admin_with_portal_token = await staff.post(
        "/admin/public/logout/", headers={"X-CSRFToken": portal_token}
    )
    assert admin_with_portal_token.status_code == 403
    assert (await staff.get("/admin/api/user/")).status_code == 200


# --- menus ------------------------------------------------------------------------------


async def test_tables_are_grouped_in_french_menus(staff):
    response = await staff.get("/admin/api/tables/grouped/")
    assert response.status_code == 200
    listing = response.json()
    assert set(listing["grouped"]) == set(MENU_GROUPS)
    assert listing["ungrouped"] == []
    assert "application" in listing["grouped"][CANDIDATES]
    assert "outbox_mail" in listing["grouped"]["Courriels"]
    assert "piccolo_user" in listing["grouped"]["Personnels"]


def test_every_table_a_foreign_key_reaches_is_configured():
    """The admin is built without piccolo's auto-inclusion, so that no table appears
    editable and ungrouped: every referenced table must be configured explicitly."""
    configured = {config.table_class for config in table_configs()}
    referenced = {
        column._foreign_key_meta.resolved_references
        for table in configured
        for column in table._meta.columns
        if isinstance(column, ForeignKey)
    }
    assert referenced <= configured


async def test_list_view_shows_chosen_columns_and_link(staff):
    schema = (await staff.get("/admin/api/tables/programme/schema/")).json()
    extra = schema["extra"]
    assert extra["link_column_name"] == "label"
    assert extra["visible_column_names"][:2] == ["code", "label"]
    assert extra["order_by"] == [{"column": "label", "ascending": True}]


# --- status and decision columns are never edited raw -----------------------------------


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("status", "CO"),
        ("processing_type_validated", True),
        ("answer", "CF"),
        ("received_at", "2026-05-02T10:00:00+00:00"),
        ("transmitted_at", "2026-05-02T10:00:00+00:00"),
        ("cancelled_at", "2026-05-02T10:00:00+00:00"),
        ("answered_at", "2026-07-01T09:30:00+02:00"),
        ("processing_type", "AD"),
        ("programme", 999),
    ],
)
async def test_patch_of_an_application_lifecycle_column_is_refused(staff, rows, column, value):
    application = rows["application"]
    before = await stored(Application, application.id)
    response = await admin_write(staff, "PATCH", f"application/{application.id}/", {column: value})
    assert response.status_code == 405
    assert "Modification refusée" in response.json()["detail"]
    assert await stored(Application, application.id) == before


async def test_refusal_names_the_column_as_the_form_shows_it(staff, rows):
    application = rows["application"]
    response = await admin_write(
        staff, "PATCH", f"application/{application.id}/", {"status": "CO", "opi_code": "X"}
    )
    assert response.status_code == 405
    detail = response.json()["detail"]
    assert "« Statut du dossier »" in detail and "Code OPI" not in detail
    assert (await stored(Application, application.id))["opi_code"] is None


async def test_whole_application_form_saves_when_only_staff_columns_change(staff, rows):
    """The admin's edit form sends every field back: unchanged status, dates and flags
    must pass, so that staff can still set the OPI code."""
    application = rows["application"]
    row = (await staff.get(f"/admin/api/tables/application/{application.id}/")).json()
    row.pop("id")
    row.update(opi_code="OPI-2026-0042")
    response = await admin_write(staff, "PATCH", f"application/{application.id}/", row)
    assert response.status_code == 200, response.text
    after = await stored(Application, application.id)
    assert after["opi_code"] == "OPI-2026-0042"
    assert after["status"] == "AT"


@pytest.mark.parametrize(
    ("column", "label"),
    [
        ("return_date_override", "Date de retour propre"),
        ("confirmation_date_override", "Date de confirmation propre"),
    ],
)
async def test_deadline_overrides_are_not_edited_raw(staff, rows, column, label):
    """Overrides go through the audited date functions (the lifecycle forms)."""
    application = rows["application"]
    before = await stored(Application, application.id)
    response = await admin_write(
        staff, "PATCH", f"application/{application.id}/", {column: "2026-06-30"}
    )
    assert response.status_code == 405
    assert f"« {label} »" in response.json()["detail"]
    assert await stored(Application, application.id) == before


async def test_applications_are_neither_added_nor_deleted_in_the_admin(staff, rows):
    application = rows["application"]
    created = await admin_write(
        staff,
        "POST",
        "application/",
        {"candidate": rows["candidate"].id, "programme": rows["programme"].id, "status": "CO"},
    )
    assert created.status_code == 405
    assert "Création refusée" in created.json()["detail"]
    deleted = await admin_write(staff, "DELETE", f"application/{application.id}/")
    assert deleted.status_code == 405
    assert await Application.count() == 1


@pytest.mark.parametrize(("column", "value"), [("status", "VA"), ("comment", "Page 2 illisible")])
async def test_piece_status_and_comment_are_not_edited_raw(staff, rows, column, value):
    """The comment the candidate reads changes with the status, through the audited
    piece functions (the lifecycle forms)."""
    submitted = rows["submitted"]
    before = await stored(SubmittedPiece, submitted.id)
    refused = await admin_write(staff, "PATCH", f"submitted_piece/{submitted.id}/", {column: value})
    assert refused.status_code == 405
    assert await stored(SubmittedPiece, submitted.id) == before


@pytest.mark.parametrize(
    ("column", "value"),
    [("validated", True), ("decision_type", 999), ("validated_at", "2026-06-01T08:00:00Z")],
)
async def test_decision_columns_are_refused(staff, rows, column, value):
    decision = rows["decision"]
    before = await stored(Decision, decision.id)
    response = await admin_write(staff, "PATCH", f"decision/{decision.id}/", {column: value})
    assert response.status_code == 405
    assert await stored(Decision, decision.id) == before


async def test_put_cannot_set_a_status_either(staff, rows):
    application = rows["application"]
    response = await admin_write(staff, "PUT", f"application/{application.id}/", {"status": "RE"})
    assert response.status_code == 405
    assert (await stored(Application, application.id))["status"] == "AT"


# --- catalogue is free, application-written tables are read-only ------------------------


async def test_programme_label_can_be_edited(staff, rows):
    programme = rows["programme"]
    response = await admin_write(
        staff, "PATCH", f"programme/{programme.id}/", {"label": "Césure en L3 sciences"}
    )
    assert response.status_code == 200, response.text
    assert (await stored(Programme, programme.id))["label"] == "Césure en L3 sciences"


async def test_catalogue_rows_can_be_added_and_deleted(staff):
    created = await admin_write(
        staff,
        "POST",
        "refusal_reason/",
        {"code": "CAPA", "label_fr": "Capacité atteinte", "label_en": "", "active": True},
    )
    assert created.status_code == 201, created.text
    reason_id = created.json()[0]["id"]
    assert (await stored(RefusalReason, reason_id))["label_fr"] == "Capacité atteinte"
    deleted = await admin_write(staff, "DELETE", f"refusal_reason/{reason_id}/")
    assert deleted.status_code == 204
    assert await RefusalReason.count() == 0


async def test_mail_template_edit_is_free_and_stamped(staff, clock):
    template = MailTemplate(
        code="application_created", language="fr", subject="Candidature", body_html="<p/>"
    )
    await template.save()
    response = await admin_write(
        staff, "PATCH", f"mail_template/{template.id}/", {"subject": "Votre candidature"}
    )
    assert response.status_code == 200, response.text
    after = await stored(MailTemplate, template.id)
    assert after["subject"] == "Votre candidature"
    assert after["updated_at"] == datetime(2026, 6, 15, 10, 0, tzinfo=UTC)


async def test_settings_change_their_value_only(staff):
    setting = AppSetting(key="max_wishes", value="20", value_type="integer")
    await setting.save()
    renamed = await admin_write(staff, "PATCH", f"app_setting/{setting.id}/", {"key": "autre"})
    assert renamed.status_code == 405
    changed = await admin_write(staff, "PATCH", f"app_setting/{setting.id}/", {"value": "10"})
    assert changed.status_code == 200
    assert (await stored(AppSetting, setting.id))["value"] == "10"
    deleted = await admin_write(staff, "DELETE", f"app_setting/{setting.id}/")
    assert deleted.status_code == 405


async def test_outbox_refuses_post_and_delete(staff):
    mail = OutboxMail(
        to_address="lea.martin@example.org",
        subject="Votre candidature",
        html="<p>Bonjour</p>",
        text="Bonjour",
        template_code="application_created",
    )
    await mail.save()
    created = await admin_write(
        staff,
        "POST",
        "outbox_mail/",
        {
            "to_address": "x@example.org",
            "subject": "Faux",
            "html": "",
            "text": "",
            "template_code": "dev_test",
        },
    )
    assert created.status_code == 405
    assert "lecture seule" in created.json()["detail"]
    deleted = await admin_write(staff, "DELETE", f"outbox_mail/{mail.id}/")
    assert deleted.status_code == 405
    patched = await admin_write(staff, "PATCH", f"outbox_mail/{mail.id}/", {"status": "sent"})
    assert patched.status_code == 405
    assert await OutboxMail.select(OutboxMail.status).output(as_list=True) == ["queued"]


async def test_candidate_data_and_records_are_read_only(staff, rows):
    event = AuditEvent(actor_kind="system", action="application.created", entity="application")
    event.entity_id = rows["application"].id
    await event.save()
    targets = {
        f"candidate/{rows['candidate'].id}/": {"first_name": "Autre"},
        f"candidate_account/{rows['account'].id}/": {"first_name": "Autre"},
        f"audit_event/{event.id}/": {"action": "effacé"},
    }
    for path, payload in targets.items():
        response = await admin_write(staff, "PATCH", path, payload)
        assert response.status_code == 405, path
        assert "lecture seule" in response.json()["detail"]
    assert (await stored(Candidate, rows["candidate"].id))["first_name"] == "Léa"
    assert (await stored(AuditEvent, event.id))["action"] == "application.created"


async def test_staff_roles_are_managed_by_superusers_only(staff, app):
    user = await BaseUser.create_user(
        username="membre", password=PASSWORD, email="membre@univ.example.fr", active=True
    )
    refused = await admin_write(
        staff,
        "POST",
        "staff_profile/",
        {"user": user.id, "role": "centre", "display_name": "Membre"},
    )
    assert refused.status_code == 405

    transport = httpx.ASGITransport(app=app, client=("10.1.0.1", 50000))
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as root:
        await make_user("technique", superuser=True)
        assert (await admin_login(root, "technique")).status_code == 200
        accepted = await admin_write(
            root,
            "POST",
            "staff_profile/",
            {"user": user.id, "role": "centre", "display_name": "Membre"},
        )
        assert accepted.status_code == 201, accepted.text


# --- production flags -------------------------------------------------------------------


async def test_production_admin_sets_secure_cookies_and_checks_the_origin(app):
    settings = dataclasses.replace(
        get_settings(), env="prod", admin_allowed_hosts=("ecesure.univ.example.fr",)
    )
    admin = create_admin_app(settings)
    await make_user("gestion")
    transport = httpx.ASGITransport(app=admin)
    async with httpx.AsyncClient(
        transport=transport, base_url="https://ecesure.univ.example.fr"
    ) as http:
        await http.get("/")
        token = http.cookies[ADMIN_CSRF_COOKIE]
        credentials = {"username": "gestion", "password": PASSWORD}
        foreign = await http.post(
            "/public/login/",
            json=credentials,
            headers={"X-CSRFToken": token, "Origin": "https://evil.example"},
        )
        assert foreign.status_code == 403
        response = await http.post(
            "/public/login/",
            json=credentials,
            headers={"X-CSRFToken": token, "Origin": "https://ecesure.univ.example.fr"},
        )
        assert response.status_code == 200
        session_cookie = response.headers["set-cookie"]
        assert session_cookie.startswith(f"{ADMIN_SESSION_COOKIE}=")
        assert "Secure" in session_cookie and "HttpOnly" in session_cookie
