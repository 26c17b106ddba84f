"""Candidate sessions (issue 8): a new id at sign-in, nothing left at sign-out, every
other session ended by a password reset or an email change, and the cookies' flags in
development and with ``ENV=prod``.

Sessions live in Redis under ``ecesure:session:<id>``; the cookie holds the id only.
Sign-ins go through the real form (argon2 and all), as a browser does.
"""

from __future__ import annotations

import re
import secrets
from http.cookies import SimpleCookie

import pytest
from litestar.stores.redis import RedisStore

from app.asgi import CSRF_COOKIE, SESSION_COOKIE, create_app
from tests.integration.dossier_support import PASSWORD, new_candidate
from tests.security.production import PRODUCTION_BASE_URL, production_settings
from tests.security.world import new_client, portal_token, served

SESSION_KEYS = "ecesure:session:*"


@pytest.fixture
async def account(client, mail_templates):
    """A candidate with a password (the app is served by ``client``)."""
    account, _ = await new_candidate()
    return account


async def sign_in(http, account):
    token = await portal_token(http)
    response = await http.post(
        "/connexion",
        data={"identifier": account.email, "password": PASSWORD, "_csrf_token": token},
    )
    assert response.status_code == 303, response.text
    return response


async def signed_in(http) -> bool:
    """Whether this browser's session opens the dossier."""
    response = await http.get("/dossier")
    assert response.status_code in (200, 303)
    return response.status_code == 200


def set_cookie(response, name: str) -> dict[str, str]:
    """The attributes of the Set-Cookie header for ``name`` (lower-case keys; flags
    present map to "" or "true"), plus its ``value``."""
    for header in response.headers.get_list("set-cookie"):
        if header.startswith(f"{name}="):
            morsel = SimpleCookie(header)[name]
            flags = {key: str(value) for key, value in morsel.items() if value}
            for flag in ("httponly", "secure"):
                if re.search(rf";\s*{flag}\b", header, re.I):
                    flags[flag] = "true"
            return {"value": morsel.value, **flags}
    raise AssertionError(f"no Set-Cookie for {name}: {response.headers.get_list('set-cookie')}")


async def session_ids(redis) -> set[str]:
    return {key.decode().rsplit(":", 1)[-1] async for key in redis.scan_iter(match=SESSION_KEYS)}


# --- rotation, sign-out -----------------------------------------------------------------


async def test_sign_in_moves_to_a_new_session_id_and_the_planted_one_is_worthless(
    app, client, account, redis
):
    """Session fixation: a session id given to the victim before sign-in (a cookie set
    by a sibling site, a link...) must not become a signed-in session."""
    planted = secrets.token_hex(16)
    store = RedisStore(redis, namespace="ecesure:session")
    await store.set(planted, b'{"language": "fr"}', expires_in=3600)
    client.cookies.set(SESSION_COOKIE, planted, domain="testserver.local")

    response = await sign_in(client, account)
    fresh = set_cookie(response, SESSION_COOKIE)["value"]
    assert fresh != planted
    assert await session_ids(redis) == {fresh}  # the planted one is gone
    assert await signed_in(client)

    attacker = new_client(app)
    attacker.cookies.set(SESSION_COOKIE, planted, domain="testserver.local")
    try:
        assert not await signed_in(attacker)
    finally:
        await attacker.aclose()


async def test_two_sign_ins_get_two_ids(app, client, account, redis):
    other = new_client(app)
    try:
        first = set_cookie(await sign_in(client, account), SESSION_COOKIE)["value"]
        second = set_cookie(await sign_in(other, account), SESSION_COOKIE)["value"]
    finally:
        await other.aclose()
    assert first != second and len(first) >= 32
    assert await session_ids(redis) == {first, second}


async def test_sign_out_ends_the_session_and_the_old_cookie_no_longer_works(
    app, client, account, redis
):
    old = set_cookie(await sign_in(client, account), SESSION_COOKIE)["value"]
    token = await portal_token(client)
    response = await client.post("/deconnexion", data={"_csrf_token": token})
    assert response.status_code == 303
    assert set_cookie(response, SESSION_COOKIE)["value"] in ("", "null")
    assert old not in await session_ids(redis)
    assert not await signed_in(client)

    replay = new_client(app)
    replay.cookies.set(SESSION_COOKIE, old, domain="testserver.local")
    try:
        assert not await signed_in(replay)
    finally:
        await replay.aclose()


