"""Property-based fuzzing of every form and every path parameter (issue 8): whatever is
typed or put in a URL, the portal never answers 500, and an answer that is an error
(4xx, or a form shown again with its messages) saved nothing.

The forms are found as a browser finds them: every page of the route table is opened
as candidate A and as an anonymous visitor (the review desk's pages as the central
office, who sees A's applications, with the bulk confirmation asked for A's
applications), and each ``<form method="post">`` is filed under the route its action
reaches (``tests/security/forms.py``); the desk's ``<form method="get">`` (queue
filter, export) are fuzzed too. A POST route that no
page shows must be declared in ``DECLARED``, or the first test names it.

Requests are sent signed in, with a valid CSRF token: as candidate A with A's real ids,
or as a newcomer (no application yet: every dossier form is open) where the path holds
no id; the desk's (but its sign-in and sign-out) as the central office.
The suite runs on SQLite and, with ``DATABASE_URL``, on PostgreSQL: the values that
each database refused with a 500 (NUL bytes, ids beyond 32 or 64 bits) are also sent
one by one, in ``test_hostile_values_...`` and ``test_an_id_beyond_...``.
"""

from __future__ import annotations

import string
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.asgi import create_app
from app.review.bulk import BulkAction
from tests.security.forms import Field, Form, forms_of, merge_into
from tests.security.routes import Endpoint, endpoints, unsafe_endpoints
from tests.security.snapshot import changed_tables, row_counts
from tests.security.world import (
    ANONYMOUS,
    CANDIDATE_A,
    CANDIDATE_B,
    CENTRAL_OFFICE,
    NEWCOMER,
    World,
    portal_token,
)

APP = create_app()
ALL = endpoints(APP)
PAGES = [e for e in ALL if e.method == "GET"]
FORM_ROUTES = unsafe_endpoints(APP)
WITH_PARAMETERS = [e for e in ALL if e.parameters]
WITH_IDS = [e for e in ALL if "int" in e.parameters.values()]
DESK = "/staff/"
# Sent as anyone else's (the activation link is followed before any sign-in).
DESK_AUTH = ("/staff/connexion", "/staff/deconnexion", "/staff/activation/{token:str}")


def is_desk(endpoint: Endpoint) -> bool:
    """A review desk route acted on by a signed-in staff member."""
    return endpoint.path.startswith(DESK) and endpoint.path not in DESK_AUTH


# Forms no page shows to A, a newcomer, an anonymous visitor or the central office: a
# live reset link, the first sign-in of a student who has not confirmed a contact
# address yet, "non concerné" (for conditional pieces only).
DECLARED: dict[str, dict[str, str]] = {
    "POST /candidatures/{application_id:int}/pieces/{piece_id:int}/non-concerne": {},
    "POST /compte/mot-de-passe/{token:str}": {
        "password": "password",
        "password_confirm": "password",
    },
    "POST /universite/premiere-connexion": {"email": "email"},
    # "Mes messages" (issue 11): offered for a sent or failed mail; A's are queued.
    "POST /messages/{mail_id:int}/renvoyer": {},
    # A live staff activation link (issue 10): the page holds the form only then.
    "POST /staff/activation/{token:str}": {
        "password": "password",
        "password_confirm": "password",
    },
    # The desk's, on A's applications as the world leaves them: the validation of a
    # decision entered and not validated yet, of a processing type to check.
    "POST /staff/candidatures/{application_id:int}/decision/valider": {"decision": "hidden"},
    "POST /staff/candidatures/{application_id:int}/type-traitement": {},
    # « Pas un doublon » (issue 15): shown only beside a possible duplicate.
    "POST /staff/candidatures/{application_id:int}/pas-un-doublon": {"autre": "hidden"},
    # The jobs dashboard's (issue 11): shown only beside a failed job or a failed mail.
    "POST /staff/ops/jobs/relancer": {"job": "hidden"},
    "POST /staff/ops/jobs/renvoyer": {"courriel": "hidden", "tous": "hidden"},
}

