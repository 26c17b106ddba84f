"""Who gets what: every route of the portal × every kind of actor (issue 8).

The routes come from ``create_app().routes`` (static files and the admin mount set
apart), so a new route is in the matrix the day it is added, and fails it until
``ACCESS`` says who may call it. ``ACCESS`` is the one table of expected answers:

- ``public``: the same answer for everyone (signed-in candidates may get another);
- ``candidate_only``: anonymous visitors, and staff (who hold no candidate session),
  are sent to the sign-in page with the path to come back to; candidates get ``status``;
- ``own``: the path holds ids of a candidate's objects: the owner gets ``status``,
  any other candidate 404 (exactly as for an id that does not exist), everyone else the
  sign-in page; none of those other requests changes a row;
- ``dev_only``: development tools, absent from a production app;
- ``link``: a single-use link from a mail; an unknown token gets the same answer for
  everyone and signs no one in;
- ``desk``: the review desk (/staff/, issue 9). Anonymous visitors and candidates
  (who hold no desk session) are sent to the desk's sign-in page with the path to come
  back to; the staff, signed in to the desk, get ``status``. With path parameters
  (candidate A's application, its piece), the manager of another centre and the member
  of another commission get 404 (A's application is outside their scope, as if it did
  not exist) and change nothing; the central office and the administrator get
  ``status``. Lists answer every staff member: what each list holds is checked below.

Path parameters are real ids of candidate A's objects (and B's, to be refused); unsafe
methods carry a valid CSRF token. The admin's API tables have their own tests below.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

import pytest

from app.asgi import SESSION_COOKIE, create_app
from app.backoffice.admin import table_configs
from app.backoffice.admin_forms import form_configs
from app.tables.accounts import AccountToken, CandidateAccount
from tests.factories_dossier import PDF
from tests.security.production import production_settings
from tests.security.routes import Endpoint, endpoints
from tests.security.snapshot import changed_tables, database_rows
from tests.security.world import (
    ADMIN_CSRF_COOKIE,
    ANONYMOUS,
    CANDIDATE_A,
    CANDIDATE_B,
    CANDIDATES,
    CENTRAL_OFFICE,
    CENTRE_MANAGER,
    COMMISSION_MEMBER,
    STAFF,
    STUDENT,
    TECH_ADMIN,
    Owned,
    World,
    portal_token,
)

SIGN_IN = "sign-in"  # 303 to /connexion?suivant=<the path asked>
DESK_SIGN_IN = "desk-sign-in"  # 303 to /staff/connexion?suivant=<the path asked>
# Staff whose scope holds neither A's nor B's applications (another centre, another
# commission; see tests/security/world.py), and staff who see every application.
OUTSIDERS = (CENTRE_MANAGER, COMMISSION_MEMBER)
INSIDERS = (CENTRAL_OFFICE, TECH_ADMIN)


@dataclass(frozen=True)
class Access:
    anonymous: int | str  # also what staff get: they hold no candidate session
    candidate: int | str  # candidates A, B and the student (the owner, for ``own``)
    owned: dict[str, str] = field(default_factory=dict)  # path parameter → Owned field
    location: str | None = None  # where the candidate's 303 leads (``{}`` = the path ids)
    form: dict[str, str] = field(default_factory=dict)
    upload: bool = False  # send a PDF in the piece's file field
    dev_only: bool = False
    student: int | str | None = None  # when the student's answer is another one
    student_location: str | None = None
    anonymous_location: str | None = None
    staff: int | str | None = None  # desk routes: what signed-in staff get
    staff_location: str | None = None
    outsider: int | str | None = None  # desk routes: staff outside A's scope

    @property
    def desk(self) -> bool:
        return self.staff is not None

    def expected(self, actor: str) -> tuple[int | str, str | None]:
        """The status and, for a 303, the Location ``actor`` must get."""
        if actor in STAFF and self.desk:
            if actor in OUTSIDERS and self.outsider is not None:
                return self.outsider, None
            return self.staff, self.staff_location
        if actor == STUDENT and self.student is not None:
            return self.student, self.student_location
        if actor in CANDIDATES:
            return self.candidate, self.location
        return self.anonymous, self.anonymous_location


def public(status: int = 200, *, signed_in: int | None = None, location=None, **kw) -> Access:
    if signed_in is None:
        return Access(status, status, location=location, anonymous_location=location, **kw)
    return Access(status, signed_in, location=location, **kw)


def candidate_only(status: int = 200, *, location: str | None = None, **kw) -> Access:
    return Access(SIGN_IN, status, location=location, **kw)


def own(status: int, *, location: str | None = None, **owned: str) -> Access:
    return Access(SIGN_IN, status, owned=owned, location=location)


def own_post(status: int, *, location: str | None = None, form=None, upload=False, **owned):
    return Access(SIGN_IN, status, owned=owned, location=location, form=form or {}, upload=upload)


def dev_only(status: int = 200) -> Access:
    return Access(status, status, dev_only=True)


def link(status: int) -> Access:
    return Access(status, status)


def ops(status: int = 200, *, location: str | None = None, form=None) -> Access:
    """The jobs dashboard (issue 11): the desk's sign-in, then the administrator and the
    central office only; the other staff get 403."""
    return Access(
        DESK_SIGN_IN,
        DESK_SIGN_IN,
        form=form or {},
        staff=status,
        staff_location=location,
        outsider=403,
    )


def desk(status: int = 200, *, location: str | None = None, form=None, **owned: str) -> Access:
    """A desk route; ``owned`` path parameters are A's objects (404 to outsiders). Form
    values may name A's objects: ``{decision}``."""
    return Access(
        DESK_SIGN_IN,
        DESK_SIGN_IN,
        owned=owned,
        form=form or {},
        staff=status,
        staff_location=location,
        outsider=404 if owned else None,
    )


