"""Every unsafe method of every route refuses a request without a valid CSRF token
(issue 8), and such a request changes nothing.

The routes come from ``create_app().routes``: a new POST (or PUT, PATCH, DELETE) is
checked the day it is added. Requests are sent as signed-in candidate A, with A's real
ids in the path and a form that would be accepted with a token, and as an anonymous
visitor (sign-up and sign-in forms included: login CSRF). The review desk's routes
(/staff/) are sent as the central office signed in to the desk, who may act on A's
applications: its refusal is the CSRF check, not the desk's sign-in redirect. The admin mount has its own
CSRF (piccolo's cookie and header): its API is checked at the end.

Moved here from tests/integration/test_accounts_recovery.py, which covered POSTs only.
"""

from __future__ import annotations

import secrets

import pytest

from app.asgi import CSRF_HEADER, SESSION_COOKIE, create_app
from app.backoffice.admin import table_configs
from app.backoffice.admin_forms import form_configs
from app.review.auth import STAFF_COOKIE, STAFF_PATH
from tests.factories_dossier import PDF
from tests.security.routes import UNSAFE_METHODS, Endpoint, unsafe_endpoints
from tests.security.snapshot import changed_tables, database_rows
from tests.security.world import (
    ADMIN_CSRF_COOKIE,
    ANONYMOUS,
    CANDIDATE_A,
    CENTRAL_OFFICE,
    TECH_ADMIN,
    World,
    admin_login,
    new_client,
    portal_token,
)

APP = create_app()
UNSAFE = unsafe_endpoints(APP)

# What the portal's forms ask for; with a token, each route would act on it.
FORM = {
    "email": "nouvelle.adresse@example.org",
    "identifier": "nobody@example.org",
    "password": "Mot-de-passe-2026",
    "password_confirm": "Mot-de-passe-2026",
    "note": "Bonjour",
    "reponse": "oui",
    "language": "en",
    "next": "/",
    # the review desk's
    "username": "central.office",
    "statut": "CO",
    "action": "complet",
    "portee": "selection",
    "date-retour": "01/09/2027",
    "date-confirmation": "01/09/2027",
}


@pytest.fixture
def clean_tables():
    """Overrides tests/fixtures/db.py's: the world is kept while no test changes it
    (see ``tests.security.world.SharedWorld``)."""


def test_every_unsafe_method_of_the_portal_is_checked():
    keys = {endpoint.key for endpoint in UNSAFE}
    assert len(keys) > 30  # accounts, SSO, dossier, applications, language, dev pages
    assert {"POST /deconnexion", "POST /connexion", "POST /compte/creer", "POST /langue"} <= keys
    desk = {key for key in keys if key.split(" ", 1)[1].startswith(STAFF_PATH + "/")}
    assert {
        "POST /staff/connexion",
        "POST /staff/deconnexion",
        "POST /staff/candidatures/lot",
        "POST /staff/candidatures/lot/confirmer",
        "POST /staff/candidatures/{application_id:int}/notes",
        "POST /staff/candidatures/{application_id:int}/decision/valider",
    } <= desk
    assert {endpoint.method for endpoint in UNSAFE} <= set(UNSAFE_METHODS)


def a_url(world: World, endpoint: Endpoint) -> str:
    """The path with candidate A's ids (each name picks the object it stands for)."""
    a = world.owned[CANDIDATE_A]
    section = endpoint.path.split("/")[2] if endpoint.path.startswith("/dossier/") else ""
    rows = {"cursus-externe": a.prior_study, "stages": a.internship, "experiences": a.experience}
    values = {
        "row_id": rows.get(section, 0),
        "application_id": a.application,
        "piece_id": a.piece,
        "mail_id": a.mail,
        "centre_id": world.centre_id,
        "programme_id": world.programme_id,
        "token": secrets.token_urlsafe(16),
        **world.strings,
    }
    return endpoint.url(values)


def is_desk(endpoint: Endpoint) -> bool:
    return endpoint.path.startswith(STAFF_PATH + "/")


async def send(http, endpoint: Endpoint, url: str, *, field=None, header=None, ids=()):
    data = {**FORM, "ids": [str(i) for i in ids]}
    if field is not None:
        data["_csrf_token"] = field
    headers = {CSRF_HEADER: header} if header is not None else {}
    files = {"fichier": ("piece.pdf", PDF, "application/pdf")} if "/pieces/" in url else None
    return await http.request(
        endpoint.method, url, data=data, files=files, headers=headers, follow_redirects=False
    )


