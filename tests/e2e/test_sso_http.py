"""University sign-in over real HTTP (guide §02.2): uvicorn serves the portal and its
development CAS server; an httpx client with cookies plays the browser; the portal
validates the ticket with python-cas over HTTP against itself.

The server's BASE_URL is its own address (the service URL is part of the ticket).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta
from html import unescape

import httpx
import pytest

from app.accounts.contact_email import account_ready
from app.clock import now
from app.mail.sink import text_part
from app.tables.accounts import AccountToken, CandidateAccount
from app.tables.dossier import Baccalaureate, Candidate, InternalStudy
from app.tables.ops import AuditEvent
from tests.factories import make_account, make_campaign

LUCAS = ("lbernard", "Lucas-ecesure-2026")
CAMILLE = ("cmartin", "Camille-ecesure-2026")
CSRF_INPUT = re.compile(r'name="_csrf_token" value="([^"]+)"')
SERVICE_INPUT = re.compile(r'name="service" value="([^"]*)"')


@pytest.fixture(scope="module")
def sso_server(live_server) -> str:
    """The shared live server: its BASE_URL is its own address, as the ticket needs."""
    return live_server


@pytest.fixture
async def campaign(refdata, mail_templates, redis):
    return await make_campaign()


@pytest.fixture
async def browser(sso_server) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=sso_server, timeout=20) as client:
        yield client


def form_token(page: httpx.Response) -> str:
    return CSRF_INPUT.search(page.text).group(1)


async def sign_in_through_cas(http: httpx.AsyncClient, username: str, password: str):
    """Portal → CAS login form → credentials → back to the portal with a ticket.
    Returns the portal's answer to the ticket."""
    root = str(http.base_url).rstrip("/")
    start = await http.get("/universite/connexion")
    assert start.status_code == 303
    assert start.headers["location"].startswith(f"{root}/dev/cas/login?service=")
    form = await http.get(start.headers["location"])
    assert form.status_code == 200
    back = await http.post(
        "/dev/cas/login",
        data={
            "username": username,
            "password": password,
            "service": unescape(SERVICE_INPUT.search(form.text).group(1)),
            "_csrf_token": form_token(form),
        },
    )
    assert back.status_code == 303, back.text
    assert back.headers["location"].startswith(f"{root}/universite/retour?ticket=ST-")
    return await http.get(back.headers["location"])


async def account_of(cas_login: str) -> CandidateAccount:
    return await CandidateAccount.objects().get(CandidateAccount.cas_login == cas_login)


async def choose_email(http: httpx.AsyncClient, email: str) -> httpx.Response:
    page = await http.get("/universite/premiere-connexion")
    return await http.post(
        "/universite/premiere-connexion", data={"email": email, "_csrf_token": form_token(page)}
    )


# --- the whole journey ----------------------------------------------------------------------


async def test_first_sign_in_creates_the_dossier_then_the_email_is_confirmed(
    browser, campaign, smtp_sink, run_worker
):
    landing = await sign_in_through_cas(browser, *LUCAS)
    assert (landing.status_code, landing.headers["location"]) == (
        303,
        "/universite/premiere-connexion",
    )
    page = await browser.get("/universite/premiere-connexion")
    assert page.status_code == 200
    assert "BERNARD" in page.text and "Lucas" in page.text
    assert "02/11/2004" in page.text and "Albi" in page.text
    assert 'value="lucas.bernard@etu.univ-toulouse.example"' in page.text
    assert "vous pouvez la modifier" in page.text

    account = await account_of("lbernard")
    assert len(account.login) == 8 and account.login in page.text
    assert account.student_number == "22208764"
    assert account.campaign == campaign.id
    assert account.email == "lucas.bernard@etu.univ-toulouse.example"
    assert (account.password_hash, account.email_validated_at) == (None, None)
    assert account.activated_at is not None
    assert (account.last_name, account.first_name) == ("BERNARD", "Lucas")
    candidate = await Candidate.objects().get(Candidate.account == account.id)
    assert candidate.from_student_records is True
    assert candidate.birth_name == "BERNARD" and candidate.ine == "0812304598F"
    assert await Baccalaureate.exists().where(
        (Baccalaureate.candidate == candidate.id) & Baccalaureate.from_student_records.eq(True)
    )
    assert await InternalStudy.count().where(InternalStudy.candidate == candidate.id) == 4
    assert await AuditEvent.exists().where(
        (AuditEvent.action == "account_created_sso") & (AuditEvent.entity_id == account.id)
    )
    assert not await account_ready(account.id)

    sent = await choose_email(browser, "  Lucas.Bernard@Example.ORG ")
    assert (sent.status_code, sent.headers["location"]) == (303, "/universite/premiere-connexion")
    notice = await browser.get("/universite/premiere-connexion")
    assert "Consultez vos courriels pour valider votre adresse" in notice.text
    assert "lucas.bernard@example.org" in notice.text
    assert (await account_of("lbernard")).pending_email == "lucas.bernard@example.org"

    assert await run_worker() == 1  # the server queued the mail; no worker runs there
    [message] = smtp_sink.messages
    assert message["To"] == "lucas.bernard@example.org"
    body = text_part(message)
    assert account.login in body
    link = re.search(
        rf"{re.escape(str(browser.base_url).rstrip('/'))}/universite/adresse/\S+", body
    ).group()

    confirmed = await browser.get(link.rstrip(").,"))
    assert (confirmed.status_code, confirmed.headers["location"]) == (
        303,
        "/dossier?enregistre=adresse-mail",
    )
    account = await account_of("lbernard")
    assert account.email == "lucas.bernard@example.org"
    assert account.pending_email is None and account.email_validated_at is not None
    assert await account_ready(account.id)
    assert (await browser.get("/universite/premiere-connexion")).headers["location"] == "/dossier"

    # the dossier shows the identity from the student records, and it cannot be edited
    identity = await browser.get("/dossier/informations-personnelles")
    assert identity.status_code == 200
    html = unescape(identity.text)
    assert '<p class="locked-value">BERNARD</p>' in html
    assert "Donnée issue du logiciel de scolarité de l'université" in html
    assert 'name="birth_name"' not in html  # no input to type into
    token = CSRF_INPUT.search(identity.text).group(1)
    refused = await browser.post(
        "/dossier/informations-personnelles",
        data={"_csrf_token": token, "birth_name": "DURAND", "first_name": "Lucas"},
    )
    assert refused.status_code == 403
    candidate = await Candidate.objects().get(Candidate.account == account.id)
    assert candidate.birth_name == "BERNARD"


