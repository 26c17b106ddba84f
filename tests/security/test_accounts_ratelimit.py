"""Issue 8, defect 13: rate-limit counters.

- The counter's INCR and its expiry were two commands: a failure in between left a
  counter without expiry, locking the identity out for good. They now run in one
  MULTI/EXEC, which also gives any such leftover counter its expiry back.
- The dossier number and the email of one account counted as two identities for
  sign-in attempts (twice the tries); attempts now count per account.
"""

from __future__ import annotations

import pytest

from app.accounts.passwords import hash_password
from tests.factories import make_account, make_campaign
from tests.fixtures.web import post_form

PASSWORD = "Motdepasse-2026"
WRONG = "Faux-mdp-2026x"


@pytest.fixture
async def account():
    campaign = await make_campaign(active=True)
    return await make_account(
        campaign, email="lea@example.fr", password_hash=hash_password(PASSWORD)
    )


async def counter_keys(redis) -> list[bytes]:
    return [key async for key in redis.scan_iter("ecesure:ratelimit:*")]


async def test_every_counter_expires_with_its_window(client, account, redis, clock):
    await post_form(client, "/connexion", {"identifier": account.login, "password": WRONG})
    keys = await counter_keys(redis)
    assert len(keys) == 2  # the IP and the account
    for key in keys:
        assert 0 < await redis.ttl(key) <= 900 + 1


async def test_a_counter_left_without_expiry_gets_one_back(client, account, redis, clock):
    import time

    window_start = int(time.time()) // 900 * 900
    stuck = f"ecesure:ratelimit:signin:ip:127.0.0.1:{window_start}"
    await redis.set(stuck, 1)  # as a crash between INCR and EXPIRE left it
    assert await redis.ttl(stuck) == -1

    await post_form(client, "/connexion", {"identifier": account.login, "password": WRONG})
    assert int(await redis.get(stuck)) == 2
    assert 0 < await redis.ttl(stuck) <= 900 + 1


async def test_dossier_number_and_email_share_one_count(client, account):
    identifiers = [account.login, "LEA@example.fr", account.login.lower(), " lea@example.fr "]
    for n in range(10):
        response = await post_form(
            client, "/connexion", {"identifier": identifiers[n % 4], "password": WRONG}
        )
        assert response.status_code == 200
    blocked = await post_form(
        client, "/connexion", {"identifier": "lea@example.fr", "password": PASSWORD}
    )
    assert blocked.status_code == 429
    assert "Trop de tentatives" in blocked.text
    await account.refresh()
    assert account.last_login_at is None


async def test_unknown_identifiers_count_as_typed_normalised(client, account):
    for n in range(10):
        typed = "Nobody@Example.fr" if n % 2 else "nobody@example.fr "
        response = await post_form(client, "/connexion", {"identifier": typed, "password": WRONG})
        assert response.status_code == 200
    blocked = await post_form(
        client, "/connexion", {"identifier": "NOBODY@example.fr", "password": WRONG}
    )
    assert blocked.status_code == 429
    # another identity is not affected
    ok = await post_form(client, "/connexion", {"identifier": account.login, "password": WRONG})
    assert ok.status_code == 200
