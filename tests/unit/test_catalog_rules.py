"""The offer's date rules as pure functions (``app.catalog.rules``)."""

from __future__ import annotations

from datetime import date

from app.catalog.rules import Violation, campaign_violations, programme_violations

PROGRAMME = {
    "deposit_start": date(2026, 3, 1),
    "deposit_end": date(2026, 5, 31),
    "return_date": date(2026, 6, 15),
    "jury_date": None,
    "publication_date": None,
    "confirmation_date": None,
    "confirmation_delay_days": None,
}


def test_a_campaign_in_order_passes_and_equal_days_are_allowed():
    assert campaign_violations({"start_date": date(2026, 1, 1), "end_date": date(2026, 1, 1)}) == []


def test_campaign_dates_out_of_order():
    found = campaign_violations(
        {
            "start_date": date(2026, 9, 1),
            "end_date": date(2026, 8, 31),
            "candidate_end_date": date(2026, 1, 15),
        }
    )
    assert found == [
        Violation("end_date", "la fin de la campagne (31/08/2026) précède son début (01/09/2026)."),
        Violation(
            "candidate_end_date",
            "la date limite des candidats (15/01/2026) précède le début de la campagne "
            "(01/09/2026).",
        ),
    ]


def test_a_programme_in_order_passes():
    complete = {
        **PROGRAMME,
        "jury_date": date(2026, 6, 20),
        "publication_date": date(2026, 6, 20),
        "confirmation_date": date(2026, 7, 1),
    }
    assert programme_violations(PROGRAMME) == []
    assert programme_violations(complete) == []


def test_programme_fields_left_empty_or_missing_are_not_compared():
    assert programme_violations({"deposit_end": date(2026, 1, 1)}) == []
    assert programme_violations({**PROGRAMME, "publication_date": date(2026, 1, 1)}) == []


def test_each_programme_rule_names_its_field():
    cases = {
        "deposit_end": {"deposit_end": date(2026, 2, 1), "return_date": date(2026, 2, 1)},
        "return_date": {"return_date": date(2026, 5, 30)},
        "publication_date": {"jury_date": date(2026, 7, 1), "publication_date": date(2026, 6, 1)},
        "confirmation_date": {
            "publication_date": date(2026, 7, 1),
            "confirmation_date": date(2026, 6, 30),
        },
        "confirmation_delay_days": {
            "confirmation_date": date(2026, 7, 10),
            "confirmation_delay_days": 0,
        },
    }
    for field, changes in cases.items():
        assert [v.field for v in programme_violations({**PROGRAMME, **changes})] == [field]
