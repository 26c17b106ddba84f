"""Fixtures of the security suite (tests/security): the world of actors and objects of
``tests/security/world.py``, shared by the tests of a module.

A module using ``world`` is fast when it overrides tests/fixtures/db.py's per-test
cleaning with a ``clean_tables`` fixture of its own doing nothing: the world then is
only rebuilt after a test that changed the database.
"""

from __future__ import annotations

import pytest

from tests.security.world import SharedWorld, World


@pytest.fixture(scope="module")
async def shared_world(database, refdata):
    holder = SharedWorld()
    await holder.start()
    yield holder
    await holder.close()


@pytest.fixture
async def world(shared_world) -> World:
    """Every actor with a client of its own on one app (see ``SharedWorld``)."""
    return await shared_world.current()


@pytest.fixture(autouse=True)
async def _empty_tables(clean_tables):
    """Every test here uses the database and starts from empty domain tables
    (tests/fixtures/db.py); a module may override ``clean_tables``."""