@pytest.mark.parametrize("endpoint", UNSAFE, ids=str)
async def test_an_unsafe_request_without_a_valid_token_is_refused_and_changes_nothing(
    world, endpoint
):
    url = a_url(world, endpoint)
    desk = is_desk(endpoint)
    # The desk's routes: the central office, signed in to the desk, who sees A's
    # applications (and whose bulk actions name them).
    a = world.client(CENTRAL_OFFICE if desk else CANDIDATE_A)
    cookie, path = (STAFF_COOKIE, STAFF_PATH) if desk else (SESSION_COOKIE, "/")
    owned = world.owned[CANDIDATE_A]
    ids = (owned.application, owned.decided) if desk else ()
    a_token = await portal_token(a)
    others_token = await portal_token(world.client(ANONYMOUS))
    admin_token = world.client(TECH_ADMIN).cookies[ADMIN_CSRF_COOKIE]
    # A browser that holds the session but never got the CSRF cookie.
    cookieless = new_client(world.app)
    cookieless.cookies.set(cookie, a.cookies[cookie], domain="testserver.local", path=path)
    before = await database_rows()
    attempts = {
        "no token": send(a, endpoint, url, ids=ids),
        "empty token": send(a, endpoint, url, field="", ids=ids),
        "forged token": send(a, endpoint, url, field=secrets.token_hex(32), ids=ids),
        "a token altered": send(a, endpoint, url, field=a_token[:-2] + "xx", ids=ids),
        "another browser's token": send(a, endpoint, url, field=others_token, ids=ids),
        "another browser's token in the header": send(
            a, endpoint, url, header=others_token, ids=ids
        ),
        "the admin's token": send(a, endpoint, url, header=admin_token, ids=ids),
        "a token without its cookie": send(cookieless, endpoint, url, header=a_token, ids=ids),
        "anonymous, no token": send(world.client(ANONYMOUS), endpoint, url, ids=ids),
    }
    answers = {}
    try:
        for name, attempt in attempts.items():
            answers[name] = (await attempt).status_code
    finally:
        await cookieless.aclose()
    assert {name: code for name, code in answers.items() if code != 403} == {}
    assert changed_tables(before, await database_rows()) == []
    # Not even signed out: the session still opens the dossier (the desk's queue).
    assert (await a.get("/staff/candidatures" if desk else "/dossier")).status_code == 200


# --- the admin mount: piccolo's own token ------------------------------------------------


async def test_every_admin_table_refuses_writes_without_the_admin_token(world):
    """As the technical administrator (who may write): no header, the portal's token in
    piccolo's header, a forged one: 403 each time, on every table, nothing written."""
    http = world.client(TECH_ADMIN)
    assert (await admin_login(http, "tech.admin")).status_code == 200
    portal = await portal_token(http)
    before = await database_rows()
    answers = {}
    for config in table_configs():
        table = config.table_class
        name = table._meta.tablename
        first = await table.select(table._meta.primary_key).first()
        row = f"{first[table._meta.primary_key._meta.name]}/" if first else "1/"
        for method, path in (("POST", ""), ("PATCH", row), ("PUT", row), ("DELETE", row)):
            for header in (None, portal, secrets.token_hex(32)):
                response = await http.request(
                    method,
                    f"/admin/api/tables/{name}/{path}",
                    json={},
                    headers={"X-CSRFToken": header} if header else {},
                )
                if response.status_code != 403:
                    answers[f"{method} {name}/{path} {header and header[:6]}"] = (
                        response.status_code
                    )
    assert answers == {}
    assert changed_tables(before, await database_rows()) == []


async def test_every_admin_form_refuses_a_post_without_the_admin_token(world):
    """As the technical administrator: no header, the portal's token, a forged one: 403
    on every form (each would otherwise act: the fields are all there), nothing written."""
    http = world.client(TECH_ADMIN)
    assert (await admin_login(http, "tech.admin")).status_code == 200
    portal = await portal_token(http)
    payload = {
        "application_id": 1,
        "programme_id": 1,
        "piece_id": 1,
        "mail_id": 1,
        "campaign_id": 1,
        "status": "Complet",
        "confirm": True,
        "code": "X2099",
        "label_fr": "X",
        "academic_year": "2099/2100",
    }
    before = await database_rows()
    answers = {}
    for config in form_configs():
        for header in (None, portal, secrets.token_hex(32)):
            response = await http.post(
                f"/admin/api/forms/{config.slug}/",
                json=payload,
                headers={"X-CSRFToken": header} if header else {},
            )
            if response.status_code != 403:
                answers[f"{config.slug} {header and header[:6]}"] = response.status_code
    assert answers == {}
    assert changed_tables(before, await database_rows()) == []