FUZZ = settings(
    max_examples=10,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def clean_tables():
    """Overrides tests/fixtures/db.py's: the world is kept while no test changes it
    (see ``tests.security.world.SharedWorld``)."""


# --- finding the forms --------------------------------------------------------------------

_FOUND: dict[str, Form] = {}
_FOUND_GET: dict[str, Form] = {}  # the desk's GET forms (filters, export)


def page_urls(world: World, endpoint: Endpoint) -> list[str]:
    """The endpoint's pages with A's objects (both applications: one shows the transmit
    and cancel steps, the other the answer steps)."""
    a = world.owned[CANDIDATE_A]
    section = endpoint.path.split("/")[2] if endpoint.path.startswith("/dossier/") else ""
    rows = {"cursus-externe": a.prior_study, "stages": a.internship, "experiences": a.experience}
    urls = []
    for application in (a.application, a.decided):
        values = {
            "row_id": rows.get(section, 0),
            "application_id": application,
            "piece_id": a.piece,
            "mail_id": a.mail,
            "centre_id": world.centre_id,
            "programme_id": world.programme_id,
            "token": "lien-inconnu",
            "code": "code-inconnu",  # /verifier/{code}: a 404 page
            **world.strings,
        }
        urls.append(endpoint.url(values))
    return list(dict.fromkeys(urls))


@pytest.fixture
async def site_forms(world) -> dict[str, Form]:
    """route key → its form, found once per module by opening every page."""
    if not _FOUND:
        for actor in (ANONYMOUS, CANDIDATE_A, NEWCOMER):
            http = world.client(actor)
            for endpoint in PAGES:
                for url in page_urls(world, endpoint):
                    response = await http.get(url)
                    if response.headers.get("content-type", "").startswith("text/html"):
                        merge_into(_FOUND, FORM_ROUTES, forms_of(response.text, url))
        await find_desk_forms(world)
        for key, fields in DECLARED.items():
            form = _FOUND.setdefault(key, Form(key.split(" ", 1)[1]))
            for name, kind in fields.items():
                form.add(name, kind)
    return _FOUND


async def find_desk_forms(world: World) -> None:
    """The desk's pages as the central office, and the bulk confirmation of a decision
    on A's applications (a page answering a POST)."""
    http = world.client(CENTRAL_OFFICE)
    found = []
    for endpoint in PAGES:
        if not is_desk(endpoint):
            continue
        for url in page_urls(world, endpoint):
            response = await http.get(url)
            if response.headers.get("content-type", "").startswith("text/html"):
                found.append((response.text, url))
    a = world.owned[CANDIDATE_A]
    confirmation = await http.post(
        "/staff/candidatures/lot",
        data={
            "action": BulkAction.ENTER_DECISION.value,
            "portee": "selection",
            "ids": [str(a.application), str(a.decided)],
            "_csrf_token": await portal_token(http),
        },
    )
    assert confirmation.status_code == 200
    found.append((confirmation.text, "/staff/candidatures/lot"))
    for html, url in found:
        merge_into(_FOUND, FORM_ROUTES, forms_of(html, url))
        merge_into(_FOUND_GET, PAGES, forms_of(html, url, "get"), "GET")


async def test_every_form_route_is_shown_by_a_page_or_declared(site_forms):
    missing = [e.key for e in FORM_ROUTES if e.key not in site_forms]
    assert not missing, (
        f"POST routes no page shows: add them to DECLARED with their fields: {missing}"
    )
    assert "identifier" in site_forms["POST /connexion"].fields
    assert (
        site_forms["POST /candidatures/{application_id:int}/pieces/{piece_id:int}"]
        .fields["fichier"]
        .kind
        == "file"
    )
    # The desk's: the decision typed on the bulk confirmation, the queue's filters.
    assert {"type_decision", "motif", "commentaire", "rang", "ids"} <= set(
        site_forms["POST /staff/candidatures/lot/confirmer"].fields
    )
    assert {"GET /staff/candidatures", "GET /staff/candidatures/export.csv"} <= set(_FOUND_GET)
    assert "q" in _FOUND_GET["GET /staff/candidatures"].fields


# --- values -------------------------------------------------------------------------------

# Every character but surrogates (no UTF-8 for them) and NUL (sent on its own below).
CHARACTERS = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")
TRICKY = [
    "",
    " ",
    "0",
    "-1",
    "2147483647",
    "-2147483648",
    "1e309",
    "NaN",
    "1.5",
    "31/02/2026",
    "../../etc/passwd",
    "<script>alert(1)</script>",
    "{{ 7*7 }}",
    "' OR 1=1 --",
    "%00",
    "Dupont\r\nBcc: x@example.org",
    "😀" * 50,
    "é" * 1000,
    "x" * 20_000,
]


def field_values(f: Field) -> st.SearchStrategy[str]:
    choices = [
        st.sampled_from(TRICKY),
        st.text(CHARACTERS, max_size=60),
        st.integers(-(2**31), 2**31 - 1).map(str),
    ]
    if f.values:
        choices.insert(0, st.sampled_from(f.values))
    return st.one_of(choices)


def files_for(form: Form, draw) -> dict | None:
    """Random files for the form's file inputs. Always with a file name: a part without
    one is a text field to the multipart parser (see the test of non-UTF-8 parts)."""
    uploads = [f for f in form.fields.values() if f.kind == "file"]
    if not uploads:
        return None
    names = st.one_of(
        st.sampled_from(["piece.pdf", "../../x.pdf", "a\\b.jpg", "x.svg", "."]),
        st.text(CHARACTERS, min_size=1, max_size=40),
    )
    name = draw(names, label="filename")
    data = draw(
        st.one_of(st.binary(max_size=2048), st.sampled_from([b"%PDF-", b"\xff\xd8\xff", b""])),
        label="file",
    )
    kind = draw(st.sampled_from(["application/pdf", "image/jpeg", "text/html", ""]), label="type")
    return {f.name: (name, data, kind) for f in uploads}


def is_error(response) -> bool:
    return response.status_code >= 400 or 'class="error-summary"' in response.text


def sender(endpoint: Endpoint) -> str:
    """The central office for the desk; A for the routes of A's objects; the newcomer,
    whose dossier forms are all open, for the others."""
    if is_desk(endpoint):
        return CENTRAL_OFFICE
    return CANDIDATE_A if endpoint.parameters else NEWCOMER


async def send(world: World, endpoint: Endpoint, url: str, data: dict, files=None):
    http = world.client(sender(endpoint))
    data = {**data, "_csrf_token": await portal_token(http)}
    if endpoint.method == "GET":
        return await http.get(url)
    return await http.request(endpoint.method, url, data=data, files=files)


async def check_request(world, endpoint, url, data, files=None) -> None:
    before = await row_counts()
    response = await send(world, endpoint, url, data, files)
    assert response.status_code < 500, f"{endpoint} {url} {data!r}: {response.status_code}"
    if is_error(response):
        changed = changed_tables(before, await row_counts())
        assert not changed, (
            f"{endpoint} {data!r}: error {response.status_code} but {changed} changed"
        )


# --- every form ---------------------------------------------------------------------------


@pytest.mark.parametrize("endpoint", FORM_ROUTES, ids=str)
@FUZZ
@given(data=st.data())
async def test_no_form_input_gives_a_500_or_is_saved_with_an_error(
    world, shared_world, site_forms, endpoint, data
):
    form = site_forms[endpoint.key]
    decided = ("confirmer", "desister", "/decision")  # routes of the decided application
    url = page_urls(world, endpoint)[-1 if any(w in endpoint.path for w in decided) else 0]
    values = {
        name: data.draw(field_values(f), label=name)
        for name, f in form.fields.items()
        if f.kind != "file"
    }
    extra = data.draw(
        st.dictionaries(
            st.text(string.ascii_letters, min_size=1, max_size=8),
            st.text(CHARACTERS, max_size=20),
            max_size=2,
        ),
        label="extra",
    )
    files = files_for(form, data.draw)
    await shared_world.reset_rate_limits()
    await check_request(world, endpoint, url, {**extra, **values}, files)


# The values that made a database answer 500, in every field of every form at once.
# NUL and control characters are refused in text fields: nothing is saved at all.
HOSTILE = {
    "NUL": "a\x00b",
    "control characters": "a\x01\x08\x1b\x7fb",
    "2^31": str(2**31),
    "-2^31-1": str(-(2**31) - 1),
    "2^63": str(2**63),
    "-2^63-1": str(-(2**63) - 1),
    "10^30": str(10**30),
}
REFUSED_EVERYWHERE = {"NUL", "control characters"}


@pytest.mark.parametrize("name", list(HOSTILE))
async def test_hostile_values_in_every_field_of_every_form(world, shared_world, site_forms, name):
    value = HOSTILE[name]
    problems = {}
    for endpoint in FORM_ROUTES:
        form = site_forms[endpoint.key]
        fields = {n: value for n, f in form.fields.items() if f.kind != "file"}
        if not fields or endpoint.key == "POST /deconnexion":
            continue
        await shared_world.reset_rate_limits()
        url = page_urls(world, endpoint)[0]
        before = await row_counts()
        response = await send(world, endpoint, url, fields)
        changed = changed_tables(before, await row_counts())
        if response.status_code >= 500:
            problems[endpoint.key] = response.status_code
            break  # each 500 logs at length: one is enough to fail
        if changed and (is_error(response) or name in REFUSED_EVERYWHERE):
            problems[endpoint.key] = f"{response.status_code}, saved in {changed}"
    assert problems == {}


# --- the desk's filters and export (GET forms) -------------------------------------------

DESK_GET_FORMS = ["GET /staff/candidatures", "GET /staff/candidatures/export.csv"]


def endpoint_of(key: str) -> Endpoint:
    return next(e for e in PAGES if e.key == key)


@pytest.mark.parametrize("key", DESK_GET_FORMS)
@FUZZ
@given(data=st.data())
async def test_no_desk_filter_gives_a_500(world, shared_world, site_forms, key, data):
    form = _FOUND_GET[key]
    values = {name: data.draw(field_values(f), label=name) for name, f in form.fields.items()}
    url = f"{form.action}?{urlencode(values)}"
    await check_request(world, endpoint_of(key), url, {})


@pytest.mark.parametrize("key", DESK_GET_FORMS)
async def test_hostile_values_in_every_desk_filter(world, site_forms, key):
    problems = {}
    for name, value in HOSTILE.items():
        form = _FOUND_GET[key]
        url = f"{form.action}?{urlencode(dict.fromkeys(form.fields, value))}"
        response = await send(world, endpoint_of(key), url, {})
        if response.status_code >= 500:
            problems[name] = response.status_code
            break  # each 500 logs at length: one is enough to fail
    assert problems == {}


# --- every path parameter -----------------------------------------------------------------


def path_values(world: World, endpoint: Endpoint, data) -> dict:
    """Random ids (B's among them) and strings. An unsafe method never gets the id of
    one of A's objects: it would act on it, and the world would be built again."""
    a, b = world.owned[CANDIDATE_A], world.owned[CANDIDATE_B]
    ids = st.one_of(
        st.integers(-(2**31), 2**31 - 1),
        st.sampled_from([0, -1, 1, 2**31 - 1, a.application, b.application, b.decided, b.piece]),
    )
    if endpoint.method != "GET":
        own = {a.application, a.decided, a.prior_study, a.internship, a.experience, a.mail}
        ids = ids.filter(lambda value: value not in own)
    text = st.one_of(
        st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=60),
        st.sampled_from(["\x00", "a\x00b", "\x1b[31m", "..", "%2e%2e", "é" * 3000, "x" * 10_000]),
    )
    values = {}
    for name, kind in endpoint.parameters.items():
        if kind == "int":
            values[name] = data.draw(ids, label=name)
        else:
            values[name] = quote(data.draw(text, label=name), safe="")
    return values


