"""How the identity page says what is locked (issue 14, item 12): a drawn lock (no
emoji) with a text alternative beside each locked field, and each reason once: at the
top of the page when an application froze everything, else once in each section that
holds locked fields."""

from __future__ import annotations

import re

import pytest

from app.dossier.locks import application_reason, records_reason
from app.tables.dossier import Candidate
from tests.integration.dossier_support import make_application, new_signed_in
from tests.integration.test_application_pages import text_of

IDENTITY = "/dossier/informations-personnelles"
LOCK_MARK = "(non modifiable)"


def sections(html: str) -> dict[str, str]:
    """The visible text of each <fieldset> of the page, by its legend."""
    found = {}
    for body in re.findall(r"<fieldset class=\"group\".*?</fieldset>", html, re.S):
        legend = text_of(re.search(r"<legend>(.*?)</legend>", body, re.S).group(1))
        found[legend] = text_of(body)
    return found


@pytest.fixture
async def signed_in(client, database):
    return await new_signed_in(client)


async def test_an_application_s_lock_is_said_once_at_the_top(signed_in, clock, refdata):
    await make_application(signed_in.candidate)

    page = await signed_in.http.get(IDENTITY)

    shown = text_of(page.text)
    assert shown.count(application_reason()) == 1
    assert shown.index(application_reason()) < shown.index("Nationalité et INE")
    locked_fields = page.text.count('class="field field-locked"')
    # every identity field shown; no birth country yet: France's département and commune
    assert locked_fields == 13
    assert shown.count(LOCK_MARK) == locked_fields
    assert "🔒" not in page.text
    assert page.text.count('<svg class="icon icon-lock"') == locked_fields + 1  # the notice
    assert page.text.count('aria-hidden="true" focusable="false"') == locked_fields + 1


async def test_the_records_lock_is_said_once_in_each_section_it_touches(signed_in, clock, refdata):
    await Candidate.update({Candidate.from_student_records: True}).where(
        Candidate.id == signed_in.candidate.id
    )

    page = await signed_in.http.get(IDENTITY)

    said = {legend: text.count(records_reason()) for legend, text in sections(page.text).items()}
    assert said == {
        "Nationalité et INE": 0,  # empty in the records: the student fills them in
        "État civil": 1,
        "Lieu de naissance": 1,
        "Téléphones": 0,
    }
    marks = {legend: text.count(LOCK_MARK) for legend, text in sections(page.text).items()}
    assert marks == {
        "Nationalité et INE": 0,
        "État civil": 6,
        "Lieu de naissance": 3,  # no country yet: France's département and commune under it
        "Téléphones": 0,
    }