def roles_only(status: int = 200) -> Access:
    """A desk page for the administrator and the central office only: 403 to the
    centres' and commissions' staff."""
    return Access(DESK_SIGN_IN, DESK_SIGN_IN, staff=status, outsider=403)


APPLICATION = {"application_id": "application"}
DECIDED = {"application_id": "decided"}
PIECE = {"application_id": "application", "piece_id": "piece"}
SUMMARY = "/candidatures/{application_id}"
DESK_PAGE = "/staff/candidatures/{application_id}"
DESK_APPLICATION = "/staff/candidatures/{application_id:int}"

ACCESS: dict[str, Access] = {
    # home, health
    "GET /": public(),
    "GET /healthz": public(),
    "GET /readyz": public(),
    # by address, whoever signed in: the matrix clients are not in METRICS_ALLOWED_IPS
    "GET /metrics": public(404),
    "POST /langue": public(303, location="/", form={"language": "en", "next": "/"}),
    "GET /accessibilite": public(),
    # accounts
    "GET /compte/creer": public(),
    "POST /compte/creer": public(),  # the empty form, with its messages
    "GET /compte/cree": public(),
    "GET /compte/activer/{token:str}": link(200),
    "GET /compte/code-activation": public(),
    "POST /compte/code-activation": public(),
    "GET /connexion": public(signed_in=303, location="/dossier"),
    "POST /connexion": public(),
    "POST /deconnexion": public(303, location="/"),
    "GET /compte/mot-de-passe-oublie": public(),
    "POST /compte/mot-de-passe-oublie": public(),
    "GET /compte/identifiant-oublie": public(),
    "POST /compte/identifiant-oublie": public(),
    "GET /compte/mot-de-passe/{token:str}": link(200),
    "POST /compte/mot-de-passe/{token:str}": link(200),
    "GET /compte/adresse-mail": candidate_only(),
    "POST /compte/adresse-mail": candidate_only(),
    "GET /compte/adresse-mail/{token:str}": link(200),
    # university sign-in
    "GET /universite/connexion": public(303),
    "GET /universite/retour": public(400),  # no ticket
    "GET /universite/premiere-connexion": candidate_only(303, location="/dossier"),
    "POST /universite/premiere-connexion": candidate_only(303, location="/dossier"),
    "GET /universite/adresse/{token:str}": link(400),
    # dossier
    "GET /dossier": candidate_only(),
    "GET /dossier/informations-personnelles": candidate_only(),
    # A and B have applications: their identity is locked. The student's comes from the
    # student records, and the empty form leaves it as it is.
    "POST /dossier/informations-personnelles": candidate_only(
        403, student=303, student_location="/dossier?enregistre=informations-personnelles"
    ),
    "GET /dossier/adresse": candidate_only(),
    "POST /dossier/adresse": candidate_only(),
    "GET /dossier/baccalaureat": candidate_only(),
    "POST /dossier/baccalaureat": candidate_only(student=403),  # from the records: locked
    "GET /dossier/cursus-interne": candidate_only(),
    "GET /dossier/cursus-externe": candidate_only(),
    "GET /dossier/cursus-externe/nouveau": candidate_only(),
    "POST /dossier/cursus-externe/nouveau": candidate_only(),
    "GET /dossier/cursus-externe/{row_id:int}": own(200, row_id="prior_study"),
    "POST /dossier/cursus-externe/{row_id:int}": own_post(200, row_id="prior_study"),
    "POST /dossier/cursus-externe/{row_id:int}/supprimer": own_post(303, row_id="prior_study"),
    "GET /dossier/stages": candidate_only(),
    "GET /dossier/stages/nouveau": candidate_only(),
    "POST /dossier/stages/nouveau": candidate_only(),
    "GET /dossier/stages/{row_id:int}": own(200, row_id="internship"),
    "POST /dossier/stages/{row_id:int}": own_post(200, row_id="internship"),
    "POST /dossier/stages/{row_id:int}/supprimer": own_post(303, row_id="internship"),
    "GET /dossier/experiences": candidate_only(),
    "GET /dossier/experiences/nouvelle": candidate_only(),
    "POST /dossier/experiences/nouvelle": candidate_only(),
    "GET /dossier/experiences/{row_id:int}": own(200, row_id="experience"),
    "POST /dossier/experiences/{row_id:int}": own_post(200, row_id="experience"),
    "POST /dossier/experiences/{row_id:int}/supprimer": own_post(303, row_id="experience"),
    # applications
    "GET /candidatures": candidate_only(),
    "GET /candidatures/nouvelle": candidate_only(),
    "GET /candidatures/nouvelle/centres/{centre_id:int}": candidate_only(
        303, location="/candidatures/nouvelle#centre-{centre_id}"
    ),
    "GET /candidatures/nouvelle/{programme_id:int}": candidate_only(),
    # "Non": back to the offer, nothing written
    "POST /candidatures/nouvelle/{programme_id:int}": candidate_only(
        303, location="/candidatures/nouvelle"
    ),
    "GET /candidatures/{application_id:int}": own(200, **APPLICATION),
    "POST /candidatures/{application_id:int}/notes": own_post(
        303, location=SUMMARY + "?fait=note#bloc-notes", form={"note": "Bonjour"}, **APPLICATION
    ),
    "GET /candidatures/{application_id:int}/transmettre": own(200, **APPLICATION),
    "POST /candidatures/{application_id:int}/transmettre": own_post(
        303, location=SUMMARY + "?fait=transmise", **APPLICATION
    ),
    "GET /candidatures/{application_id:int}/annuler": own(200, **APPLICATION),
    "POST /candidatures/{application_id:int}/annuler": own_post(
        303, location=SUMMARY + "?fait=annulee", **APPLICATION
    ),
    "GET /candidatures/{application_id:int}/confirmer": own(200, **DECIDED),
    "POST /candidatures/{application_id:int}/confirmer": own_post(
        303, location=SUMMARY + "?fait=confirmee", **DECIDED
    ),
    "GET /candidatures/{application_id:int}/desister": own(200, **DECIDED),
    "POST /candidatures/{application_id:int}/desister": own_post(
        303, location=SUMMARY + "?fait=desistement", **DECIDED
    ),
    "POST /candidatures/{application_id:int}/pieces/{piece_id:int}": own_post(
        303, location=SUMMARY + "?fait=piece-deposee#piece-{piece_id}", upload=True, **PIECE
    ),
    "POST /candidatures/{application_id:int}/pieces/{piece_id:int}/supprimer": own_post(
        303, location=SUMMARY + "?fait=piece-supprimee#piece-{piece_id}", **PIECE
    ),
    # the piece is not conditional: refused, with the reason on the summary
    "POST /candidatures/{application_id:int}/pieces/{piece_id:int}/non-concerne": own_post(
        409, **PIECE
    ),
    "GET /candidatures/{application_id:int}/pieces/{piece_id:int}/fichier": own(200, **PIECE),
    # issue 12: the letter of a validated favourable decision
    "GET /candidatures/{application_id:int}/lettre.pdf": own(200, **DECIDED),
    # issue 12: the dossier as one PDF, and the candidate's own deadlines as a calendar
    "GET /candidatures/{application_id:int}/dossier.pdf": own(200, **APPLICATION),
    "GET /candidatures/echeances.ics": candidate_only(),
    # the verification page of letters: public; an unknown code is a 404 for everyone
    "GET /verifier/{code:str}": public(404),
    # "Mes messages" (issue 11): A's last mail is queued, so sending it again is refused
    "GET /messages": candidate_only(),
    "GET /messages/{mail_id:int}": own(200, mail_id="mail"),
    "POST /messages/{mail_id:int}/renvoyer": own_post(
        303, location="/messages/{mail_id}?refus=on_its_way", mail_id="mail"
    ),
    # "Mes données" and the notice (issue 15); the empty forms: the page again with
    # their message, nothing deleted, nothing mailed
    "GET /mes-donnees": candidate_only(),
    "POST /mes-donnees/archive": candidate_only(303, location="/mes-donnees?fait=archive"),
    "GET /mes-donnees/archive/{token:str}": candidate_only(404),  # no such link
    "POST /mes-donnees/suppression": candidate_only(),
    "POST /mes-donnees/demande": candidate_only(),
    "GET /donnees-personnelles": public(),
    "GET /compte-supprime": public(),
    # development tools (the mail sink's pages, the CAS server for demo students)
    "GET /dev/mails": dev_only(),
    "GET /dev/mails/{message_id:str}": dev_only(),
    "GET /dev/cas/login": dev_only(),
    "POST /dev/cas/login": dev_only(),
    "GET /dev/cas/serviceValidate": dev_only(),
    "GET /dev/cas/p3/serviceValidate": dev_only(),
    "GET /dev/cas/logout": dev_only(),
    # the review desk (issue 9)
    "GET /staff/connexion": Access(200, 200, staff=303, staff_location="/staff/"),
    "POST /staff/connexion": public(),  # the empty form, with its messages
    "POST /staff/deconnexion": public(303, location="/staff/connexion"),
    # the link mailed to a staff member whose account the admin made (issue 10)
    "GET /staff/activation/{token:str}": link(200),
    "POST /staff/activation/{token:str}": link(200),
    "GET /staff": desk(),
    "GET /staff/candidatures": desk(),
    "GET /staff/candidatures/export": desk(),
    "GET /staff/candidatures/export.csv": desk(),
    "GET /staff/candidatures/export.xlsx": desk(),
    "GET /staff/candidatures/lot": desk(303, location="/staff/candidatures"),
    # nothing chosen: the confirmation page says so, with the way back
    "POST /staff/candidatures/lot": desk(),
    "POST /staff/candidatures/lot/confirmer": desk(),
    "GET /staff/candidatures/lot/{token:str}": desk(404),  # no such result
    # a programme's letters (issue 12): the open programme of A's centre, without letters
    # (a page says so); staff outside that centre get 404, as for any programme not theirs
    "GET /staff/formations/{programme_id:int}/lettres.pdf": Access(
        DESK_SIGN_IN, DESK_SIGN_IN, staff=200, outsider=404
    ),
    # a programme's dossiers as a ZIP (issue 12), scoped like the letters
    "GET /staff/formations/{programme_id:int}/dossiers.zip": Access(
        DESK_SIGN_IN, DESK_SIGN_IN, staff=200, outsider=404
    ),
    "GET /ops/jobs": public(303, location="/staff/ops/jobs"),
    "GET /staff/ops/jobs": ops(),
    "GET /staff/ops/jobs/etat": ops(),
    # nothing to retry, no such cron job, nothing to resend: refused, flashed on the page
    "POST /staff/ops/jobs/relancer": ops(303, location="/staff/ops/jobs", form={"job": "x"}),
    "POST /staff/ops/jobs/cron": ops(303, location="/staff/ops/jobs", form={"tache": "x"}),
    "POST /staff/ops/jobs/renvoyer": ops(303, location="/staff/ops/jobs", form={"courriel": "x"}),
    "GET " + DESK_APPLICATION: desk(200, **APPLICATION),
    "GET " + DESK_APPLICATION + "/pieces/{piece_id:int}/fichier": desk(200, **PIECE),
    "POST " + DESK_APPLICATION + "/pieces/{piece_id:int}/statut": desk(
        303, location=DESK_PAGE + "#piece-{piece_id}", form={"statut": "VA"}, **PIECE
    ),
    "POST " + DESK_APPLICATION + "/statut": desk(
        303, location=DESK_PAGE + "#actions", form={"statut": "CO"}, **APPLICATION
    ),
    "POST " + DESK_APPLICATION + "/type-traitement": desk(
        303, location=DESK_PAGE + "#actions", **APPLICATION
    ),
    # the empty form: the page again with its messages
    "POST " + DESK_APPLICATION + "/decision": desk(422, **APPLICATION),
    # already validated: refused, the reason flashed on the page
    "POST " + DESK_APPLICATION + "/decision/valider": desk(
        303, location=DESK_PAGE + "#decision", form={"decision": "{decision}"}, **DECIDED
    ),
    "POST " + DESK_APPLICATION + "/date-retour": desk(
        303, location=DESK_PAGE + "#dates", form={"date-retour": ""}, **APPLICATION
    ),
    "POST " + DESK_APPLICATION + "/date-confirmation": desk(
        303, location=DESK_PAGE + "#dates", form={"date-confirmation": ""}, **APPLICATION
    ),
    "POST " + DESK_APPLICATION + "/notes": desk(
        303, location=DESK_PAGE + "#notes", form={"note": "Bonjour"}, **APPLICATION
    ),
    # « pas un doublon » (issue 15): A's dossier has no look-alike, so no pair to dismiss
    # (the 403 of a centre's staff in scope: tests/integration/review/test_duplicates.py)
    "POST " + DESK_APPLICATION + "/pas-un-doublon": desk(404, form={"autre": "1"}, **APPLICATION),
    # mail template previews (issue 11): the administrator's and the central office's
    "GET /staff/modeles-mails": roles_only(),
    "GET /staff/modeles-mails/{mail_code:str}/{mail_language:str}": roles_only(),
    "GET /staff/modeles-mails/{mail_code:str}/{mail_language:str}/html": roles_only(),
}

