"""Integration tests use the database: each one starts from empty domain tables."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
async def _empty_tables(clean_tables):
    """Every test here gets tests/fixtures/db.py's emptying (a module may override
    ``clean_tables``)."""
