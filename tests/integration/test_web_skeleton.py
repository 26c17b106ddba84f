"""The web skeleton: pages, health, headers, errors, language, CSRF, admin mount."""

from __future__ import annotations

from tests.fixtures.web import post_form


async def test_healthz_answers_ok(client):
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readyz_is_ready_with_database_and_redis(client):
    response = await client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_home_without_campaign_says_so_in_french(client):
    response = await client.get("/")
    assert response.status_code == 200
    assert "Aucune campagne ouverte" in response.text
    assert '<html lang="fr">' in response.text


async def test_security_headers_on_pages(client):
    response = await client.get("/")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("style-src")[0]
    assert "frame-ancestors 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"


async def test_unknown_page_is_a_french_404(client):
    response = await client.get("/nulle-part", headers={"accept": "text/html"})
    assert response.status_code == 404
    assert "Page introuvable" in response.text


async def test_static_files_have_cache_headers(client):
    response = await client.get("/static/css/app.css")
    assert response.status_code == 200
    assert "max-age=3600" in response.headers["cache-control"]


async def test_language_switch_to_english_and_back(client):
    response = await post_form(client, "/langue", {"language": "en", "next": "/"})
    assert response.status_code == 303
    assert response.headers["location"] == "/"
    page = await client.get("/")
    assert '<html lang="en">' in page.text
    assert "No campaign open" in page.text
    await post_form(client, "/langue", {"language": "fr", "next": "/"})
    assert "Aucune campagne ouverte" in (await client.get("/")).text


async def test_language_switch_refuses_open_redirect(client):
    response = await post_form(client, "/langue", {"language": "en", "next": "//evil.example"})
    assert response.headers["location"] == "/"


async def test_post_without_csrf_token_is_refused(client):
    await client.get("/")
    response = await client.post("/langue", data={"language": "en"})
    assert response.status_code == 403
    assert "ecesure_lang" not in client.cookies


async def test_admin_without_slash_redirects_to_admin_with_slash(client):
    response = await client.get("/admin")
    assert response.status_code == 308
    assert response.headers["location"] == "/admin/"
