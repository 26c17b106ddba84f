"""Shared helpers of the dossier tests (issue 4); no test lives here.

Most tests start signed in through a planted session (``plant_session``); one signs in
through the real form (``sign_in``), and so does the browser test.
"""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass
from functools import cache
from html import unescape

import httpx
from litestar.stores.redis import RedisStore

from app.accounts.auth import ACCOUNT_KEY
from app.accounts.passwords import hash_password
from app.asgi import SESSION_COOKIE
from app.clock import now
from app.core.codes.applications import ProcessingType
from app.settings import get_settings
from app.tables.accounts import CandidateAccount
from app.tables.applications import Application
from app.tables.catalog import Campaign
from app.tables.dossier import Candidate
from app.tables.refdata import BacSerie, Commune, Country, Departement, Lycee
from app.web.sessions import redis_client
from tests.factories import (
    make_account,
    make_campaign,
    make_centre,
    make_commission,
    make_programme,
)
from tests.fixtures.web import post_form

PASSWORD = "Dossier-ecesure-2026"
SESSION_NAMESPACE = "ecesure:session"  # app.asgi.create_app's session store


@cache
def password_hash() -> str:
    """argon2 is slow on purpose: hash once for the whole run."""
    return hash_password(PASSWORD)


@dataclass
class SignedIn:
    http: httpx.AsyncClient
    account: CandidateAccount
    candidate: Candidate


async def sign_in(http: httpx.AsyncClient, account: CandidateAccount) -> None:
    response = await post_form(
        http, "/connexion", {"identifier": account.email, "password": PASSWORD}
    )
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/dossier"


async def new_candidate(campaign=None, **account_values) -> tuple[CandidateAccount, Candidate]:
    """An account with its (empty) dossier, as sign-up leaves it; in the active
    campaign unless told otherwise."""
    if campaign is None:
        campaign = await Campaign.objects().get(Campaign.active.eq(True)) or await make_campaign()
    account = await make_account(campaign, password_hash=password_hash(), **account_values)
    candidate = Candidate(account=account.id, birth_name=account.last_name, first_name="Camille")
    await candidate.save()
    return account, candidate


async def plant_session(http: httpx.AsyncClient, account: CandidateAccount) -> None:
    """Signed in as ``account`` without the sign-in form: the session that a sign-in
    leaves, written where the app reads it. Verifying an argon2 hash takes tens of ms;
    the sign-in form itself is tested by the accounts tests and used by ``sign_in``."""
    session_id = secrets.token_hex(16)
    redis = redis_client(get_settings().redis_url)
    data = {ACCOUNT_KEY: account.id, "signed_in_at": now().isoformat()}
    store = RedisStore(redis, namespace=SESSION_NAMESPACE)
    await store.set(session_id, json.dumps(data).encode(), expires_in=3600)
    await redis.aclose()
    http.cookies.set(SESSION_COOKIE, session_id, domain="testserver.local")


async def new_signed_in(http: httpx.AsyncClient, **account_values) -> SignedIn:
    """A new candidate, signed in on ``http``. Test modules wrap it in a ``signed_in``
    fixture asking for ``refdata`` (tests/fixtures/refdata.py)."""
    account, candidate = await new_candidate(**account_values)
    await plant_session(http, account)
    return SignedIn(http, account, candidate)


async def make_application(candidate: Candidate, *, cancelled: bool = False) -> Application:
    account = await CandidateAccount.objects().get(CandidateAccount.id == candidate.account)
    programme = await make_programme(await make_commission(await make_centre(account.campaign)))
    application = Application(
        candidate=candidate.id,
        programme=programme.id,
        processing_type=ProcessingType.CONTROLLED.value,
    )
    if cancelled:
        application.cancelled_at = now()
    await application.save()
    return application


# --- reference rows ---------------------------------------------------------------


async def country_id(cog_code: str) -> int:
    return (await Country.select(Country.id).where(Country.cog_code == cog_code).first())["id"]


async def departement_id(code: str) -> int:
    row = await Departement.select(Departement.id).where(Departement.code == code).first()
    return row["id"]


async def commune_id(insee_code: str, kind: str = "commune-actuelle") -> int:
    row = (
        await Commune.select(Commune.id)
        .where((Commune.insee_code == insee_code) & (Commune.kind == kind))
        .first()
    )
    return row["id"]


async def serie_id(code: str) -> int:
    return (await BacSerie.select(BacSerie.id).where(BacSerie.code == code).first())["id"]


async def lycee_id(uai: str) -> int:
    return (await Lycee.select(Lycee.id).where(Lycee.uai == uai).first())["id"]


# --- reading pages ----------------------------------------------------------------


def error_messages(html: str) -> list[str]:
    """The messages of the error summary, in order."""
    summary = re.search(r'<div class="error-summary".*?</ul>', html, re.S)
    if summary is None:
        return []
    return [
        unescape(m) for m in re.findall(r'<li><a href="#[^"]+">(.*?)</a></li>', summary.group(0))
    ]


def options(html: str, select_name: str) -> list[tuple[str, str]]:
    """(value, label) of the options of one <select>, the empty one left out."""
    match = re.search(rf'<select id="{select_name}" name="{select_name}".*?</select>', html, re.S)
    assert match, f"no <select> {select_name}"
    found = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', match.group(0))
    return [(value, unescape(label)) for value, label in found if value]


def has_field(html: str, name: str) -> bool:
    return f'id="field-{name}"' in html
