"""Issue 15: the rows about an account are read from the foreign keys, so that a new
table is exported and purged without anyone remembering to; a table outside the walk
must be declared as holding nothing about a candidate."""

from __future__ import annotations

from app.ops.account_rows import NOT_ABOUT_CANDIDATES, rows_about, tables_about_candidates
from app.piccolo_app import TABLES


def test_every_table_is_about_candidates_or_declared_not_to_be():
    names = {table._meta.tablename for table in TABLES}
    reached = set(tables_about_candidates())
    assert names - reached - NOT_ABOUT_CANDIDATES == set(), "classify the new table"
    assert reached & NOT_ABOUT_CANDIDATES == set()
    assert names >= NOT_ABOUT_CANDIDATES  # no stale name


def test_the_walk_reaches_the_dossier_the_applications_and_what_they_point_at():
    assert tables_about_candidates() == [
        "candidate_account",
        "account_token",
        "address",
        "candidate",
        "baccalaureate",
        "prior_study",
        "internal_study",
        "internship",
        "work_experience",
        "duplicate_dismissal",
        "stored_file",
        "application",
        "submitted_piece",
        "decision",
        "note",
        "return_reminder",
        "issued_letter",
        "outbox_mail",
        "data_export",
    ]


def test_files_are_found_by_owner_and_through_the_pieces():
    sql = rows_about("SELECT 7")["stored_file"]
    assert sql.startswith("SELECT id FROM stored_file WHERE owner IN (SELECT 7)")
    assert "SELECT file FROM submitted_piece WHERE id IN (" in sql
    assert rows_about("SELECT 7")["address"].startswith("SELECT address FROM candidate")