# --- password reset and email change end the other sessions ------------------------------


async def mailed_link(run_worker, smtp_sink, path: str) -> str:
    """Send the queued mails; the link of the last one whose path starts with ``path``."""
    await run_worker()
    body = smtp_sink.messages[-1].get_body(("plain",)).get_content()
    return re.search(rf"https?://[^/\s]+({re.escape(path)}[^\s)]+)", body).group(1)


async def test_a_password_reset_ends_every_session_of_the_account(
    app, client, account, run_worker, smtp_sink
):
    laptop, phone = client, new_client(app)
    try:
        await sign_in(laptop, account)
        await sign_in(phone, account)
        # Someone (the owner, from a third browser) resets the password by mail.
        browser = new_client(app)
        try:
            token = await portal_token(browser)
            await browser.post(
                "/compte/mot-de-passe-oublie", data={"email": account.email, "_csrf_token": token}
            )
            link = await mailed_link(run_worker, smtp_sink, "/compte/mot-de-passe/")
            new_password = "Nouveau-mdp-2026"
            done = await browser.post(
                link,
                data={
                    "password": new_password,
                    "password_confirm": new_password,
                    "_csrf_token": token,
                },
            )
            assert "Votre mot de passe a été modifié" in done.text
        finally:
            await browser.aclose()
        assert (await signed_in(laptop), await signed_in(phone)) == (False, False)
    finally:
        await phone.aclose()


async def test_an_email_change_ends_the_other_sessions(app, client, account, run_worker, smtp_sink):
    laptop, phone = client, new_client(app)
    try:
        await sign_in(laptop, account)
        await sign_in(phone, account)
        token = await portal_token(laptop)
        sent = await laptop.post(
            "/compte/adresse-mail", data={"email": "nouvelle@example.org", "_csrf_token": token}
        )
        assert sent.status_code == 200
        link = await mailed_link(run_worker, smtp_sink, "/compte/adresse-mail/")
        assert (await laptop.get(link)).status_code == 200
        assert not await signed_in(phone)
    finally:
        await phone.aclose()


# --- cookie flags -------------------------------------------------------------------------


def check_session_cookie(cookie: dict[str, str], *, secure: bool) -> None:
    assert cookie["httponly"] == "true"  # no script reads the session id
    assert cookie["samesite"].lower() == "lax"
    assert cookie["path"] == "/"
    assert ("secure" in cookie) is secure
    assert int(cookie["max-age"]) == 8 * 3600
    assert "domain" not in cookie  # host-only: not shared with sibling sub-domains


def check_csrf_cookie(cookie: dict[str, str], *, secure: bool) -> None:
    # A double-submit token: the pages carry it anyway (forms, hx-headers), so it is not
    # a secret a script could steal; what matters is that it stays on this site.
    assert cookie["samesite"].lower() == "lax"
    assert cookie["path"] == "/"
    assert ("secure" in cookie) is secure
    assert "domain" not in cookie


async def test_cookie_flags_in_development(client, account):
    home = await client.get("/")
    check_csrf_cookie(set_cookie(home, CSRF_COOKIE), secure=False)
    assert SESSION_COOKIE not in home.headers.get("set-cookie", "")  # none before sign-in
    check_session_cookie(set_cookie(await sign_in(client, account), SESSION_COOKIE), secure=False)


async def test_cookie_flags_in_production(redis, account):
    app = create_app(production_settings())
    async with served(app):
        http = new_client(app, base_url=PRODUCTION_BASE_URL)
        try:
            home = await http.get("/")
            assert home.status_code == 200
            check_csrf_cookie(set_cookie(home, CSRF_COOKIE), secure=True)
            response = await sign_in(http, account)
            check_session_cookie(set_cookie(response, SESSION_COOKIE), secure=True)
            assert await signed_in(http)
            out = await http.post("/deconnexion", data={"_csrf_token": await portal_token(http)})
            assert "secure" in set_cookie(out, SESSION_COOKIE)
        finally:
            await http.aclose()
