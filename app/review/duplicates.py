"""The « Doublons possibles » panel of the desk's application page and the queue's
duplicate filter, both scoped: a member sees the other dossier only through the
applications it may see itself (another centre's applications do not exist for it).

What counts as a possible duplicate is the dossier domain's rule
(``app.dossier.duplicates``); this module only adds the scope and the display.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from app.core.codes.staff import StaffRole
from app.core.i18n import gettext as _
from app.dossier.duplicates import NOT_DISMISSED, SAME_PERSON
from app.review.identity import StaffMember
from app.tables.applications import Application

# Who may mark a pair « pas un doublon » (issue 15: the central office; the technical
# administrator may do whatever the central office does).
DISMISSERS = frozenset({StaffRole.CENTRAL_OFFICE, StaffRole.TECH_ADMIN})

OTHER_APPLICATIONS = """
FROM candidate c
JOIN candidate_account acc ON acc.id = c.account
JOIN candidate c2 ON c2.id <> c.id
JOIN candidate_account acc2 ON acc2.id = c2.account
JOIN application a2 ON a2.candidate = c2.id AND a2.cancelled_at IS NULL
JOIN programme p2 ON p2.id = a2.programme
JOIN commission cm2 ON cm2.id = p2.commission
JOIN centre ce2 ON ce2.id = cm2.centre
"""


def may_dismiss(member: StaffMember) -> bool:
    return member.role in DISMISSERS


def scope_condition(member: StaffMember, *, centre: str, commission: str) -> tuple[str, list]:
    """The member's scope as SQL on the given centre and commission columns, with its
    bound values (the same rule as ``app.review.scope.application_scope``)."""
    if member.sees_all:
        return "1 = 1", []
    if member.role is StaffRole.CENTRE_MANAGER:
        ids, column = sorted(member.centre_ids), centre
    elif member.role is StaffRole.COMMISSION_MEMBER:
        ids, column = sorted(member.commission_ids), commission
    else:
        return "1 = 0", []
    if not ids:
        return "1 = 0", []
    return f"{column} IN ({', '.join('{}' for _ in ids)})", ids


def duplicate_filter(member: StaffMember) -> tuple[str, list]:
    """A condition on the queue's ``c`` and ``acc``: the dossier has a possible
    duplicate with an application the member may see."""
    scope, args = scope_condition(member, centre="ce2.id", commission="cm2.id")
    sql = (
        "EXISTS (SELECT 1 FROM candidate c2"
        " JOIN candidate_account acc2 ON acc2.id = c2.account"
        " JOIN application a2 ON a2.candidate = c2.id AND a2.cancelled_at IS NULL"
        " JOIN programme p2 ON p2.id = a2.programme"
        " JOIN commission cm2 ON cm2.id = p2.commission"
        " JOIN centre ce2 ON ce2.id = cm2.centre"
        f" WHERE {SAME_PERSON} AND {NOT_DISMISSED} AND {scope})"
    )
    return sql, args


@dataclass(frozen=True)
class OtherApplication:
    id: int
    programme: str
    centre: str


@dataclass
class PossibleDuplicate:
    candidate_id: int
    login: str
    name: str
    birth_date: date | None
    same_ine: bool
    same_identity: bool
    ine_held_by_student_at: datetime | None
    applications: list[OtherApplication] = field(default_factory=list)

    @property
    def reason(self) -> str:
        if self.same_ine and self.same_identity:
            return _("même INE ; même nom de naissance, prénom et date de naissance")
        if self.same_ine:
            return _("même INE")
        return _("même nom de naissance, prénom et date de naissance")


@dataclass(frozen=True)
class DuplicatePanel:
    duplicates: list[PossibleDuplicate]
    ine_held_by_student_at: datetime | None  # this dossier's own flag
    may_dismiss: bool


async def duplicate_panel(member: StaffMember, candidate_id: int) -> DuplicatePanel:
    """The other dossiers of the campaign that may be this person, each with the
    applications of it the member may see (a dossier with none is not shown)."""
    scope, args = scope_condition(member, centre="ce2.id", commission="cm2.id")
    rows = await Application.raw(
        "SELECT c2.id AS candidate_id, acc2.login, c2.birth_name, c2.usual_name,"
        " c2.first_name, c2.birth_date, c2.ine_held_by_student_at,"
        " (c.ine IS NOT NULL AND c2.ine = c.ine) AS same_ine,"
        " (c.identity_key IS NOT NULL AND c2.identity_key = c.identity_key) AS same_identity,"
        " a2.id AS application_id, p2.label AS programme, ce2.label AS centre"
        + OTHER_APPLICATIONS
        + f" WHERE c.id = {{}} AND {SAME_PERSON} AND {NOT_DISMISSED} AND {scope}"
        " ORDER BY acc2.login, a2.id",
        candidate_id,
        *args,
    )
    by_candidate: dict[int, PossibleDuplicate] = {}
    for row in rows:
        duplicate = by_candidate.get(row["candidate_id"])
        if duplicate is None:
            name = (row["usual_name"] or row["birth_name"]).upper()
            duplicate = by_candidate[row["candidate_id"]] = PossibleDuplicate(
                candidate_id=row["candidate_id"],
                login=row["login"],
                name=f"{name} {row['first_name']}".strip(),
                birth_date=row["birth_date"],
                same_ine=bool(row["same_ine"]),
                same_identity=bool(row["same_identity"]),
                ine_held_by_student_at=row["ine_held_by_student_at"],
            )
        duplicate.applications.append(
            OtherApplication(
                id=row["application_id"], programme=row["programme"], centre=row["centre"]
            )
        )
    own = await Application.raw(
        "SELECT ine_held_by_student_at FROM candidate WHERE id = {}", candidate_id
    )
    return DuplicatePanel(
        duplicates=list(by_candidate.values()),
        ine_held_by_student_at=own[0]["ine_held_by_student_at"] if own else None,
        may_dismiss=may_dismiss(member),
    )


async def visible_duplicate(member: StaffMember, candidate_id: int, other_id: int) -> bool:
    """``other_id`` is one of the possible duplicates the member's panel shows."""
    panel = await duplicate_panel(member, candidate_id)
    return any(d.candidate_id == other_id for d in panel.duplicates)
