"""The world the security suite attacks: every kind of actor, each with a client of
its own on one running app, and real objects for each candidate.

- candidates A and B: password accounts, complete dossiers, one row in each of the
  many-rows sections, an application with a deposited piece (it can still be
  transmitted or cancelled) and an application with a validated favourable decision
  (it can be confirmed or withdrawn);
- a university student, created by the SSO code from the demo student records, contact
  email confirmed;
- four staff members built with ``app.backoffice.staff_members.upsert_staff_user``, signed in to
  the admin as a browser does and to the review desk (/staff/, a planted desk
  session): a manager of another centre, a member of another commission (both see
  none of A's and B's applications), the central office, the technical administrator.
  They hold no candidate session: on the portal they are anonymous;
- a newcomer (empty dossier, no application), outside the access matrix: every dossier
  form is open to them (fuzzing).

``SharedWorld`` serves one app for a test module and builds the world again only when
a test changed the database. No test lives here.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import secrets
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage

import httpx
from litestar import Litestar
from litestar.stores.redis import RedisStore
from piccolo.engine import engine_finder

from app.accounts.sso import create_account_from_records
from app.accounts.student_records import DemoStudentRecords
from app.applications import lifecycle
from app.asgi import CSRF_COOKIE, SESSION_COOKIE, create_app
from app.backoffice.staff_members import upsert_staff_user
from app.catalog.offer import forget_cached_offer
from app.clock import now
from app.core.codes.applications import Verdict
from app.core.codes.staff import StaffRole
from app.mail.default_templates import install_default_templates
from app.review.auth import STAFF_COOKIE, STAFF_KEY, STAFF_PATH
from app.settings import get_settings
from app.tables.accounts import CandidateAccount
from app.tables.catalog import Programme
from app.tables.dossier import Candidate, Internship, PriorStudy, WorkExperience
from app.tables.mail import OutboxMail
from app.tables.refdata import Country
from app.web.sessions import redis_client
from tests.factories import (
    make_campaign,
    make_centre,
    make_commission,
    make_programme,
    make_required_piece,
)
from tests.factories_dossier import decide, make_complete_dossier, make_decision_type, stored_pdf
from tests.fixtures.db import _tables_children_first
from tests.fixtures.web import BASE_URL
from tests.integration.dossier_support import SESSION_NAMESPACE, new_candidate, plant_session
from tests.security.snapshot import database_rows

STAFF_PASSWORD = "Securite-ecesure-2026"
ADMIN_CSRF_COOKIE = "csrftoken"  # piccolo-admin's own CSRF cookie

ANONYMOUS = "anonymous"
CANDIDATE_A = "candidate_a"
CANDIDATE_B = "candidate_b"
STUDENT = "student"
CENTRE_MANAGER = "centre_manager"
COMMISSION_MEMBER = "commission_member"
CENTRAL_OFFICE = "central_office"
TECH_ADMIN = "tech_admin"
CANDIDATES = (CANDIDATE_A, CANDIDATE_B, STUDENT)
STAFF = (CENTRE_MANAGER, COMMISSION_MEMBER, CENTRAL_OFFICE, TECH_ADMIN)
ACTORS = (ANONYMOUS, *CANDIDATES, *STAFF)
# Not in the access matrix: a candidate who has only just signed up (empty dossier, no
# application), so that every dossier form is open to them (fuzzing).
NEWCOMER = "newcomer"

# Each client gets an address of its own (rate limits count per address); this range
# is apart from the one tests/integration/test_admin.py uses.
_ADDRESSES = itertools.count()


def next_address() -> str:
    number = next(_ADDRESSES)
    return f"10.77.{number // 250 % 250}.{number % 250 + 1}"


@dataclass
class Owned:
    """Ids of one candidate's objects, by the name a route's path parameter gets."""

    account_id: int
    candidate_id: int
    prior_study: int = 0
    internship: int = 0
    experience: int = 0
    application: int = 0  # AT, its piece deposited: can be transmitted or cancelled
    piece: int = 0  # the required piece deposited on ``application``
    decided: int = 0  # RE with a validated favourable decision: can be answered
    decision: int = 0  # the validated decision of ``decided``
    mail: int = 0  # the last mail of the account (queued: "Mes messages", issue 11)


@dataclass
class World:
    app: Litestar
    clients: dict[str, httpx.AsyncClient]
    owned: dict[str, Owned]
    centre_id: int  # the centre of the candidates' programmes
    programme_id: int  # an open programme nobody applied to
    staff_user_ids: dict[str, int] = field(default_factory=dict)
    strings: dict[str, str] = field(default_factory=dict)  # real values of str parameters

    def client(self, actor: str) -> httpx.AsyncClient:
        return self.clients[actor]


@asynccontextmanager
async def served(app: Litestar) -> AsyncIterator[None]:
    """The app's lifespan, run in a task of its own while clients talk to it."""
    started, stop = asyncio.Event(), asyncio.Event()

    async def run_lifespan() -> None:
        async with app.lifespan():
            started.set()
            await stop.wait()

    task = asyncio.create_task(run_lifespan())
    await started.wait()
    try:
        yield
    finally:
        stop.set()
        await task


