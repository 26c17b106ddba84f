"""Issue 3 over HTTP, as a new user would: sign up, activate by mail, sign in, sign out."""

from __future__ import annotations

import re

import pytest

from app.tables.accounts import AccountToken, CandidateAccount, DossierNumberHistory
from app.tables.dossier import Candidate
from app.tables.ops import AuditEvent
from tests.factories import make_campaign
from tests.fixtures.web import post_form

PASSWORD = "Motdepasse-2026"

SIGNUP = {
    "last_name": "  Dupont ",
    "first_name": " Léa ",
    "email": "Lea.Dupont@Example.fr",
    "email_confirm": "lea.dupont@example.fr",
    "password": PASSWORD,
    "password_confirm": PASSWORD,
}


@pytest.fixture
async def campaign(mail_templates):
    return await make_campaign(active=True, label_fr="Campagne eCesure 2026/2027")


def link_in(message, path: str) -> str:
    body = message.get_body(("plain",)).get_content()
    return re.search(rf"http://testserver\.local({re.escape(path)}[A-Za-z0-9_\-]+)", body).group(1)


async def test_sign_up_activate_sign_in_sign_out(client, campaign, smtp_sink, run_worker):
    response = await post_form(client, "/compte/creer", SIGNUP)
    assert response.status_code == 303
    assert response.headers["location"] == "/compte/cree"
    done = await client.get("/compte/cree")
    assert "Votre compte a été créé avec succès" in done.text

    account = await CandidateAccount.objects().first()
    assert (account.last_name, account.first_name, account.email) == (
        "DUPONT",
        "Léa",
        "lea.dupont@example.fr",
    )
    assert re.fullmatch(r"[0-9A-Z]{8}", account.login)
    assert account.activated_at is None and account.purge_after is not None
    assert await DossierNumberHistory.exists().where(DossierNumberHistory.login == account.login)
    assert await Candidate.count().where(Candidate.account == account.id) == 1

    assert await run_worker() == 1
    [mail] = smtp_sink.messages
    assert mail["To"] == "lea.dupont@example.fr"
    assert mail["Subject"] == "eCésure : création de votre compte"
    text = mail.get_body(("plain",)).get_content()
    assert f"Login : {account.login}" in text
    assert "Campagne eCesure 2026/2027" in text
    assert "avant le " in text

    # not activated yet: sign-in is refused and says how to activate
    refused = await post_form(
        client, "/connexion", {"identifier": account.login, "password": PASSWORD}
    )
    assert "pas encore validé" in refused.text

    activation = await client.get(link_in(mail, "/compte/activer/"))
    assert activation.status_code == 200
    assert "Votre compte a été validé" in activation.text
    assert account.login in activation.text
    await account.refresh()
    assert account.activated_at is not None and account.purge_after is None

    await post_form(client, "/deconnexion", {})
    for identifier in (account.login.lower(), "LEA.DUPONT@example.fr"):
        signed_in = await post_form(
            client, "/connexion", {"identifier": identifier, "password": PASSWORD}
        )
        assert signed_in.status_code == 303
        assert signed_in.headers["location"] == "/dossier"
        assert "Se déconnecter" in (await client.get("/")).text
        signed_out = await post_form(client, "/deconnexion", {})
        assert signed_out.status_code == 303
        assert "Se connecter" in (await client.get("/")).text

    actions = [
        row["action"] for row in await AuditEvent.select(AuditEvent.action).order_by(AuditEvent.id)
    ]
    assert actions == ["account_created", "account_activated"]


async def test_sign_up_states_the_password_rule_above_the_password(client, campaign):
    page = (await client.get("/compte/creer")).text
    rules = page.index('<div class="password-rules" id="regles-mot-de-passe">')
    assert rules < page.index('name="password"')
    block = page[rules : page.index("</div>", rules)]
    assert "Informations mot de passe" in block
    assert block.count("<li>") == 3
    assert "un caractère spécial (@ # $ % ^ & + = - ! *)" in block


