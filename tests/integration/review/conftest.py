"""The review desk tests share the reference data (loaded once per module), the mail
templates and the test clock."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
async def desk_world(refdata, mail_templates, clock):
    yield
