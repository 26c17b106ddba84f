"""Defect 6, the class: every form the pages offer, posted with arbitrary text
(control characters, huge numbers, long strings, any Unicode), never answers a 500.
The forms are found by reading the pages, so a new form is fuzzed without an entry
here. Run on SQLite and on PostgreSQL (``DATABASE_URL``)."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.applications import lifecycle
from app.dossier import service
from app.refdata.load import load_reference_data
from tests.factories import make_campaign, make_required_piece
from tests.factories_dossier import make_complete_dossier, make_open_programme
from tests.fixtures.web import csrf_token
from tests.integration.test_dossier_support import new_candidate, plant_session

# Pages whose forms are fuzzed; {app}, {programme}, {internship} are filled in. The
# dossier's are read before the candidate applies (personal information locks then).
DOSSIER_PAGES = [
    "/compte/creer",
    "/compte/code-activation",
    "/compte/mot-de-passe-oublie",
    "/compte/identifiant-oublie",
    "/compte/adresse-mail",
    "/dossier/informations-personnelles",
    "/dossier/adresse",
    "/dossier/baccalaureat",
    "/dossier/cursus-externe/nouveau",
    "/dossier/stages/nouveau",
    "/dossier/stages",
    "/dossier/stages/{internship}",
    "/dossier/experiences/nouvelle",
]
APPLICATION_PAGES = [
    "/candidatures/{app}",
    "/candidatures/{app}/annuler",
    "/candidatures/nouvelle/{programme}",
]
SKIPPED_ACTIONS = {"/deconnexion"}  # would end the session the other forms need


class Forms(HTMLParser):
    """The POST forms of a page: action → {field: the value the page fills in}."""

    def __init__(self) -> None:
        super().__init__()
        self.found: dict[str, dict[str, str]] = {}
        self._form: dict[str, str] | None = None
        self._select = self._textarea = ""

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = {k: v or "" for k, v in attrs}
        name = a.get("name", "")
        if tag == "form" and a.get("method") == "post" and "multipart" not in a.get("enctype", ""):
            self._form = self.found.setdefault(a.get("action", ""), {})
        elif self._form is None or name == "_csrf_token":
            return
        elif tag == "input" and name:
            if a.get("type") not in ("radio", "checkbox") or "checked" in a:
                self._form[name] = a.get("value", "")
            else:
                self._form.setdefault(name, "")
        elif tag == "select":
            self._select = name
            self._form.setdefault(name, "")
        elif tag == "option" and self._select and ("selected" in a or not self._form[self._select]):
            self._form[self._select] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = name
            self._form[name] = ""

    def handle_data(self, data: str) -> None:
        if self._form is not None and self._textarea:
            self._form[self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = ""
        elif tag == "textarea":
            self._textarea = ""


TEXT = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(max_codepoint=0x9F), max_size=20),
    st.integers(min_value=-(2**80), max_value=2**80).map(str),
    st.sampled_from(["", " ", "\x00", "a\r\nb", "0000", "31/02/2004", "9" * 400, "é" * 600]),
)


@pytest.fixture(scope="module")
async def refdata(database):
    await load_reference_data()


async def _forms(http, pages: list[str], **urls) -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {}
    for template in pages:
        page = await http.get(template.format(**urls))
        assert page.status_code == 200, (template, page.status_code)
        parser = Forms()
        parser.feed(page.text)
        for action, values in parser.found.items():
            if action not in SKIPPED_ACTIONS:
                found.setdefault(action, values)
    return found


@pytest.fixture
async def forms(client, refdata, clock, mail_templates):
    campaign = await make_campaign()
    programme = await make_open_programme(campaign, [await make_required_piece(campaign)])
    other = await make_open_programme(campaign)
    account, _ = await new_candidate()
    await make_complete_dossier(account)
    internship = await service.add_internship(
        account_id=account.id,
        values={"year": 2025, "duration": "1 mois", "employer": "X", "description": "Y"},
    )
    await plant_session(client, account)
    found = await _forms(client, DOSSIER_PAGES, internship=internship)
    change = await lifecycle.apply(account_id=account.id, programme_id=programme.id)
    found |= await _forms(client, APPLICATION_PAGES, app=change.application_id, programme=other.id)
    actions = sorted(found)
    assert len(found) >= 17, actions
    assert "/dossier/informations-personnelles" in actions
    assert f"/candidatures/{change.application_id}/notes" in actions
    return sorted(found.items())


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
async def test_no_form_answers_500_whatever_is_typed(client, forms, data):
    """Each form is sent as its page fills it, with one field replaced, then with every
    field replaced: a bad value reaches the save as well as the checks."""
    token = await csrf_token(client)
    for action, filled in forms:
        names = sorted(filled)
        if not names:
            continue
        one = data.draw(st.sampled_from(names), label=f"{action} field")
        variants = [
            {**filled, one: data.draw(TEXT, label=f"{action} {one}")},
            {name: data.draw(TEXT, label=f"{action} {name}") for name in names},
        ]
        for values in variants:
            response = await client.post(action, data={**values, "_csrf_token": token})
            assert response.status_code < 500, (action, values, response.status_code)
