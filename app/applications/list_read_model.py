"""The candidate's "Mes candidatures" as plain SQL: what its table shows, not whole
application views. Converting and copying the 72 columns of five views was a quarter of
the page's CPU (issue 13's profile); this select has 29. Nothing here writes."""

from __future__ import annotations

from app.applications.read_model import (
    CURRENT_DECISION_JOIN,
    CURRENT_DECISION_SELECT,
    LIVE_OF_ACCOUNT,
    current_decision_of,
)
from app.sql import ReadStatement

_LIST_ROWS = ReadStatement(f"""
SELECT a.id, a.status, a.processing_type, a.processing_type_validated,
  a.return_date_override, a.cancelled_at, a.answer, a.answered_by,
  acc.first_name AS first_name, acc.last_name AS last_name, acc.login AS login,
  p.label AS programme_label, p.return_date AS return_date, ce.label AS centre_label,
  {CURRENT_DECISION_SELECT}
FROM application a
JOIN candidate c ON c.id = a.candidate
JOIN candidate_account acc ON acc.id = c.account
JOIN programme p ON p.id = a.programme
JOIN commission co ON co.id = p.commission
JOIN centre ce ON ce.id = co.centre
{CURRENT_DECISION_JOIN}
WHERE {LIVE_OF_ACCOUNT} ORDER BY a.id
""")


async def live_list_rows(account_id: int) -> list[dict]:
    """The account's live applications, oldest first: ``id``, ``status``,
    ``processing_type``, ``processing_type_validated``, ``return_date_override``,
    ``return_date``, ``cancelled_at``, ``answer``, ``answered_by``, ``programme_label``,
    ``centre_label``, the account's ``first_name``, ``last_name`` and ``login``, and
    ``decision`` (the current one, or None)."""
    rows = await _LIST_ROWS.rows(account_id)
    for row in rows:
        row["decision"] = current_decision_of(row)
    return rows


_ACCOUNT_NAMES = ReadStatement(
    "SELECT first_name, last_name, login FROM candidate_account WHERE id = {}"
)


async def account_names(account_id: int) -> dict | None:
    rows = await _ACCOUNT_NAMES.rows(account_id)
    return rows[0] if rows else None