async def test_the_next_sign_in_goes_straight_to_the_dossier(sso_server, campaign):
    async with httpx.AsyncClient(base_url=sso_server) as first:
        await sign_in_through_cas(first, *CAMILLE)
    await CandidateAccount.update({CandidateAccount.email_validated_at: now()}).where(
        CandidateAccount.cas_login == "cmartin"
    )
    async with httpx.AsyncClient(base_url=sso_server) as second:
        landing = await sign_in_through_cas(second, *CAMILLE)
    assert (landing.status_code, landing.headers["location"]) == (303, "/dossier")
    assert await CandidateAccount.count() == 1
    assert await Candidate.count() == 1


# --- the email form ---------------------------------------------------------------------------


async def test_a_wrong_or_taken_address_is_refused_and_kept(browser, campaign):
    await make_account(campaign, email="pris@example.org")
    await sign_in_through_cas(browser, *CAMILLE)

    wrong = await choose_email(browser, "camille@")
    assert wrong.status_code == 200
    assert "L&#39;adresse mail n&#39;est pas valide" in wrong.text
    assert 'value="camille@"' in wrong.text and 'aria-invalid="true"' in wrong.text
    assert 'href="#email"' in wrong.text

    taken = await choose_email(browser, "Pris@Example.org")
    assert taken.status_code == 200
    assert "Cette adresse mail est déjà utilisée par un autre compte." in taken.text
    assert 'value="Pris@Example.org"' in taken.text
    assert (await account_of("cmartin")).pending_email is None


async def test_the_first_sign_in_page_needs_a_session(browser, campaign):
    response = await browser.get("/universite/premiere-connexion")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/connexion?suivant=")


# --- the validation link -------------------------------------------------------------------


async def link_sent(http: httpx.AsyncClient, smtp_sink, run_worker, email: str) -> str:
    await choose_email(http, email)
    await run_worker()
    text = text_part(smtp_sink.messages[-1])
    return re.search(r"/universite/adresse/[\w-]+", text).group()


async def test_a_link_followed_elsewhere_confirms_and_offers_to_sign_in(
    browser, sso_server, campaign, smtp_sink, run_worker
):
    await sign_in_through_cas(browser, *CAMILLE)
    link = await link_sent(browser, smtp_sink, run_worker, "camille@example.org")
    async with httpx.AsyncClient(base_url=sso_server) as webmail:
        for _ in range(2):  # a second click (or a mail scanner first) is no error
            page = await webmail.get(link)
            assert page.status_code == 200
            assert "Votre adresse mail est validée." in page.text
            assert 'href="/universite/connexion"' in page.text
    assert (await account_of("cmartin")).email == "camille@example.org"


async def test_an_expired_link_asks_for_a_new_one(browser, campaign, smtp_sink, run_worker):
    await sign_in_through_cas(browser, *CAMILLE)
    link = await link_sent(browser, smtp_sink, run_worker, "camille@example.org")
    await AccountToken.update({AccountToken.expires_at: now() - timedelta(minutes=1)}).where(
        AccountToken.used_at.is_null()
    )
    page = await browser.get(link)
    assert page.status_code == 400
    assert "Lien expiré" in page.text
    assert 'href="/universite/premiere-connexion"' in page.text
    assert (await account_of("cmartin")).email_validated_at is None


async def test_an_unknown_link_is_refused(browser, campaign):
    page = await browser.get("/universite/adresse/not-a-token")
    assert page.status_code == 400
    assert "Lien non valable" in page.text


# --- refusals at sign-in ----------------------------------------------------------------------


async def test_a_ticket_is_good_for_one_sign_in_only(browser, campaign):
    landing = await sign_in_through_cas(browser, *CAMILLE)
    replay = await browser.get(landing.request.url)
    assert replay.status_code == 400
    assert "Connexion interrompue" in replay.text


async def test_no_active_campaign_means_no_account(browser, refdata, redis):
    page = await sign_in_through_cas(browser, *CAMILLE)
    assert page.status_code == 409
    assert "Aucune campagne de césure n&#39;est ouverte pour le moment." in page.text
    assert await CandidateAccount.count() == 0


async def test_a_university_address_used_by_another_account_is_explained(browser, campaign):
    await make_account(campaign, email="camille.martin@etu.univ-toulouse.example")
    page = await sign_in_through_cas(browser, *CAMILLE)
    assert page.status_code == 409
    assert "Adresse mail déjà utilisée" in page.text
    assert not await CandidateAccount.exists().where(CandidateAccount.cas_login == "cmartin")
