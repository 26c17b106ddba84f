"""Integration tests use the database: each one starts from empty domain tables. Also
the fixtures several modules here share."""

from __future__ import annotations

import pytest

from tests.integration.dossier_support import new_signed_in


@pytest.fixture(autouse=True)
async def _empty_tables(clean_tables):
    """Every test here gets tests/fixtures/db.py's emptying (a module may override
    ``clean_tables``)."""


@pytest.fixture
async def signed_in(client, refdata):
    """A new candidate signed in on ``client`` (``SignedIn``: http, account, candidate)."""
    return await new_signed_in(client)
