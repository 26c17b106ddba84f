"""The development CAS server speaks CAS 3.0: login form, one-time service tickets bound
to their service, the XML validation answers python-cas parses, logout.

Plus the portal's own first step: /universite/connexion sends the browser there.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit
from xml.etree import ElementTree

from cas import CASClientV3

from app.accounts.cas_client import CAS_NAMESPACE, login_url, service_url
from app.accounts.dev_cas import TICKET_KEY, TICKET_TTL_SECONDS
from tests.fixtures.web import BASE_URL, post_form

SERVICE = f"{BASE_URL}/universite/retour"
NS = {"cas": CAS_NAMESPACE}


async def log_in(client, username="cmartin", password="Camille-ecesure-2026", service=SERVICE):
    return await post_form(
        client,
        "/dev/cas/login",
        {"username": username, "password": password, "service": service},
    )


async def ticket_for(client, **kwargs) -> str:
    response = await log_in(client, **kwargs)
    assert response.status_code == 303, response.text
    return parse_qs(urlsplit(response.headers["location"]).query)["ticket"][0]


async def validate(client, ticket: str, service: str = SERVICE, version: str = "p3/"):
    response = await client.get(
        f"/dev/cas/{version}serviceValidate", params={"service": service, "ticket": ticket}
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/xml")
    return response


def failure_code(response) -> str | None:
    failure = ElementTree.fromstring(response.content).find("cas:authenticationFailure", NS)
    return None if failure is None else failure.get("code")


# --- login ---------------------------------------------------------------------------


async def test_the_login_form_is_a_french_accessible_page(client):
    response = await client.get("/dev/cas/login", params={"service": SERVICE})
    assert response.status_code == 200
    page = response.text
    assert '<html lang="fr">' in page
    assert "Entrez votre identifiant et votre mot de passe." in page
    assert '<label for="username">Identifiant' in page
    assert '<label for="password">Mot de passe' in page
    assert 'autocomplete="current-password"' in page
    assert f'name="service" value="{SERVICE}"' in page
    assert 'name="_csrf_token"' in page


async def test_a_wrong_password_is_refused_in_french_and_keeps_the_username(client, redis):
    response = await log_in(client, password="not-the-password")
    assert response.status_code == 200
    page = response.text
    assert "Identifiant ou mot de passe incorrect." in page
    assert 'class="error-summary"' in page and 'href="#password"' in page
    assert 'id="username" name="username" value="cmartin"' in page
    assert 'aria-invalid="true" aria-describedby="password-erreur"' in page
    assert "not-the-password" not in page
    assert await redis.keys(f"{TICKET_KEY}*") == []


async def test_an_unknown_user_gets_the_same_answer(client):
    response = await log_in(client, username="nobody", password="Camille-ecesure-2026")
    assert response.status_code == 200
    assert "Identifiant ou mot de passe incorrect." in response.text


async def test_empty_fields_are_named(client):
    response = await log_in(client, username=" ", password="")
    assert "Saisissez votre identifiant." in response.text
    assert "Saisissez votre mot de passe." in response.text


async def test_the_good_password_sends_back_to_the_service_with_a_ticket(client, redis):
    response = await log_in(client)
    assert response.status_code == 303
    location = response.headers["location"]
    assert location.startswith(f"{SERVICE}?ticket=ST-")
    ticket = parse_qs(urlsplit(location).query)["ticket"][0]
    assert 0 < await redis.ttl(f"{TICKET_KEY}{ticket}") <= TICKET_TTL_SECONDS


async def test_the_service_query_is_kept_and_the_ticket_appended(client):
    service = f"{BASE_URL}/universite/retour?lang=fr"
    response = await log_in(client, service=service)
    assert response.headers["location"].startswith(f"{service}&ticket=ST-")


async def test_the_form_needs_the_csrf_token(client):
    response = await client.post(
        "/dev/cas/login",
        data={"username": "cmartin", "password": "Camille-ecesure-2026", "service": SERVICE},
    )
    assert response.status_code == 403


async def test_tickets_only_go_to_the_portals_own_pages(client):
    response = await client.get("/dev/cas/login", params={"service": "https://evil.example/"})
    assert response.status_code == 403
    assert "Application non autorisée" in response.text
    response = await log_in(client, service="https://evil.example/")
    assert response.status_code == 403


async def test_gateway_returns_without_a_ticket(client):
    response = await client.get("/dev/cas/login", params={"service": SERVICE, "gateway": "true"})
    assert response.status_code == 303
    assert response.headers["location"] == SERVICE


async def test_a_login_without_service_just_says_so(client):
    response = await log_in(client, service="")
    assert response.status_code == 200
    assert "en tant que cmartin" in response.text


# --- validation ------------------------------------------------------------------------


async def test_a_ticket_validates_once_with_the_students_attributes(client):
    ticket = await ticket_for(client)
    response = await validate(client, ticket)
    success = ElementTree.fromstring(response.content).find("cas:authenticationSuccess", NS)
    assert success.findtext("cas:user", namespaces=NS) == "cmartin"
    attributes = {
        element.tag.split("}")[1]: element.text for element in success.find("cas:attributes", NS)
    }
    assert attributes == {
        "supannEtuId": "22512345",
        "mail": "camille.martin@etu.univ-toulouse.example",
        "givenName": "Camille",
        "sn": "MARTIN",
    }
    # python-cas, the portal's client, reads the same answer.
    user, parsed, _ = CASClientV3.verify_response(response.content)
    assert (user, parsed["supannEtuId"]) == ("cmartin", "22512345")

    again = await validate(client, ticket)
    assert failure_code(again) == "INVALID_TICKET"


async def test_the_cas2_endpoint_answers_too(client):
    ticket = await ticket_for(client, username="ihaddad", password="Ines-ecesure-2026")
    response = await validate(client, ticket, version="")
    assert b"<cas:user>ihaddad</cas:user>" in response.content


async def test_a_ticket_for_another_service_is_refused_and_burned(client):
    ticket = await ticket_for(client)
    response = await validate(client, ticket, service=f"{BASE_URL}/autre")
    assert failure_code(response) == "INVALID_SERVICE"
    assert failure_code(await validate(client, ticket)) == "INVALID_TICKET"


async def test_unknown_and_malformed_requests(client):
    assert failure_code(await validate(client, "ST-unknown")) == "INVALID_TICKET"
    assert failure_code(await validate(client, "PT-123")) == "INVALID_TICKET_SPEC"
    response = await client.get("/dev/cas/p3/serviceValidate", params={"ticket": "ST-1"})
    assert failure_code(response) == "INVALID_REQUEST"


# --- logout, production ------------------------------------------------------------------


async def test_logout_returns_to_the_service_or_says_so(client):
    response = await client.get("/dev/cas/logout", params={"service": f"{BASE_URL}/"})
    assert (response.status_code, response.headers["location"]) == (303, f"{BASE_URL}/")
    response = await client.get("/dev/cas/logout")
    assert "Vous êtes déconnecté du service" in response.text


async def test_the_dev_server_does_not_answer_in_production(client, settings_override):
    assert settings_override(ENV="prod").env == "prod"
    response = await client.get("/dev/cas/login", headers={"accept": "text/html"})
    assert response.status_code == 404


# --- the portal's side -------------------------------------------------------------------


async def test_university_sign_in_starts_at_the_cas_login(client):
    response = await client.get("/universite/connexion")
    assert response.status_code == 303
    assert response.headers["location"] == login_url()
    parts = urlsplit(login_url())
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == f"{BASE_URL}/dev/cas/login"
    assert parse_qs(parts.query) == {"service": [service_url()]}


async def test_a_boosted_link_is_told_to_navigate(client):
    response = await client.get("/universite/connexion", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.headers["hx-redirect"] == login_url()


async def test_the_return_without_a_valid_ticket_offers_to_start_again(client):
    response = await client.get("/universite/retour")
    assert response.status_code == 400
    assert "Connexion interrompue" in response.text
    assert 'href="/universite/connexion"' in response.text