APP = create_app()
ENDPOINTS = endpoints(APP)


@pytest.fixture
def clean_tables():
    """Overrides tests/fixtures/db.py's: the world is kept while no test changes it
    (see ``SharedWorld``)."""


# --- the table covers the routes ------------------------------------------------------


def test_every_route_has_an_entry_and_every_entry_a_route():
    routes = {endpoint.key for endpoint in ENDPOINTS}
    missing = sorted(routes - ACCESS.keys())
    assert not missing, f"routes without an entry in ACCESS (declare who may call them): {missing}"
    stale = sorted(ACCESS.keys() - routes)
    assert not stale, f"entries of ACCESS for routes that no longer exist: {stale}"


def test_development_tools_are_not_routes_of_a_production_app():
    routes = {endpoint.key for endpoint in endpoints(create_app(production_settings()))}
    dev_tools = {key for key, access in ACCESS.items() if access.dev_only}
    assert dev_tools and not routes & dev_tools
    assert routes == {endpoint.key for endpoint in ENDPOINTS} - dev_tools


# --- every route × every actor ----------------------------------------------------------


def path_values(endpoint: Endpoint, access: Access, owned: Owned, world: World) -> dict:
    values: dict[str, object] = {"centre_id": world.centre_id, "programme_id": world.programme_id}
    values.update({name: getattr(owned, what) for name, what in access.owned.items()})
    for name, kind in endpoint.parameters.items():
        if kind == "str":
            values.setdefault(name, world.strings.get(name, uuid.uuid4().hex))
    return values