async def test_sign_in_rotates_the_session_id(client, campaign):
    from app.accounts.passwords import hash_password
    from app.clock import now
    from tests.factories import make_account

    account = await make_account(
        campaign, password_hash=hash_password(PASSWORD), activated_at=now()
    )
    await client.get("/connexion")
    client.cookies.set("ecesure_session", "a" * 64, domain="testserver.local")  # planted
    response = await post_form(
        client, "/connexion", {"identifier": account.login, "password": PASSWORD}
    )
    assert response.status_code == 303
    new_id = client.cookies.get("ecesure_session", domain="testserver.local")
    assert new_id != "a" * 64 and len(new_id) == 64


async def test_wrong_password_and_unknown_account_get_the_same_answer(client, campaign):
    from app.accounts.passwords import hash_password
    from app.clock import now
    from tests.factories import make_account

    account = await make_account(
        campaign, password_hash=hash_password(PASSWORD), activated_at=now()
    )
    wrong = await post_form(
        client, "/connexion", {"identifier": account.login, "password": "Nope-2026xx"}
    )
    unknown = await post_form(
        client, "/connexion", {"identifier": "ZZZZZZZZ", "password": "Nope-2026xx"}
    )
    assert wrong.status_code == unknown.status_code == 200
    message = "Numéro de dossier, adresse mail ou mot de passe incorrect."
    assert message in wrong.text and message in unknown.text
    assert 'value="' + account.login + '"' in wrong.text  # the typed login is kept


async def test_activation_link_is_single_use_and_dies_when_a_new_one_is_sent(
    client, campaign, smtp_sink, run_worker
):
    await post_form(client, "/compte/creer", SIGNUP)
    await post_form(client, "/compte/code-activation", {"email": "lea.dupont@example.fr"})
    await run_worker()
    # The worker sends both mails at once: tell them apart by subject, not by order.
    by_subject = {m["Subject"]: m for m in smtp_sink.messages}
    assert sorted(by_subject) == [
        "eCésure : création de votre compte",
        "eCésure : nouveau lien d'activation",
    ]
    first = by_subject["eCésure : création de votre compte"]
    second = by_subject["eCésure : nouveau lien d'activation"]
    old = await client.get(link_in(first, "/compte/activer/"))
    assert "n'est plus valable" in old.text
    assert (await CandidateAccount.objects().first()).activated_at is None
    assert (
        "Votre compte a été validé" in (await client.get(link_in(second, "/compte/activer/"))).text
    )
    assert await AccountToken.count().where(AccountToken.used_at.is_null()) == 0


async def test_purge_job_destroys_unactivated_account_and_its_link(
    client, campaign, smtp_sink, run_worker, clock
):
    from datetime import timedelta

    from app.tables.mail import OutboxMail
    from workers.accounts import purge_accounts

    await post_form(client, "/compte/creer", SIGNUP)
    await run_worker()
    [mail] = smtp_sink.messages
    account = await CandidateAccount.objects().first()

    clock.shift(timedelta(days=5) - timedelta(minutes=1))
    assert await purge_accounts({}) == 0
    clock.shift(timedelta(minutes=2))
    assert await purge_accounts({}) == 1

    assert await CandidateAccount.count() == 0
    assert await Candidate.count() == 0
    assert await AccountToken.count() == 0
    assert await OutboxMail.count() == 0
    assert await DossierNumberHistory.exists().where(DossierNumberHistory.login == account.login)
    page = await client.get(link_in(mail, "/compte/activer/"))
    assert "le compte n'existe plus" in page.text


async def test_email_must_be_unique_ignoring_case(client, campaign):
    await post_form(client, "/compte/creer", SIGNUP)
    again = await post_form(
        client,
        "/compte/creer",
        {**SIGNUP, "email": "LEA.DUPONT@EXAMPLE.FR", "email_confirm": "LEA.DUPONT@EXAMPLE.FR"},
    )
    assert again.status_code == 200
    assert "Cette adresse mail est déjà utilisée par un autre compte." in again.text
    assert await CandidateAccount.count() == 1
