"""Building an ApplicationView from a row of the applications' select (read_model)."""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, date, datetime

import pytest

from app.applications.read_model import _APPLICATION_COLUMNS, application_view
from app.applications.views import ApplicationView
from app.core.codes.applications import Answer, DossierStatus, ProcessingType

ALIASES = re.findall(r"(?:\w+\.(\w+) AS (\w+)|a\.(\w+))", _APPLICATION_COLUMNS)


def select_row() -> dict:
    """A row as the select answers it (SQLite's booleans: 0/1)."""
    names = [alias or plain for _, alias, plain in ALIASES]
    row = {name: None for name in names}
    row.update(
        id=7,
        candidate=3,
        programme=5,
        status="RE",
        processing_type="AC",
        processing_type_validated=1,
        programme_active=1,
        waiting_list=0,
        alert_on_transmission=1,
        alert_on_cancellation=0,
        alert_on_withdrawal=0,
        answer="CF",
        return_date=date(2026, 6, 1),
        created_at=datetime(2026, 3, 1, 9, 0, tzinfo=UTC),
        commission_address_lines="1 allée\n Bât. B",
        commission_postal_code="31000",
        commission_city="Toulouse",
        programme_label="Médecine",
    )
    return row


def test_every_field_is_set_and_the_view_stays_frozen():
    view = application_view(select_row(), [])
    assert set(vars(view)) == {f.name for f in dataclasses.fields(ApplicationView)}
    assert (view.id, view.candidate_id, view.programme_id) == (7, 3, 5)
    assert view.status is DossierStatus.RECEIVED
    assert view.processing_type is ProcessingType.CONTROLLED
    assert view.answer is Answer.CONFIRMED
    assert (view.processing_type_validated, view.waiting_list) == (True, False)
    assert view.commission_address == "1 allée Bât. B 31000 Toulouse"
    assert view.centre_city == ""  # a NULL text reads as ""
    assert view.decision is None and view.decisions == ()
    assert view == ApplicationView(**vars(view))
    with pytest.raises(dataclasses.FrozenInstanceError):
        view.status = DossierStatus.COMPLETE


def test_the_current_decision_only_leaves_the_history_unread():
    assert application_view(select_row(), [], history_read=False).decisions is None


def test_a_column_missing_from_the_select_fails_loudly():
    row = select_row()
    del row["programme_label"]
    with pytest.raises(KeyError):
        application_view(row, [])
