"""What the application reads give: an application with its programme, commission,
centre and decisions (``ApplicationView``), a decision (``DecisionView``) and a piece
the application asks for (``PieceView``). Plain data; the lifecycle rules and the pages
read them, ``app.applications.read_model`` fills them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from app.applications import deadlines
from app.core.codes.applications import Answer, DossierStatus, PieceStatus, ProcessingType, Verdict


@dataclass(frozen=True)
class DecisionView:
    """One entry of the decision history, with its type and refusal reason."""

    id: int
    application_id: int
    decision_type_id: int
    code: str
    label_fr: str
    label_en: str
    verdict: Verdict
    show_comment: bool
    comment: str
    refusal_reason_fr: str
    refusal_reason_en: str
    rank: int | None
    entered_at: datetime
    validated: bool
    validated_at: datetime | None

    def label(self, language: str) -> str:
        return self.label_en if language == "en" and self.label_en else self.label_fr

    def refusal_reason(self, language: str) -> str:
        if language == "en" and self.refusal_reason_en:
            return self.refusal_reason_en
        return self.refusal_reason_fr

    @property
    def shown_comment(self) -> str:
        """The comment the candidate may read ("" when the type hides it)."""
        return self.comment if self.show_comment else ""


@dataclass(frozen=True)
class ApplicationView:
    """An application with everything its pages, rules and mails need."""

    id: int
    candidate_id: int
    account_id: int
    email: str
    language: str
    first_name: str
    last_name: str
    login: str
    programme_id: int
    programme_code: str
    programme_label: str
    programme_active: bool
    waiting_list: bool
    return_date: date
    confirmation_date: date | None
    confirmation_delay_days: int | None
    commission_id: int
    commission_label: str
    commission_email: str
    commission_address: str
    alert_on_transmission: bool
    alert_on_cancellation: bool
    alert_on_withdrawal: bool
    centre_id: int
    centre_label: str
    campaign_label: str
    academic_year: str
    status: DossierStatus
    processing_type: ProcessingType
    processing_type_validated: bool
    created_at: datetime
    status_changed_at: datetime
    received_at: datetime | None
    transmitted_at: datetime | None
    completed_at: datetime | None
    incomplete_at: datetime | None
    cancelled_at: datetime | None
    return_date_override: date | None
    confirmation_date_override: date | None
    answer: Answer | None
    answered_at: datetime | None
    opi_code: str | None
    answer_reminder_sent_at: datetime | None
    campaign_archived_at: datetime | None = None
    """Set once the campaign is archived: the application is read-only for everyone."""
    decision: DecisionView | None = None
    """The latest decision, validated or not: staff's truth. Candidates see
    :attr:`visible_decision`."""
    decisions: tuple[DecisionView, ...] | None = field(default=())
    """The whole history, oldest first. None when it was not read: the candidate's pages
    read the current decision only (:attr:`decision`)."""
    answered_by: str | None = None
    """Who answered (``ActorKind``): "system" for an automatic withdrawal."""
    # Whom to write to: the commission's details, each falling back to the centre's.
    commission_address_lines: str = ""
    commission_postal_code: str = ""
    commission_city: str = ""
    commission_phone: str = ""
    centre_address_lines: str = ""
    centre_postal_code: str = ""
    centre_city: str = ""
    centre_email: str = ""
    centre_phone: str = ""

    @property
    def visible_decision(self) -> DecisionView | None:
        return visible_decision(self.decision)

    @property
    def live(self) -> bool:
        return self.cancelled_at is None

    @property
    def return_deadline(self) -> date:
        return deadlines.return_deadline(
            override=self.return_date_override, programme_return_date=self.return_date
        )

    @property
    def confirmation_deadline(self) -> date | None:
        """Only meaningful with a validated favourable decision (None otherwise)."""
        decision = self.visible_decision
        if decision is None or decision.verdict is not Verdict.FAVOURABLE:
            return None
        return deadlines.confirmation_deadline(
            override=self.confirmation_date_override,
            validated_at=decision.validated_at,
            delay_days=self.confirmation_delay_days,
            programme_date=self.confirmation_date,
        )


def visible_decision(latest: DecisionView | None) -> DecisionView | None:
    """What the candidate sees: the latest decision once it is validated; while a newer
    one is only entered, "En attente" (None)."""
    return latest if latest and latest.validated else None


@dataclass(frozen=True)
class PieceView:
    """A piece the application asks for, with what the candidate gave for it.

    ``submitted_id`` is None when no row exists yet (a piece added to the programme
    after the application was made): it counts as "En attente".
    """

    piece_id: int
    code: str
    label_fr: str
    label_en: str
    position: int
    common: bool
    unique_per_application: bool
    conditional: bool
    status: PieceStatus
    comment: str = ""
    submitted_id: int | None = None
    file_id: int | None = None
    file_name: str = ""
    file_size: int | None = None
    content_type: str = ""
    changed_at: datetime | None = None

    def label(self, language: str) -> str:
        return self.label_en if language == "en" and self.label_en else self.label_fr

    @property
    def shared(self) -> bool:
        """One file serves all the candidate's applications asking for this piece."""
        return self.common and not self.unique_per_application