def new_client(app: Litestar, base_url: str = BASE_URL) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=(next_address(), 50000))
    return httpx.AsyncClient(transport=transport, base_url=base_url)


async def portal_token(http: httpx.AsyncClient) -> str:
    """The portal's CSRF token, as a browser gets it from any page."""
    if CSRF_COOKIE not in http.cookies:
        await http.get("/")
    return http.cookies[CSRF_COOKIE]


async def admin_login(http: httpx.AsyncClient, username: str) -> httpx.Response:
    """Sign in to piccolo-admin the way its own front end does."""
    if ADMIN_CSRF_COOKIE not in http.cookies:
        await http.get("/admin/")
    return await http.post(
        "/admin/public/login/",
        json={"username": username, "password": STAFF_PASSWORD},
        headers={"X-CSRFToken": http.cookies[ADMIN_CSRF_COOKIE]},
    )


def sink_message() -> str:
    """A mail in the development sink (as its SMTP handler stores one); returns its id."""
    directory = get_settings().mail_sink_dir
    directory.mkdir(parents=True, exist_ok=True)
    name = f"{time.time_ns()}-{uuid.uuid4().hex}.eml"
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "a@example.org", "b@example.org", "Test"
    message.set_content("Bonjour")
    (directory / name).write_bytes(message.as_bytes())
    return name


# --- objects ------------------------------------------------------------------------


async def _rows(candidate_id: int) -> dict[str, int]:
    france = (await Country.select(Country.id).where(Country.cog_code == "99100").first())["id"]
    study = PriorStudy(
        candidate=candidate_id, year=2023, country=france, label="Licence 1", outcome="O"
    )
    internship = Internship(candidate=candidate_id, year=2024, duration="1 mois", employer="ACME")
    job = WorkExperience(
        candidate=candidate_id, year=2024, title="Vendeur", duration="2 mois", employer="ACME"
    )
    for row in (study, internship, job):
        await row.save()
    return {"prior_study": study.id, "internship": internship.id, "experience": job.id}


async def _candidate(
    name: str, *, deposit: Programme, answer: Programme, piece_id: int, favourable
) -> Owned:
    account, candidate = await new_candidate(last_name=name)
    await make_complete_dossier(account)
    owned = Owned(account.id, candidate.id, **await _rows(candidate.id))
    actor = lifecycle.Actor.candidate(account.id)
    owned.application = (
        await lifecycle.apply(account_id=account.id, programme_id=deposit.id)
    ).application_id
    file_id = await stored_pdf(account)
    await lifecycle.submit_piece(
        application_id=owned.application, piece_id=piece_id, file_id=file_id, actor=actor
    )
    owned.piece = piece_id
    owned.decided = (
        await lifecycle.apply(account_id=account.id, programme_id=answer.id)
    ).application_id
    await lifecycle.transmit(application_id=owned.decided, actor=actor)
    owned.decision = await decide(owned.decided, favourable)
    owned.mail = (
        await OutboxMail.select(OutboxMail.id)
        .where(OutboxMail.account == account.id)
        .order_by(OutboxMail.id, ascending=False)
        .first()
    )["id"]
    return owned


async def _student() -> Owned:
    record = await DemoStudentRecords().find_by_cas_login("cmartin")
    account_id = await create_account_from_records(
        record, cas_login="cmartin", email="camille.martin@etu.univ.example", language="fr"
    )
    await CandidateAccount.update({CandidateAccount.email_validated_at: now()}).where(
        CandidateAccount.id == account_id
    )
    candidate = await Candidate.select(Candidate.id).where(Candidate.account == account_id).first()
    return Owned(account_id, candidate["id"])


async def _staff(campaign_code: str) -> dict[str, tuple[str, int]]:
    """username and user id per staff actor; the scoped ones look after another centre."""
    scopes = {
        CENTRE_MANAGER: (StaffRole.CENTRE_MANAGER, {"centre_codes": ["AUTRE"]}),
        COMMISSION_MEMBER: (StaffRole.COMMISSION_MEMBER, {"commission_codes": ["AUTREC"]}),
        CENTRAL_OFFICE: (StaffRole.CENTRAL_OFFICE, {}),
        TECH_ADMIN: (StaffRole.TECH_ADMIN, {}),
    }
    users = {}
    for actor, (role, scope) in scopes.items():
        username = actor.replace("_", ".")
        done = await upsert_staff_user(
            username=username,
            email=f"{username}@univ.example.fr",
            password=STAFF_PASSWORD,
            role=role,
            campaign_code=campaign_code,
            **scope,
        )
        users[actor] = (username, done.user_id)
    return users


