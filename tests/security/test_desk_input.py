"""The review desk's application forms refuse a field holding control characters
(issue 8's rule, on the desk of issue 9).

``read_form`` keeps such a field without those characters and records a message on
it; the desk's actions used to read the cleaned value and act on it (a note with a NUL
byte was saved without it, a date or a status "CO\\x01" was applied). Now the page
comes back (422) with the message, and nothing is written.
"""

from __future__ import annotations

import pytest

from app.web.forms import control_characters_message
from tests.security.snapshot import changed_tables, database_rows
from tests.security.world import CANDIDATE_A, CENTRAL_OFFICE, portal_token


@pytest.fixture
def clean_tables():
    """Overrides tests/fixtures/db.py's: the world is kept while no test changes it
    (see ``tests.security.world.SharedWorld``)."""


# action → (which of A's applications, the form); {piece} and {decision} are A's.
ACTIONS = {
    "notes": ("application", {"note": "Bonjour\x00"}),
    "pieces/{piece}/statut": (
        "application",
        {"statut": "RE", "commentaire-{piece}": "Illisible\x07"},
    ),
    "statut": ("application", {"statut": "CO\x01"}),
    "date-retour": ("application", {"date-retour": "01/09/2027\x00"}),
    "date-confirmation": ("application", {"date-confirmation": "\x1b01/09/2027"}),
    "decision/valider": ("decided", {"decision": "{decision}\x7f"}),
}


@pytest.mark.parametrize("action", list(ACTIONS))
async def test_a_desk_action_with_control_characters_is_refused_and_writes_nothing(world, action):
    a = world.owned[CANDIDATE_A]
    which, fields = ACTIONS[action]
    names = {"piece": a.piece, "decision": a.decision}
    data = {name.format(**names): value.format(**names) for name, value in fields.items()}
    http = world.client(CENTRAL_OFFICE)
    before = await database_rows()
    response = await http.post(
        f"/staff/candidatures/{getattr(a, which)}/{action.format(**names)}",
        data={**data, "_csrf_token": await portal_token(http)},
    )
    assert response.status_code == 422
    assert control_characters_message() in response.text.replace("&#39;", "'")
    assert changed_tables(before, await database_rows()) == []
