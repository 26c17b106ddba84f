"""Defect 3 of issue 8: password and token hashes (and mail bodies, which carry single-use
links) never come out of the admin API: not in rows, not through chosen or joined
fields, not by filtering, matching or sorting on them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from piccolo.apps.user.tables import BaseUser
from piccolo.columns import ForeignKey

from app.backoffice.admin import table_configs
from app.clock import now
from app.core.codes.staff import StaffRole
from app.piccolo_app import TABLES
from app.tables.accounts import AccountToken
from app.tables.mail import OutboxMail
from tests.integration.test_admin import (
    admin_login,
    admin_visitor,
    make_application_rows,
    make_user,
)

PASSWORD_HASH = "$argon2id$v=19$m=65536,t=3,p=4$c2VjcmV0c2FsdA$SECRET-PASSWORD-HASH"
TOKEN_HASH = "5ec7e7" + "ab" * 29
MAIL_TOKEN = "SECRET-ACTIVATION-TOKEN"
SECRET_VALUES = (PASSWORD_HASH, "SECRET-PASSWORD-HASH", TOKEN_HASH, MAIL_TOKEN)

SECRETLY_NAMED = ("password", "hash", "token", "ticket", "secret")


def secret_columns() -> list[tuple[str, str]]:
    """(table, column) of every secret column the admin reaches, piccolo's users included."""
    return [
        (config.table_class._meta.tablename, column._meta.name)
        for config in table_configs()
        for column in config.table_class._meta.columns
        if column._meta.secret
    ]


def joined_secret_paths() -> list[tuple[str, str]]:
    """(table, "fk.column") for every secret column one foreign key away."""
    return [
        (config.table_class._meta.tablename, f"{column._meta.name}.{target._meta.name}")
        for config in table_configs()
        for column in config.table_class._meta.columns
        if isinstance(column, ForeignKey)
        for target in column._foreign_key_meta.resolved_references._meta.columns
        if target._meta.secret
    ]


def test_every_column_named_like_a_secret_is_secret():
    """A new hash, token or password column must be marked secret to pass."""
    named = [
        (table._meta.tablename, column._meta.name)
        for table in (*TABLES, BaseUser)
        for column in table._meta.columns
        if any(word in column._meta.name for word in SECRETLY_NAMED)
    ]
    # tables outside the admin (data_export) are checked on their own columns
    marked = set(secret_columns()) | {
        (table._meta.tablename, column._meta.name)
        for table in TABLES
        for column in table._meta.columns
        if column._meta.secret
    }
    assert named and all(entry in marked for entry in named), named


def test_the_known_secrets_are_marked():
    assert {
        ("candidate_account", "password_hash"),
        ("account_token", "token_hash"),
        ("outbox_mail", "html"),
        ("outbox_mail", "text"),
        ("piccolo_user", "password"),
    } <= set(secret_columns())
    assert ("account_token", "account.password_hash") in joined_secret_paths()


@pytest.fixture
async def secrets_stored():
    rows = await make_application_rows()
    account = rows["account"]
    await (
        type(account)
        .update({type(account).password_hash: PASSWORD_HASH})
        .where(type(account).id == account.id)
    )
    await AccountToken.insert(
        AccountToken(
            account=account.id,
            purpose="activation",
            token_hash=TOKEN_HASH,
            expires_at=now() + timedelta(days=1),
        )
    )
    await OutboxMail.insert(
        OutboxMail(
            to_address=account.email,
            subject="Activez votre compte",
            html=f'<a href="http://x/compte/activer/{MAIL_TOKEN}">activer</a>',
            text=f"http://x/compte/activer/{MAIL_TOKEN}",
            template_code="account_created",
            account=account.id,
        )
    )
    return rows


@pytest.fixture(params=[StaffRole.CENTRAL_OFFICE, StaffRole.TECH_ADMIN], ids=str)
async def staff(app, request):
    """Signed in as one of the two roles that enter the admin; the administrator is a
    superuser."""
    superuser = request.param is StaffRole.TECH_ADMIN
    await make_user("personnel", role=request.param, superuser=superuser)
    async with admin_visitor(app) as http:
        assert (await admin_login(http, "personnel")).status_code == 200
        yield http


def assert_no_secret(text: str) -> None:
    for value in SECRET_VALUES:
        assert value not in text


async def test_rows_never_carry_secret_columns(staff, secrets_stored):
    for table, column in secret_columns():
        listing = await staff.get(f"/admin/api/tables/{table}/?__readable=true")
        assert listing.status_code == 200, table
        assert_no_secret(listing.text)
        # piccolo-api's response model keeps the key, always empty.
        for row in listing.json()["rows"]:
            assert row.get(column) is None
            single = await staff.get(f"/admin/api/tables/{table}/{row['id']}/")
            assert single.status_code == 200
            assert single.json().get(column) is None
            assert_no_secret(single.text)


async def test_parameters_naming_a_secret_column_are_refused(staff, secrets_stored):
    """Chosen fields, filters (each match and operator) and sorting: an oracle each."""
    for table, column in [*secret_columns(), *joined_secret_paths()]:
        base = f"/admin/api/tables/{table}"
        listing = await staff.get(f"{base}/")
        assert listing.status_code == 200, table
        single = [
            f"{base}/{row['id']}/?__visible_fields=id,{column}" for row in listing.json()["rows"]
        ]
        for path in (
            *single,
            f"{base}/?__visible_fields=id,{column}",
            f"{base}/?__order={column}",
            f"{base}/?__order=id,-{column}",
            f"{base}/?{column}=%24argon2",
            f"{base}/?{column}=5ec7e7&{column}__match=starts",
            f"{base}/?{column}=x&{column}__operator=gte",
            f"{base}/?{column}__operator=is_null",
            f"{base}/count/?{column}=5ec7e7&{column}__match=starts",
            f"{base}/ids/?{column}=5ec7e7",
        ):
            response = await staff.get(path)
            assert response.status_code == 400, (path, response.status_code, response.text)
            assert "donnée secrète" in response.json()["detail"], path
            assert_no_secret(response.text)


async def test_ordinary_parameters_still_work(staff, secrets_stored):
    response = await staff.get(
        "/admin/api/tables/candidate_account/?__visible_fields=id,login&__order=-login"
        "&login=AB12&login__match=starts"
    )
    assert response.status_code == 200
    assert [row["login"] for row in response.json()["rows"]] == ["AB12CD34"]


async def test_tables_of_sessions_and_migrations_are_not_served(staff):
    """Admin sessions hold their token in clear: piccolo's own table stays out."""
    for table in ("sessions", "migration"):
        response = await staff.get(f"/admin/api/tables/{table}/")
        assert response.status_code == 404, table