async def build_objects() -> tuple[dict[str, Owned], int, int, dict[str, tuple[str, int]]]:
    campaign = await make_campaign(code="SECU")
    centre = await make_centre(campaign, code="SCI")
    commission = await make_commission(centre, code="CS")
    piece = await make_required_piece(campaign)
    deposit = await make_programme(commission, [piece])
    answer = await make_programme(commission)
    untouched = await make_programme(commission)
    other_centre = await make_centre(campaign, code="AUTRE")
    await make_commission(other_centre, code="AUTREC")
    favourable = await make_decision_type(Verdict.FAVOURABLE)
    owned = {
        name: await _candidate(
            label, deposit=deposit, answer=answer, piece_id=piece.id, favourable=favourable
        )
        for name, label in ((CANDIDATE_A, "ALPHA"), (CANDIDATE_B, "BRAVO"))
    }
    owned[STUDENT] = await _student()
    account, candidate = await new_candidate(last_name="NOUVEAU")
    owned[NEWCOMER] = Owned(account.id, candidate.id)
    staff = await _staff(campaign.code)
    return owned, centre.id, untouched.id, staff


async def empty_database() -> None:
    """What tests/fixtures/db.py's ``clean_tables`` does before each test."""
    forget_cached_offer()
    engine = engine_finder()
    names = _tables_children_first()
    if get_settings().is_sqlite:
        for name in names:
            await engine.run_ddl(f'DELETE FROM "{name}"')
    else:
        quoted = ", ".join(f'"{n}"' for n in names)
        await engine.run_ddl(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE")


async def plant_desk_session(http: httpx.AsyncClient, user_id: int) -> None:
    """Signed in to the review desk as staff user ``user_id`` without the sign-in form:
    the session ``app.review.auth.sign_in_staff`` leaves, in the store the desk reads
    (Piccolo's PBKDF2 makes the form cost ~0.3 s; the form has its own tests)."""
    session_id = secrets.token_hex(16)
    redis = redis_client(get_settings().redis_url)
    data = {STAFF_KEY: user_id, "signed_in_at": now().isoformat()}
    store = RedisStore(redis, namespace=SESSION_NAMESPACE)
    await store.set(session_id, json.dumps(data).encode(), expires_in=3600)
    await redis.aclose()
    http.cookies.delete(STAFF_COOKIE)
    http.cookies.set(STAFF_COOKIE, session_id, domain="testserver.local", path=STAFF_PATH)


async def sign_in_everyone(world: World) -> None:
    """The candidates signed in to the portal and the staff to the review desk again (a
    fresh planted session each: a test may have signed one out), everyone holding a
    portal CSRF token."""
    for actor in (*CANDIDATES, NEWCOMER):
        http = world.clients[actor]
        http.cookies.delete(SESSION_COOKIE)
        account = await CandidateAccount.objects().get(
            CandidateAccount.id == world.owned[actor].account_id
        )
        await plant_session(http, account)
    for actor in STAFF:
        await plant_desk_session(world.clients[actor], world.staff_user_ids[actor])
    for http in world.clients.values():
        await portal_token(http)


class SharedWorld:
    """One app served for a whole test module, and a world rebuilt only when a test
    changed it: building one takes about a second, most tests only read.

    ``current()`` compares the database with what it was when the world was built
    (``database_rows``): unchanged, the world is kept, its candidates signed in again
    and the rate-limit counters reset; changed (a POST that worked, or the per-test
    cleaning of tests/fixtures/db.py), everything is built anew.
    """

    def __init__(self, app: Litestar | None = None) -> None:
        self.app = app or create_app()
        self.world: World | None = None
        self.rows: dict | None = None
        self._serving = served(self.app)
        self._redis = redis_client(get_settings().redis_url)

    async def start(self) -> None:
        await self._serving.__aenter__()

    async def close(self) -> None:
        await self._close_clients()
        await self._serving.__aexit__(None, None, None)
        await self._redis.aclose()

    async def _close_clients(self) -> None:
        if self.world is not None:
            for http in self.world.clients.values():
                await http.aclose()
            self.world = None

    async def current(self) -> World:
        if self.world is None or await database_rows() != self.rows:
            await self.rebuild()
        else:
            await self.reset_rate_limits()
            await sign_in_everyone(self.world)
        return self.world

    async def reset_rate_limits(self) -> None:
        """Forget the abuse counters, so that a test may send the same form many times."""
        async for key in self._redis.scan_iter(match="ecesure:ratelimit:*"):
            await self._redis.delete(key)

    async def rebuild(self) -> None:
        await self._close_clients()
        await empty_database()
        await self._redis.flushdb()
        await install_default_templates()
        owned, centre_id, programme_id, staff = await build_objects()
        clients = {actor: new_client(self.app) for actor in (*ACTORS, NEWCOMER)}
        for actor in STAFF:
            await admin_login(clients[actor], staff[actor][0])
        self.world = World(
            self.app,
            clients,
            owned,
            centre_id,
            programme_id,
            staff_user_ids={actor: user_id for actor, (_, user_id) in staff.items()},
            strings={"message_id": sink_message(), "mail_code": "dev_test", "mail_language": "en"},
        )
        await sign_in_everyone(self.world)
        self.rows = await database_rows()
