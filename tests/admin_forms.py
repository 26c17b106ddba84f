"""What the tests of the admin's forms share (issue 10, item 3): a client signed in as
the central office, posting a form as piccolo-admin's page does (JSON, CSRF header), and
reading the answer, the audit events and the outbox.

The ``admin`` fixture is bound to a name in each test module that uses it (``refdata``
and ``campaign`` come from tests/fixtures); the sign-in helpers are
tests/integration/test_admin.py's.
"""

from __future__ import annotations

import json

import pytest

from app.core.codes.mail import MailCode
from app.tables.mail import OutboxMail
from app.tables.ops import AuditEvent
from tests.integration.test_admin import admin_csrf_token, admin_login, admin_visitor, make_user


@pytest.fixture
async def admin(app, campaign):
    """A client signed in to the admin as the central office; ``admin.user_id``."""
    user = await make_user("scolarite")
    async with admin_visitor(app) as http:
        response = await admin_login(http, "scolarite")
        assert response.status_code == 200, response.text
        http.user_id = user.id
        yield http


async def post(http, slug: str, payload: dict):
    token = await admin_csrf_token(http)
    # json.dumps escapes what httpx's own encoding refuses (a lone surrogate)
    return await http.post(
        f"/admin/api/forms/{slug}/",
        content=json.dumps(payload),
        headers={"X-CSRFToken": token, "content-type": "application/json"},
    )


async def done(http, slug: str, payload: dict) -> str:
    response = await post(http, slug, payload)
    assert response.status_code == 200, response.text
    return response.json()["custom_form_success"]


async def refused(http, slug: str, payload: dict) -> str:
    response = await post(http, slug, payload)
    assert response.status_code == 422, response.text
    return response.json()["custom_form_error"]


async def events(action: str) -> list[dict]:
    rows = await AuditEvent.select().where(AuditEvent.action == action).order_by(AuditEvent.id)
    for row in rows:  # JSON text on SQLite
        if isinstance(row["data"], str):
            row["data"] = json.loads(row["data"])
    return rows


def by_admin(event: dict, http) -> bool:
    return event["actor_kind"] == "staff" and event["actor_id"] == http.user_id


async def queued_mails(code: MailCode) -> list[dict]:
    return await OutboxMail.select(OutboxMail.id, OutboxMail.to_address, OutboxMail.status).where(
        OutboxMail.template_code == code.value
    )


def name(account) -> str:
    return f"{account.last_name.upper()} {account.first_name} ({account.login})"
