"""The duplicate-search key ignores accents, case, hyphens and spacing (issue 15)."""

from __future__ import annotations

from datetime import date

from app.core.identity_key import identity_key, normalised_name

BORN = date(2007, 3, 15)


def test_accents_case_hyphens_and_spaces_do_not_count():
    assert normalised_name("  Éloïse-Marie  O'Brien ") == "eloise marie o brien"
    assert normalised_name("CŒUR") == "coeur"
    assert identity_key("MARTÍN", "Camille", BORN) == identity_key("martin", "CAMILLE", BORN)
    assert identity_key("MARTÍN", "Camille", BORN) == "martin|camille|2007-03-15"


def test_another_birth_date_or_name_is_another_key():
    assert identity_key("MARTIN", "Camille", BORN) != identity_key(
        "MARTIN", "Camille", date(2007, 3, 16)
    )
    assert identity_key("MARTIN", "Camille", BORN) != identity_key("MARTINE", "Camille", BORN)


def test_an_incomplete_identity_has_no_key():
    assert identity_key("", "Camille", BORN) is None
    assert identity_key("MARTIN", " - ", BORN) is None
    assert identity_key("MARTIN", "Camille", None) is None
