"""What the public verification page says about a letter code (issue 12).

It tells only what the letter already shows to whoever holds it: the programme, the
decision and its date, the candidate's initials. Whether the letter still holds is
computed from the application as it is now, so it can never disagree with it: a newer
validated decision replaces the letter's, a withdrawal or a cancellation ends it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from app.applications import queries
from app.applications.deadlines import local_date
from app.core.codes.applications import ActorKind, Answer
from app.documents.letter_codes import normalised
from app.tables.letters import IssuedLetter, LetterKind


class Standing(StrEnum):
    VALID = "valid"
    DECISION_REPLACED = "decision_replaced"
    WITHDRAWN = "withdrawn"
    AUTO_WITHDRAWN = "auto_withdrawn"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class Verification:
    kind: LetterKind
    programme_label: str
    academic_year: str
    decision_label_fr: str
    decision_label_en: str
    decided_on: date
    issued_on: date
    initials: str
    standing: Standing
    since: date | None
    """When the letter stopped holding (None while it is valid)."""

    def decision_label(self, language: str) -> str:
        if language == "en" and self.decision_label_en:
            return self.decision_label_en
        return self.decision_label_fr


def initials(first_name: str, last_name: str) -> str:
    """ "C. D.": enough to match a letter in hand, not enough to name anyone."""
    return " ".join(
        f"{part.strip()[0].upper()}." for part in (first_name, last_name) if part.strip()
    )


def _standing(
    application: queries.ApplicationView, decision_id: int
) -> tuple[Standing, date | None]:
    if application.cancelled_at is not None:
        return Standing.CANCELLED, local_date(application.cancelled_at)
    current = application.visible_decision
    if current is not None and current.id != decision_id:
        replaced = current.validated_at
        return Standing.DECISION_REPLACED, local_date(replaced) if replaced else None
    if application.answer is Answer.WITHDRAWN:
        when = local_date(application.answered_at) if application.answered_at else None
        if application.answered_by == ActorKind.SYSTEM:
            return Standing.AUTO_WITHDRAWN, when
        return Standing.WITHDRAWN, when
    return Standing.VALID, None


async def verify(typed_code: str) -> Verification | None:
    """The letter behind a typed code, or None (malformed or unknown: the page is 404)."""
    code = normalised(typed_code)
    if code is None:
        return None
    issued = await IssuedLetter.select().where(IssuedLetter.code == code).first()
    if issued is None:
        return None
    application = await queries.application_view(issued["application"])
    decision = (
        next((d for d in application.decisions if d.id == issued["decision"]), None)
        if application
        else None
    )
    if application is None or decision is None or decision.validated_at is None:
        return None
    standing, since = _standing(application, decision.id)
    return Verification(
        kind=LetterKind(issued["kind"]),
        programme_label=application.programme_label,
        academic_year=application.academic_year,
        decision_label_fr=decision.label_fr,
        decision_label_en=decision.label_en,
        decided_on=local_date(decision.validated_at),
        issued_on=local_date(issued["issued_at"]),
        initials=initials(application.first_name, application.last_name),
        standing=standing,
        since=since,
    )
