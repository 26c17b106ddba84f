"""Admission and refusal letters (issue 12): which letter an application may have, what
it prints, and the verification code it carries.

The rules (DESIGN.md §4): an admission letter for a validated favourable decision of a
live application the candidate has not withdrawn from (and, when the setting
``LETTER_REQUIRES_CONFIRMATION`` is on, has confirmed); a refusal letter for a validated
unfavourable decision. Nothing else has a letter. The PDF itself is built by
:mod:`app.documents.letter_pdf`; nothing here knows about HTTP.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from app.applications import queries
from app.applications.deadlines import local_date
from app.applications.queries import ApplicationView
from app.clock import now
from app.core.codes.applications import Answer, Verdict
from app.documents.letter_codes import new_code
from app.documents.storage import open_stored_key
from app.settings import get_settings
from app.tables.catalog import Commission
from app.tables.letters import IssuedLetter, LetterKind

VERIFY_PATH = "/verifier/"


def verification_url(code: str) -> str:
    return f"{get_settings().base_url}{VERIFY_PATH}{code}"


def letter_kind(application: ApplicationView) -> LetterKind | None:
    """The letter this application may have now, or None."""
    decision = application.visible_decision
    if application.cancelled_at is not None or decision is None:
        return None
    if decision.verdict is Verdict.UNFAVOURABLE:
        return LetterKind.REFUSAL
    if decision.verdict is not Verdict.FAVOURABLE or application.answer is Answer.WITHDRAWN:
        return None
    if get_settings().letter_requires_confirmation and application.answer is not Answer.CONFIRMED:
        return None
    return LetterKind.ADMISSION


@dataclass(frozen=True)
class Signatory:
    name: str
    image: bytes | None


@dataclass(frozen=True)
class Letter:
    """Everything one letter prints, in the candidate's language."""

    kind: LetterKind
    language: str
    code: str
    issued_on: date
    campaign_label: str
    academic_year: str
    programme_label: str
    first_name: str
    last_name: str
    login: str
    decision_label: str
    validated_on: date
    confirmation_deadline: date | None
    refusal_reason: str
    comment: str
    commission_label: str
    address_lines: list[str]
    signatory: Signatory

    @property
    def verification_url(self) -> str:
        return verification_url(self.code)


async def issue_code(*, application_id: int, decision_id: int, kind: LetterKind) -> str:
    """The letter's code: the one already issued for this decision and kind, else a new
    row. Two downloads at once both end with the row the unique constraint kept."""
    where = (IssuedLetter.decision == decision_id) & (IssuedLetter.kind == kind.value)
    existing = await IssuedLetter.select(IssuedLetter.code).where(where).first()
    if existing:
        return existing["code"]
    code = new_code()
    try:
        await IssuedLetter.insert(
            IssuedLetter(
                code=code, application=application_id, decision=decision_id, kind=kind.value
            )
        )
    except Exception:
        existing = await IssuedLetter.select(IssuedLetter.code).where(where).first()
        if existing is None:
            raise
        return existing["code"]
    return code


async def _signatories(
    commission_ids: Iterable[int],
) -> dict[int, tuple[str, list[str], Signatory]]:
    """Commission id → (label, address lines, signatory), each signature read once."""
    rows = await Commission.select(
        Commission.id,
        Commission.label,
        Commission.address_lines,
        Commission.postal_code,
        Commission.city,
        Commission.signatory,
        Commission.signature_image,
    ).where(Commission.id.is_in(sorted(set(commission_ids)) or [0]))
    found = {}
    for row in rows:
        place = " ".join(p for p in (row["postal_code"], row["city"]) if p)
        lines = [line.strip() for line in (row["address_lines"] or "").splitlines()]
        image = await open_stored_key(row["signature_image"]) if row["signature_image"] else None
        found[row["id"]] = (
            row["label"],
            [line for line in [*lines, place] if line],
            Signatory(row["signatory"] or "", image),
        )
    return found


async def _letter(application: ApplicationView, kind: LetterKind, commission) -> Letter:
    decision = application.visible_decision
    assert decision is not None and decision.validated_at is not None
    language = application.language if application.language in ("fr", "en") else "fr"
    label, address, signatory = commission
    code = await issue_code(application_id=application.id, decision_id=decision.id, kind=kind)
    return Letter(
        kind=kind,
        language=language,
        code=code,
        issued_on=local_date(now()),
        campaign_label=application.campaign_label,
        academic_year=application.academic_year,
        programme_label=application.programme_label,
        first_name=application.first_name,
        last_name=application.last_name,
        login=application.login,
        decision_label=decision.label(language),
        validated_on=local_date(decision.validated_at),
        confirmation_deadline=application.confirmation_deadline,
        refusal_reason=decision.refusal_reason(language) if kind is LetterKind.REFUSAL else "",
        comment=decision.shown_comment,
        commission_label=label,
        address_lines=address,
        signatory=signatory,
    )


async def letters_for(applications: Iterable[ApplicationView]) -> list[Letter]:
    """The letters these applications may have now (the others are left out), in the
    order given; each issues (or reuses) its verification code."""
    eligible = [(a, kind) for a in applications if (kind := letter_kind(a)) is not None]
    commissions = await _signatories(a.commission_id for a, _ in eligible)
    return [await _letter(a, kind, commissions[a.commission_id]) for a, kind in eligible]


async def candidate_letter(account_id: int, application_id: int) -> Letter | None:
    """The letter of this candidate's application, or None (not theirs, or no letter
    is due: the page answers 404 either way)."""
    application = await queries.application_for(account_id, application_id)
    if application is None:
        return None
    letters = await letters_for([application])
    return letters[0] if letters else None