@pytest.mark.parametrize("endpoint", WITH_PARAMETERS, ids=str)
@FUZZ
@given(data=st.data())
async def test_no_path_parameter_gives_a_500(world, shared_world, endpoint, data):
    url = endpoint.url(path_values(world, endpoint, data))
    await shared_world.reset_rate_limits()
    await check_request(world, endpoint, url, {})


@pytest.mark.parametrize(
    "value",
    [2**31, -(2**31) - 1, 2**63, -(2**63) - 1, 10**30],  # PostgreSQL and SQLite integers
    ids=str,
)
async def test_an_id_beyond_the_database_integers_is_not_found(world, value):
    problems = {}
    for endpoint in WITH_IDS:
        values = {name: value for name, kind in endpoint.parameters.items() if kind == "int"}
        values.update({name: "x" for name, kind in endpoint.parameters.items() if kind != "int"})
        url = endpoint.url(values)
        before = await row_counts()
        response = await send(world, endpoint, url, {})
        if response.status_code >= 500 or changed_tables(before, await row_counts()):
            problems[endpoint.key] = response.status_code
            break  # each 500 logs at length: one is enough to fail
    assert problems == {}


async def test_a_multipart_text_part_that_is_not_utf8_is_refused_not_a_500(world):
    """A part without a file name is a text field; bytes that are not UTF-8 in it are bad
    input (400), on every form, before and after the CSRF check."""
    problems = {}
    for endpoint in FORM_ROUTES:
        url = page_urls(world, endpoint)[0]
        http = world.client(sender(endpoint))
        token = await portal_token(http)
        response = await http.request(
            endpoint.method,
            url,
            data={"_csrf_token": token},
            files={"note": ("", b"\xff\xfe\x80", "text/plain")},
        )
        if response.status_code >= 500:
            problems[endpoint.key] = response.status_code
            break  # each 500 logs at length: one is enough to fail
    assert problems == {}
