"""Fixtures of the security suite (tests/security): the reference data, and the world of
actors and objects of ``tests/security/world.py``, shared by the tests of a module.

A module using ``world`` is fast when it overrides tests/fixtures/db.py's per-test
cleaning with a ``clean_tables`` fixture of its own doing nothing: the world then is
only rebuilt after a test that changed the database.
"""

from __future__ import annotations

import pytest

from app.refdata.load import load_reference_data
from tests.security.world import SharedWorld, World


@pytest.fixture(scope="module")
async def refdata(database):
    await load_reference_data()  # idempotent; the ref_* tables are kept between tests


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
