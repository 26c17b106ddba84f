"""Issue 8, defect 13, university sign-in (CAS), over real HTTP: uvicorn serves the
portal and its development CAS server (tests/e2e/conftest.py's ``live_server``).

- Login CSRF: a browser signed in to one account that opens someone else's ticket
  callback is not switched to that account (our choice: refused with 409, the page
  names the account still signed in and offers to sign out; the ticket is spent).
- Sign-out of a student signed in through CAS goes on to the CAS server's logout,
  which returns to the portal's home page.
"""

from __future__ import annotations

from urllib.parse import quote

import httpx
import pytest

from app.accounts.passwords import hash_password
from app.clock import now
from app.tables.accounts import CandidateAccount
from tests.e2e.conftest import delete_children_first, live_server  # noqa: F401  (fixtures)
from tests.e2e.test_sso_http import CAMILLE, LUCAS, SERVICE_INPUT, form_token
from tests.factories import make_account, make_campaign

PASSWORD = "Motdepasse-2026"


@pytest.fixture
async def campaign(refdata, mail_templates, redis):
    return await make_campaign()


@pytest.fixture
def portal(request) -> str:
    """The live server's base URL."""
    return request.getfixturevalue("live_server")


@pytest.fixture
async def browser(portal) -> httpx.AsyncClient:
    async with httpx.AsyncClient(base_url=portal, timeout=20) as http:
        yield http


async def ticket_url(http: httpx.AsyncClient, username: str, password: str) -> str:
    """Log in at the CAS server and return the portal URL carrying the ticket,
    without following it."""
    start = await http.get("/universite/connexion")
    form = await http.get(start.headers["location"])
    back = await http.post(
        "/dev/cas/login",
        data={
            "username": username,
            "password": password,
            "service": SERVICE_INPUT.search(form.text).group(1).replace("&amp;", "&"),
            "_csrf_token": form_token(form),
        },
    )
    assert back.status_code == 303
    return back.headers["location"]


async def sign_in_with_password(http: httpx.AsyncClient, account) -> None:
    page = await http.get("/connexion")
    response = await http.post(
        "/connexion",
        data={
            "identifier": account.login,
            "password": PASSWORD,
            "_csrf_token": form_token(page),
        },
    )
    assert response.status_code == 303


async def test_a_signed_in_user_opening_another_students_ticket_is_not_switched(
    browser, portal, campaign
):
    victim = await make_account(campaign, password_hash=hash_password(PASSWORD))
    await sign_in_with_password(browser, victim)
    cookie = browser.cookies.get("ecesure_session")

    async with httpx.AsyncClient(base_url=portal, timeout=20) as attacker:
        planted = await ticket_url(attacker, *LUCAS)

    answer = await browser.get(planted)
    assert answer.status_code == 409
    assert "Vous êtes déjà connecté·e" in answer.text
    assert victim.login in answer.text
    assert 'action="/deconnexion"' in answer.text
    assert browser.cookies.get("ecesure_session") == cookie
    # still the victim's own session: the email page answers, the SSO pages do not
    assert (await browser.get("/compte/adresse-mail")).status_code == 200
    first = await browser.get("/universite/premiere-connexion")
    assert (first.status_code, first.headers["location"]) == (303, "/dossier")


async def test_signing_in_again_as_the_same_student_is_fine(browser, campaign):
    await browser.get(await ticket_url(browser, *CAMILLE))
    await CandidateAccount.update({CandidateAccount.email_validated_at: now()}).where(
        CandidateAccount.cas_login == "cmartin"
    )
    again = await browser.get(await ticket_url(browser, *CAMILLE))
    assert (again.status_code, again.headers["location"]) == (303, "/dossier")


async def test_sign_out_of_a_cas_student_goes_to_the_cas_logout(browser, portal, campaign):
    await browser.get(await ticket_url(browser, *CAMILLE))
    page = await browser.get("/universite/premiere-connexion")
    out = await browser.post("/deconnexion", data={"_csrf_token": form_token(page)})
    home = f"{portal}/"
    assert out.status_code == 303
    assert out.headers["location"] == f"{portal}/dev/cas/logout?service={quote(home, safe='')}"
    assert (await browser.get("/universite/premiere-connexion")).status_code == 303  # signed out

    back = await browser.get(out.headers["location"])
    assert (back.status_code, back.headers["location"]) == (303, home)


async def test_a_boosted_sign_out_is_told_to_navigate_to_the_cas_logout(browser, portal, campaign):
    await browser.get(await ticket_url(browser, *CAMILLE))
    page = await browser.get("/universite/premiere-connexion")
    out = await browser.post(
        "/deconnexion", data={"_csrf_token": form_token(page)}, headers={"HX-Request": "true"}
    )
    assert out.status_code == 200
    assert out.headers["hx-redirect"].startswith(f"{portal}/dev/cas/logout?service=")


async def test_sign_out_of_a_password_account_stays_on_the_portal(browser, campaign):
    account = await make_account(campaign, password_hash=hash_password(PASSWORD))
    await sign_in_with_password(browser, account)
    page = await browser.get("/compte/adresse-mail")
    out = await browser.post("/deconnexion", data={"_csrf_token": form_token(page)})
    assert (out.status_code, out.headers["location"]) == (303, "/")