async def call(world: World, actor: str, endpoint: Endpoint, access: Access, url: str):
    http = world.client(actor)
    if endpoint.method == "GET":
        return await http.get(url)
    a = vars(world.owned[CANDIDATE_A])
    form = {name: value.format(**a) for name, value in access.form.items()}
    data = {**form, "_csrf_token": await portal_token(http)}
    files = {"fichier": ("piece.pdf", PDF, "application/pdf")} if access.upload else None
    return await http.request(endpoint.method, url, data=data, files=files)


def describe(response) -> str:
    location = response.headers.get("location")
    return f"{response.status_code}" + (f" → {location}" if location else "")


def check(response, expected: int | str, url: str, location: str | None = None) -> str | None:
    """None when the answer is the expected one, else what was got."""
    if expected in (SIGN_IN, DESK_SIGN_IN):
        desk = "/staff" if expected == DESK_SIGN_IN else ""
        wanted = (303, f"{desk}/connexion?suivant={url.split('?')[0]}")
        got = (response.status_code, response.headers.get("location"))
        return None if got == wanted else describe(response)
    if response.status_code != expected:
        return describe(response)
    if location is not None and response.headers.get("location") != location:
        return describe(response)
    if response.status_code >= 500:
        return describe(response)
    return None


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
async def test_every_actor_gets_the_declared_answer(world, endpoint):
    access = ACCESS.get(endpoint.key)
    assert access is not None, f"{endpoint.key} has no entry in ACCESS: declare who may call it"
    a, b = world.owned[CANDIDATE_A], world.owned[CANDIDATE_B]
    url_a = endpoint.url(path_values(endpoint, access, a, world))
    wrong: dict[str, str] = {}

    if access.desk:
        # Those the desk refuses (and, on A's objects, the staff outside A's scope)
        # first: none of them may change anything.
        refused = (ANONYMOUS, *CANDIDATES, *(OUTSIDERS if access.owned else ()))
        before = await database_rows()
        for actor in refused:
            expected, location = access.expected(actor)
            response = await call(world, actor, endpoint, access, url_a)
            if problem := check(response, expected, url_a):
                wrong[f"{actor} {url_a}"] = problem
        changed = changed_tables(before, await database_rows())
        assert not changed, f"{endpoint}: refused requests changed {changed}"
        owner = [(actor, url_a) for actor in STAFF if actor not in refused]
    elif access.owned:
        # Everyone but the owner first: none of them may change anything.
        url_b = endpoint.url(path_values(endpoint, access, b, world))
        before = await database_rows()
        tries = [(CANDIDATE_A, url_b, 404), (CANDIDATE_B, url_a, 404), (STUDENT, url_a, 404)]
        tries += [(actor, url_a, SIGN_IN) for actor in (ANONYMOUS, *STAFF)]
        for actor, url, expected in tries:
            response = await call(world, actor, endpoint, access, url)
            if problem := check(response, expected, url):
                wrong[f"{actor} {url}"] = problem
        changed = changed_tables(before, await database_rows())
        assert not changed, f"{endpoint}: refused requests changed {changed}"
        owner = [(CANDIDATE_A, url_a)]
    else:
        owner = [(actor, url_a) for actor in (ANONYMOUS, *CANDIDATES, *STAFF)]

    values = path_values(endpoint, access, a, world)
    for actor, url in owner:
        expected, location = access.expected(actor)
        response = await call(world, actor, endpoint, access, url)
        if problem := check(response, expected, url, location and location.format(**values)):
            wrong[f"{actor} {url}"] = problem
    assert not wrong, f"{endpoint}: unexpected answers {wrong}"


