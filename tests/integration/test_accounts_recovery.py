"""Recovery (guide §03), email change and abuse limits (the CSRF checks of every route
are in tests/security/test_csrf_every_route.py)."""

from __future__ import annotations

import re

import pytest

from app.accounts.passwords import hash_password, verify_password
from app.clock import now
from app.tables.accounts import CandidateAccount
from tests.factories import make_account, make_campaign
from tests.fixtures.web import post_form

PASSWORD = "Ancien-mdp-2026"


@pytest.fixture
async def account(mail_templates):
    campaign = await make_campaign(active=True)
    return await make_account(
        campaign,
        email="known@example.fr",
        password_hash=hash_password(PASSWORD),
        activated_at=now(),
    )


def first_link(message) -> str:
    body = message.get_body(("plain",)).get_content()
    return re.search(r"http://testserver\.local(/[^\s)]+)", body).group(1)


@pytest.mark.parametrize(
    "path", ["/compte/mot-de-passe-oublie", "/compte/identifiant-oublie", "/compte/code-activation"]
)
async def test_answer_is_byte_identical_for_known_and_unknown_addresses(client, account, path):
    known = await post_form(client, path, {"email": "known@example.fr"})
    unknown = await post_form(client, path, {"email": "nobody@example.fr"})
    assert known.status_code == unknown.status_code == 200
    assert known.content == unknown.content
    assert known.headers.get("set-cookie") == unknown.headers.get("set-cookie")


async def test_password_reset_by_link_then_link_is_dead(client, account, smtp_sink, run_worker):
    await post_form(client, "/compte/mot-de-passe-oublie", {"email": "KNOWN@example.fr"})
    await run_worker()
    [mail] = smtp_sink.messages
    assert mail["Subject"] == "eCésure : nouveau mot de passe"
    link = first_link(mail)
    form = await client.get(link)
    assert 'name="password"' in form.text
    assert "sa longueur minimum est de 10 caractères" in form.text  # the rule, stated
    weak = await post_form(client, link, {"password": "faible", "password_confirm": "faible"})
    assert "au moins 10 caractères" in weak.text
    done = await post_form(
        client, link, {"password": "Nouveau-mdp-2026", "password_confirm": "Nouveau-mdp-2026"}
    )
    assert "Votre mot de passe a été modifié" in done.text
    await account.refresh()
    assert verify_password(account.password_hash, "Nouveau-mdp-2026")
    again = await client.get(link)
    assert "Ce lien n'est plus valable" in again.text


async def test_reset_link_expires_after_two_hours(client, account, smtp_sink, run_worker, clock):
    from datetime import timedelta

    await post_form(client, "/compte/mot-de-passe-oublie", {"email": "known@example.fr"})
    await run_worker()
    link = first_link(smtp_sink.messages[0])
    clock.shift(timedelta(hours=2, seconds=1))
    refused = await post_form(
        client, link, {"password": "Nouveau-mdp-2026", "password_confirm": "Nouveau-mdp-2026"}
    )
    assert "Ce lien n'est plus valable" in refused.text
    await account.refresh()
    assert verify_password(account.password_hash, PASSWORD)


async def test_forgotten_login_is_mailed(client, account, smtp_sink, run_worker):
    await post_form(client, "/compte/identifiant-oublie", {"email": "known@example.fr"})
    await run_worker()
    [mail] = smtp_sink.messages
    assert mail["Subject"] == "eCésure : votre identifiant"
    assert account.login in mail.get_body(("plain",)).get_content()


async def test_email_change_needs_the_link_and_tells_the_old_address(
    client, account, smtp_sink, run_worker
):
    await post_form(client, "/connexion", {"identifier": account.login, "password": PASSWORD})
    form = await client.get("/compte/adresse-mail")
    # Guide §02.1, word for word: changing the account signs you out.
    assert (
        "Attention, lorsque vous aurez modifié votre compte, vous serez déconnecté. Vous "
        "devrez consulter vos courriels pour valider votre adresse, puis vous pourrez vous "
        "reconnecter."
    ) in form.text
    sent = await post_form(client, "/compte/adresse-mail", {"email": "New@Example.fr"})
    assert "Un lien de validation a été envoyé à new@example.fr" in sent.text
    assert (
        "Vous avez été déconnecté. Consultez vos courriels pour valider votre adresse, "
        "puis reconnectez-vous."
    ) in sent.text
    assert 'name="email"' not in sent.text  # no form to post while signed out
    signed_out = await client.get("/dossier")
    assert signed_out.status_code == 303
    assert signed_out.headers["location"] == "/connexion?suivant=/dossier"
    await account.refresh()
    assert (account.email, account.pending_email) == ("known@example.fr", "new@example.fr")
    await run_worker()
    [link_mail] = smtp_sink.messages
    assert link_mail["To"] == "new@example.fr"
    smtp_sink.clear()
    confirmed = await client.get(first_link(link_mail))
    assert "Votre nouvelle adresse mail est validée" in confirmed.text
    await account.refresh()
    assert (account.email, account.pending_email) == ("new@example.fr", None)
    await run_worker()
    [notice] = smtp_sink.messages
    assert notice["To"] == "known@example.fr"
    assert "new@example.fr" in notice.get_body(("plain",)).get_content()


async def test_email_change_requires_sign_in(client):
    response = await client.get("/compte/adresse-mail")
    assert response.status_code == 303
    assert response.headers["location"] == "/connexion?suivant=/compte/adresse-mail"


async def test_sign_in_is_rate_limited_per_account_with_retry_after(client, account, clock):
    for _ in range(10):
        response = await post_form(
            client, "/connexion", {"identifier": account.login, "password": "Faux-2026xx"}
        )
        assert response.status_code == 200
    blocked = await post_form(
        client, "/connexion", {"identifier": account.login, "password": PASSWORD}
    )
    assert blocked.status_code == 429
    assert 0 < int(blocked.headers["retry-after"]) <= 900
    assert "Trop de tentatives" in blocked.text
    assert (await CandidateAccount.objects().first()).last_login_at is None
