""" "Mes messages" (issue 11 item 5): the candidate's own mails, one mail's text, and
sending one again to the account's current address."""

from __future__ import annotations

import pytest

from app.core.codes.mail import MailCode, MailStatus
from app.mail.outbox import queue_mail
from app.messages.candidate_mails import PAGE_SIZE
from app.messages.resend import MAIL_RESENT
from app.tables.mail import OutboxMail
from app.tables.ops import AuditEvent
from tests.fixtures.web import csrf_token
from tests.integration.dossier_support import new_candidate, plant_session

pytestmark = pytest.mark.usefixtures("mail_templates")


async def _mail(account, code=MailCode.DEV_TEST, *, to=None, status=MailStatus.SENT, **kw):
    """A mail of ``account`` (to ``to`` rather than its address when given)."""
    mail_id = await queue_mail(
        to=to or account.email, code=code, context={"name": "Camille", **kw}, account_id=account.id
    )
    await OutboxMail.update({OutboxMail.status: status.value}).where(OutboxMail.id == mail_id)
    return mail_id


async def test_the_list_holds_only_the_accounts_mails_newest_first(client):
    account, _ = await new_candidate()
    other, _ = await new_candidate()
    first = await _mail(account)
    second = await _mail(
        account,
        MailCode.LOGIN_REMINDER,
        sign_in_url="https://x/connexion",
        first_name="C",
        last_name="M",
        login="L1",
    )
    theirs = await _mail(other)
    # a mail to a commission address about one of the account's applications: no account
    staff = await queue_mail(
        to="commission@univ.example.fr", code=MailCode.DEV_TEST, context={"name": "Commission"}
    )
    await plant_session(client, account)

    page = await client.get("/messages")

    assert page.status_code == 200
    html = page.text
    assert f'href="/messages/{second}"' in html and f'href="/messages/{first}"' in html
    assert html.index(f"/messages/{second}") < html.index(f"/messages/{first}")
    assert f"/messages/{theirs}" not in html and f'/messages/{staff}"' not in html
    assert 'href="/messages" aria-current="page"' in html  # the navigation's link


async def test_the_list_is_paged(client):
    account, _ = await new_candidate()
    ids = [await _mail(account) for _ in range(PAGE_SIZE + 1)]
    await plant_session(client, account)

    first = await client.get("/messages")
    second = await client.get("/messages?page=2")
    beyond = await client.get("/messages?page=999999999999")

    assert f'/messages/{ids[0]}"' not in first.text and "?page=2" in first.text
    assert f'/messages/{ids[0]}"' in second.text and f'/messages/{ids[1]}"' not in second.text
    assert beyond.status_code == 200 and f'/messages/{ids[0]}"' in beyond.text


async def test_a_mail_shows_its_text_part_escaped_never_its_html(client):
    account, _ = await new_candidate()
    mail_id = await _mail(account, name="<script>alert(1)</script>")
    await plant_session(client, account)

    page = await client.get(f"/messages/{mail_id}")

    assert page.status_code == 200
    assert '<pre class="mail-text">' in page.text
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text


async def test_a_mail_with_a_single_use_link_is_listed_but_its_body_hidden(client):
    account, _ = await new_candidate()
    mail_id = await _mail(
        account,
        MailCode.PASSWORD_RESET,
        reset_url="https://x/compte/mot-de-passe/SECRET",
        hours=2,
        first_name="C",
        last_name="M",
        login="L1",
    )
    await plant_session(client, account)

    page = await client.get(f"/messages/{mail_id}")

    assert page.status_code == 200 and "SECRET" not in page.text
    assert "lien à usage unique" in page.text


@pytest.mark.parametrize("bad", ["0", "-1", str(2**31), str(2**64)])
async def test_someone_elses_or_impossible_ids_are_404(client, bad):
    account, _ = await new_candidate()
    other, _ = await new_candidate()
    theirs = await _mail(other)
    await plant_session(client, account)

    assert (await client.get(f"/messages/{theirs}")).status_code == 404
    assert (await client.get(f"/messages/{bad}")).status_code == 404
    token = await csrf_token(client, "/messages")
    answer = await client.post(f"/messages/{theirs}/renvoyer", data={"_csrf_token": token})
    assert answer.status_code == 404
    row = await OutboxMail.select(OutboxMail.status).where(OutboxMail.id == theirs).first()
    assert row["status"] == MailStatus.SENT.value


async def test_resending_queues_the_mail_to_the_current_address_and_audits_it(client):
    account, _ = await new_candidate()
    mail_id = await _mail(account, to="old@example.org")
    await plant_session(client, account)
    token = await csrf_token(client, f"/messages/{mail_id}")

    answer = await client.post(f"/messages/{mail_id}/renvoyer", data={"_csrf_token": token})

    assert answer.status_code == 303
    assert answer.headers["location"] == f"/messages/{mail_id}?fait=renvoye"
    row = await OutboxMail.select().where(OutboxMail.id == mail_id).first()
    assert (row["status"], row["to_address"], row["attempts"]) == ("queued", account.email, 0)
    events = await AuditEvent.select().where(AuditEvent.action == MAIL_RESENT)
    assert len(events) == 1
    assert (events[0]["actor_kind"], events[0]["actor_id"]) == ("candidate", account.id)
    page = await client.get(answer.headers["location"])
    assert "Le message va vous être renvoyé" in page.text


async def test_a_mail_on_its_way_is_not_resent(client):
    account, _ = await new_candidate()
    mail_id = await _mail(account, status=MailStatus.QUEUED)
    await plant_session(client, account)
    token = await csrf_token(client, f"/messages/{mail_id}")

    answer = await client.post(f"/messages/{mail_id}/renvoyer", data={"_csrf_token": token})

    assert answer.headers["location"] == f"/messages/{mail_id}?refus=on_its_way"
    assert await AuditEvent.count().where(AuditEvent.action == MAIL_RESENT) == 0
    page = await client.get(answer.headers["location"])
    assert "déjà en cours" in page.text


async def test_resending_is_rate_limited(client, clock):
    account, _ = await new_candidate()
    mail_id = await _mail(account)
    await plant_session(client, account)
    token = await csrf_token(client, f"/messages/{mail_id}")

    answers = [
        (await client.post(f"/messages/{mail_id}/renvoyer", data={"_csrf_token": token}))
        for _ in range(6)
    ]

    assert [a.status_code for a in answers] == [303] * 5 + [429]


async def test_resending_without_csrf_is_refused(client):
    account, _ = await new_candidate()
    mail_id = await _mail(account)
    await plant_session(client, account)

    answer = await client.post(f"/messages/{mail_id}/renvoyer", data={})

    assert answer.status_code == 403
    row = await OutboxMail.select(OutboxMail.status).where(OutboxMail.id == mail_id).first()
    assert row["status"] == MailStatus.SENT.value


async def test_anonymous_visitors_are_sent_to_sign_in(client):
    answer = await client.get("/messages")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/connexion?suivant=/messages"