async def test_an_unknown_link_signs_no_one_in(world):
    """Single-use links followed by someone without a session leave them without one."""
    http = world.client(ANONYMOUS)
    for endpoint in ENDPOINTS:
        if endpoint.method == "GET" and "{token:str}" in endpoint.path:
            await http.get(endpoint.url({"token": uuid.uuid4().hex}))
    assert SESSION_COOKIE not in http.cookies
    assert (await http.get("/dossier")).status_code == 303


# --- the admin's API tables -------------------------------------------------------------

ADMIN_TABLES = sorted(config.table_class._meta.tablename for config in table_configs())
NO_ADMIN = (401, 403, 404)


async def admin_get(world: World, actor: str, path: str, **params):
    return await world.client(actor).get(f"/admin/api/tables/{path}", params=params)


@pytest.mark.parametrize(
    "actor",
    [
        ANONYMOUS,
        CANDIDATE_A,
        STUDENT,
        CENTRE_MANAGER,
        COMMISSION_MEMBER,
    ],
)
async def test_only_the_central_office_and_the_administrator_reach_the_admin_tables(world, actor):
    answers = {
        name: (await admin_get(world, actor, f"{name}/")).status_code for name in ADMIN_TABLES
    }
    assert {name: code for name, code in answers.items() if code not in NO_ADMIN} == {}


