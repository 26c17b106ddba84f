"""The SQL parts of the review desk's queue; ``queue_query`` assembles them.

The count and the page's ids start from ``application a`` alone and add only the
joins that their filters and sort name; the member's scope and the campaign are a
semi-join on the programmes (a hundred rows), not three joins over every application.
The page's 50 rows are then read by id with every column (``COLUMNS`` + ``FROM``).
"""

from __future__ import annotations

FROM_SCOPE = """
FROM application a
JOIN programme p ON p.id = a.programme
JOIN commission cm ON cm.id = p.commission
JOIN centre ce ON ce.id = cm.centre
"""
JOIN_PROGRAMME = """
JOIN programme p ON p.id = a.programme
"""
JOIN_CANDIDATE = """
JOIN candidate c ON c.id = a.candidate
"""
JOIN_ACCOUNT = """
JOIN candidate_account acc ON acc.id = c.account
"""
JOIN_NATIONALITY = """
LEFT JOIN ref_country nat ON nat.id = c.nationality
"""
JOIN_BAC = """
LEFT JOIN baccalaureate bac ON bac.candidate = c.id
"""
# The current decision: a column of the application, kept by the functions that write
# decisions (app.applications.latest_decision). Finding the latest row per application
# cost half a second over a campaign of 100,000, per row or grouped.
JOIN_DECISION = """
LEFT JOIN decision d ON d.id = a.current_decision
LEFT JOIN decision_type dt ON dt.id = d.decision_type
"""
FROM = FROM_SCOPE + JOIN_CANDIDATE + JOIN_ACCOUNT + JOIN_NATIONALITY + JOIN_BAC + JOIN_DECISION


def in_scope(conditions: str) -> str:
    """The applications of the programmes meeting ``conditions`` (on ``qp``, ``qcm``
    and ``qce``: programme, commission, centre)."""
    return (
        "a.programme IN (SELECT qp.id FROM programme qp"
        " JOIN commission qcm ON qcm.id = qp.commission"
        f" JOIN centre qce ON qce.id = qcm.centre WHERE {conditions})"
    )


# Kept by app.applications.piece_counter with each change of the pieces.
PIECES_TO_REVIEW = "a.pieces_to_review"

# Each LIKE served by a trigram index on PostgreSQL (migration 2026-11-30T12:00:01):
# the candidates found first, from two tables, then their applications.
SEARCH = (
    "a.candidate IN (SELECT sc.id FROM candidate sc WHERE lower(sc.birth_name) LIKE {}"
    " OR lower(sc.usual_name) LIKE {} OR lower(sc.first_name) LIKE {}"
    " OR lower(COALESCE(sc.ine, '')) LIKE {}"
    " UNION SELECT sc.id FROM candidate sc"
    " JOIN candidate_account sacc ON sacc.id = sc.account WHERE lower(sacc.login) LIKE {})"
)

COLUMNS = f"""
SELECT a.id, acc.login, c.birth_name, c.usual_name, c.first_name, c.birth_date, c.ine,
  nat.nationality_fr, COALESCE(nat.nationality_en, nat.name_en) AS nationality_en, bac.year AS bac_year,
  p.id AS programme_id, p.label AS programme, ce.label AS centre,
  a.transmitted_at, a.status, a.answer, a.processing_type, a.processing_type_validated,
  {PIECES_TO_REVIEW} AS pieces_to_review,
  d.id AS decision_id, d.validated AS decision_validated, dt.verdict AS verdict,
  dt.label_fr AS decision_label_fr, dt.label_en AS decision_label_en
"""

SORTS = {
    "dossier": ("acc.login",),
    "nom": ("lower(COALESCE(NULLIF(c.usual_name, ''), c.birth_name))", "lower(c.first_name)"),
    "naissance": ("c.birth_date",),
    "nationalite": ("nat.nationality_fr",),
    "bac": ("bac.year",),
    "formation": ("p.label",),
    "transmission": ("a.transmitted_at",),
    "statut": ("a.status",),
    "pieces": (PIECES_TO_REVIEW,),
    "decision": ("dt.verdict",),
}
# The joins each sort needs, in FROM order (the filters add theirs).
SORT_JOINS = {
    "dossier": (JOIN_CANDIDATE, JOIN_ACCOUNT),
    "nom": (JOIN_CANDIDATE,),
    "naissance": (JOIN_CANDIDATE,),
    "nationalite": (JOIN_CANDIDATE, JOIN_NATIONALITY),
    "bac": (JOIN_CANDIDATE, JOIN_BAC),
    "formation": (JOIN_PROGRAMME,),
    "decision": (JOIN_DECISION,),
}
