"""The review desk tests share the reference data (loaded once per module), the mail
templates and the test clock."""

from __future__ import annotations

import pytest

from app.refdata.load import load_reference_data


@pytest.fixture(scope="module")
async def refdata(database):
    await load_reference_data()


@pytest.fixture(autouse=True)
async def desk_world(refdata, mail_templates, clock):
    yield