ADMIN_FORMS = [config.slug for config in form_configs()]
# Every form's fields at once (pydantic ignores the others): allowed, each would act.
FORM_PAYLOAD = {
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


@pytest.mark.parametrize(
    "actor", [ANONYMOUS, CANDIDATE_A, STUDENT, CENTRE_MANAGER, COMMISSION_MEMBER]
)
async def test_only_the_central_office_and_the_administrator_reach_the_admin_forms(world, actor):
    http = world.client(actor)
    if ADMIN_CSRF_COOKIE not in http.cookies:
        await http.get("/admin/")
    token = http.cookies[ADMIN_CSRF_COOKIE]
    before = await database_rows()
    answers = {"list": (await http.get("/admin/api/forms/")).status_code}
    for slug in ADMIN_FORMS:
        response = await http.post(
            f"/admin/api/forms/{slug}/", json=FORM_PAYLOAD, headers={"X-CSRFToken": token}
        )
        answers[slug] = response.status_code
    assert {name: code for name, code in answers.items() if code not in NO_ADMIN} == {}
    assert changed_tables(before, await database_rows()) == []


@pytest.mark.parametrize("actor", [CENTRAL_OFFICE, TECH_ADMIN])
async def test_the_central_office_and_the_administrator_list_the_admin_forms(world, actor):
    response = await world.client(actor).get("/admin/api/forms/")
    assert response.status_code == 200
    assert [form["slug"] for form in response.json()] == ADMIN_FORMS


@pytest.mark.parametrize("actor", [CENTRAL_OFFICE, TECH_ADMIN])
async def test_the_central_office_and_the_administrator_read_every_admin_table(world, actor):
    answers = {
        name: (await admin_get(world, actor, f"{name}/")).status_code for name in ADMIN_TABLES
    }
    assert {name: code for name, code in answers.items() if code != 200} == {}


async def secret_values() -> dict[str, list[str]]:
    """Every password hash and token hash stored, by column."""
    from piccolo.apps.user.tables import BaseUser

    found = {
        "candidate_account.password_hash": await CandidateAccount.select(
            CandidateAccount.password_hash
        ).output(as_list=True),
        "account_token.token_hash": await AccountToken.select(AccountToken.token_hash).output(
            as_list=True
        ),
        "piccolo_user.password": await BaseUser.select(BaseUser.password).output(as_list=True),
    }
    return {column: [v for v in values if v] for column, values in found.items()}


async def plant_tokens(owned: Owned) -> None:
    """One live link of each purpose for the account (their hashes are secrets)."""
    from app.clock import now

    for purpose in ("activation", "reset", "email_change"):
        await AccountToken(
            account=owned.account_id,
            purpose=purpose,
            token_hash=uuid.uuid4().hex + uuid.uuid4().hex,
            expires_at=now(),
        ).save()


def leaks(text: str, secrets: dict[str, list[str]]) -> list[str]:
    return sorted({column for column, values in secrets.items() for v in values if v in text})


@pytest.mark.parametrize("actor", [CENTRAL_OFFICE, TECH_ADMIN])
async def test_no_admin_read_shows_a_secret_column(world, actor):
    await plant_tokens(world.owned[CANDIDATE_A])
    secrets = await secret_values()
    assert all(secrets.values())
    found: dict[str, object] = {}
    for config in table_configs():
        table = config.table_class
        name = table._meta.tablename
        every_column = ",".join(c._meta.name for c in table._meta.columns)
        reads = {
            "list": await admin_get(world, actor, f"{name}/"),
            "all fields": await admin_get(world, actor, f"{name}/", __visible_fields=every_column),
            "readable": await admin_get(world, actor, f"{name}/", __readable="true"),
        }
        first = await table.select(table._meta.primary_key).first()
        if first is not None:
            row_id = first[table._meta.primary_key._meta.name]
            reads["row"] = await admin_get(world, actor, f"{name}/{row_id}/")
        for what, response in reads.items():
            if response.status_code >= 500 or (leaked := leaks(response.text, secrets)):
                found[f"{name} {what}"] = (
                    response.status_code if response.status_code >= 500 else leaked
                )
        # Filtering on a secret column must not tell a right value from a wrong one.
        for column, values in secrets.items():
            table_name, column_name = column.split(".")
            if table_name != name:
                continue
            right = await admin_get(world, actor, f"{name}/", **{column_name: values[0]})
            wrong_value = await admin_get(world, actor, f"{name}/", **{column_name: "x" * 64})
            if right.status_code < 400 and right.text != wrong_value.text:
                found[f"{name} filter {column_name}"] = "answers tell the value"
    assert found == {}
