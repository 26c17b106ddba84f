"""The candidate's action rules (app/applications/lifecycle_rules.py), table by table,
on plain views: no database, no clock (``today`` is given)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime

import pytest

from app.applications import lifecycle_rules as rules
from app.applications.lifecycle_base import Refusal
from app.applications.queries import ApplicationView, DecisionView, PieceView
from app.core.codes.applications import Answer, DossierStatus, PieceStatus, ProcessingType, Verdict

RETURN_DATE = date(2026, 6, 30)
AT, RE, IN, CO = (
    DossierStatus.WAITING,
    DossierStatus.RECEIVED,
    DossierStatus.INCOMPLETE,
    DossierStatus.COMPLETE,
)
MOMENT = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
CANCELLED = datetime(2026, 6, 2, 9, 0, tzinfo=UTC)


def view(**changes) -> ApplicationView:
    base = ApplicationView(
        id=1,
        candidate_id=1,
        account_id=1,
        email="camille@example.org",
        language="fr",
        first_name="Camille",
        last_name="Martin",
        login="DOSSIER1",
        programme_id=1,
        programme_code="MED",
        programme_label="Médecine",
        programme_active=True,
        waiting_list=True,
        return_date=RETURN_DATE,
        confirmation_date=None,
        confirmation_delay_days=None,
        commission_id=1,
        commission_label="Commission",
        commission_email="commission@example.org",
        commission_address="",
        alert_on_transmission=False,
        alert_on_cancellation=False,
        alert_on_withdrawal=False,
        centre_id=1,
        centre_label="Santé",
        campaign_label="Campagne 2026",
        academic_year="2026/2027",
        status=AT,
        processing_type=ProcessingType.CONTROLLED,
        processing_type_validated=True,
        created_at=MOMENT,
        status_changed_at=MOMENT,
        received_at=None,
        transmitted_at=None,
        completed_at=None,
        incomplete_at=None,
        cancelled_at=None,
        return_date_override=None,
        confirmation_date_override=None,
        answer=None,
        answered_at=None,
        opi_code=None,
        answer_reminder_sent_at=None,
    )
    return dataclasses.replace(base, **changes)


def decision(verdict: Verdict, *, validated: bool = True) -> DecisionView:
    return DecisionView(
        id=1,
        application_id=1,
        decision_type_id=1,
        code=verdict.value,
        label_fr=verdict.value,
        label_en=verdict.value,
        verdict=verdict,
        show_comment=False,
        comment="",
        refusal_reason_fr="",
        refusal_reason_en="",
        rank=1 if verdict is Verdict.COMPLEMENTARY_LIST else None,
        entered_at=MOMENT,
        validated=validated,
        validated_at=MOMENT if validated else None,
    )


def decided(verdict: Verdict, *, validated: bool = True, **changes) -> ApplicationView:
    made = decision(verdict, validated=validated)
    return view(**{"status": CO, "decision": made, "decisions": (made,), **changes})


def piece(status: PieceStatus) -> PieceView:
    return PieceView(
        piece_id=1,
        code="CV",
        label_fr="CV",
        label_en="CV",
        position=1,
        common=False,
        unique_per_application=False,
        conditional=False,
        status=status,
    )


@pytest.mark.parametrize(
    ("application", "today", "refusal"),
    [
        (view(status=AT), RETURN_DATE, None),
        (view(status=IN), RETURN_DATE, None),
        (view(status=RE), RETURN_DATE, Refusal.NOT_EDITABLE),
        (view(status=CO), RETURN_DATE, Refusal.NOT_EDITABLE),
        (view(status=AT, cancelled_at=CANCELLED), RETURN_DATE, Refusal.NOT_EDITABLE),
        # the return date is inclusive: the day after, nothing changes any more
        (view(status=AT), date(2026, 7, 1), Refusal.NOT_EDITABLE),
        # a per-candidate override moves it either way
        (view(return_date_override=date(2026, 7, 10)), date(2026, 7, 10), None),
        (view(return_date_override=date(2026, 6, 20)), date(2026, 6, 21), Refusal.NOT_EDITABLE),
    ],
)
def test_edit_refusal(application, today, refusal):
    assert rules.edit_refusal(application, today=today) == refusal


@pytest.mark.parametrize(
    ("status", "application", "refusal"),
    [
        (PieceStatus.WAITING, view(), None),
        (PieceStatus.TRANSMITTED, view(), None),
        (PieceStatus.REFUSED, view(), None),
        (PieceStatus.NOT_CONCERNED, view(), None),
        (PieceStatus.VALIDATED, view(), Refusal.PIECE_FROZEN),
        (PieceStatus.VALIDATED, view(status=IN), Refusal.PIECE_FROZEN),
        # the dossier's refusal comes first
        (PieceStatus.VALIDATED, view(status=RE), Refusal.NOT_EDITABLE),
        (PieceStatus.WAITING, view(status=CO), Refusal.NOT_EDITABLE),
    ],
)
def test_piece_refusal(status, application, refusal):
    assert rules.piece_refusal(application, piece(status), today=RETURN_DATE) == refusal


@pytest.mark.parametrize(
    ("application", "statuses", "today", "refusal"),
    [
        (view(), [], RETURN_DATE, None),
        (view(), [PieceStatus.TRANSMITTED, PieceStatus.NOT_CONCERNED], RETURN_DATE, None),
        (view(status=IN), [PieceStatus.VALIDATED], RETURN_DATE, None),
        (
            view(),
            [PieceStatus.TRANSMITTED, PieceStatus.WAITING],
            RETURN_DATE,
            Refusal.PIECES_MISSING,
        ),
        (view(), [PieceStatus.REFUSED], RETURN_DATE, Refusal.PIECES_MISSING),
        (view(status=RE), [], RETURN_DATE, Refusal.ALREADY_TRANSMITTED),
        (view(status=CO), [], RETURN_DATE, Refusal.ALREADY_TRANSMITTED),
        (view(cancelled_at=CANCELLED), [], RETURN_DATE, Refusal.NOT_EDITABLE),
        # past the return date, even with every piece given
        (view(), [PieceStatus.TRANSMITTED], date(2026, 7, 1), Refusal.NOT_EDITABLE),
        # the order of the checks: cancelled, then status, then date, then pieces
        (view(status=RE), [PieceStatus.WAITING], date(2026, 7, 1), Refusal.ALREADY_TRANSMITTED),
        (view(), [PieceStatus.WAITING], date(2026, 7, 1), Refusal.NOT_EDITABLE),
    ],
)
def test_transmit_refusal(application, statuses, today, refusal):
    pieces = [piece(status) for status in statuses]
    assert rules.transmit_refusal(application, pieces, today=today) == refusal


@pytest.mark.parametrize(
    ("application", "pieces_reviewed", "refusal"),
    [
        (view(status=AT), False, None),
        (view(status=RE, received_at=MOMENT, transmitted_at=MOMENT), False, None),
        (view(status=AT), True, Refusal.NOT_CANCELLABLE),
        (view(status=IN), False, Refusal.NOT_CANCELLABLE),
        (view(status=CO), False, Refusal.NOT_CANCELLABLE),
        # a status once set counts, even when staff set the dossier back
        (view(status=RE, incomplete_at=MOMENT), False, Refusal.NOT_CANCELLABLE),
        (view(status=RE, completed_at=MOMENT), False, Refusal.NOT_CANCELLABLE),
        # an entered decision counts, validated or not
        (decided(Verdict.UNFAVOURABLE, validated=False, status=RE), False, Refusal.NOT_CANCELLABLE),
        (view(cancelled_at=CANCELLED), False, Refusal.NOT_CANCELLABLE),
    ],
)
def test_cancel_refusal(application, pieces_reviewed, refusal):
    assert rules.cancel_refusal(application, pieces_reviewed=pieces_reviewed) == refusal
    assert rules.can_cancel(application, pieces_reviewed=pieces_reviewed) is (refusal is None)


@pytest.mark.parametrize(
    ("application", "today", "enforce", "refusal"),
    [
        (decided(Verdict.FAVOURABLE), date(2026, 6, 5), True, None),
        (
            decided(Verdict.FAVOURABLE, validated=False),
            date(2026, 6, 5),
            True,
            Refusal.NO_ANSWER_EXPECTED,
        ),
        (decided(Verdict.UNFAVOURABLE), date(2026, 6, 5), True, Refusal.NO_ANSWER_EXPECTED),
        (decided(Verdict.COMPLEMENTARY_LIST), date(2026, 6, 5), True, Refusal.NO_ANSWER_EXPECTED),
        (decided(Verdict.PRESELECTION), date(2026, 6, 5), True, Refusal.NO_ANSWER_EXPECTED),
        (view(status=CO), date(2026, 6, 5), True, Refusal.NO_ANSWER_EXPECTED),
        (
            decided(Verdict.FAVOURABLE, answer=Answer.CONFIRMED),
            date(2026, 6, 5),
            True,
            Refusal.NO_ANSWER_EXPECTED,
        ),
        (
            decided(Verdict.FAVOURABLE, cancelled_at=CANCELLED),
            date(2026, 6, 5),
            True,
            Refusal.NO_ANSWER_EXPECTED,
        ),
        # no confirmation rule: no deadline
        (decided(Verdict.FAVOURABLE), date(2027, 6, 5), True, None),
        # a delay of 3 days from the validation (1 June): until 4 June inclusive
        (decided(Verdict.FAVOURABLE, confirmation_delay_days=3), date(2026, 6, 4), True, None),
        (
            decided(Verdict.FAVOURABLE, confirmation_delay_days=3),
            date(2026, 6, 5),
            True,
            Refusal.DEADLINE_PASSED,
        ),
        # staff answering for the candidate are not held to the deadline
        (decided(Verdict.FAVOURABLE, confirmation_delay_days=3), date(2026, 6, 5), False, None),
        # a fixed date, and an override beating both
        (
            decided(Verdict.FAVOURABLE, confirmation_date=date(2026, 6, 10)),
            date(2026, 6, 11),
            True,
            Refusal.DEADLINE_PASSED,
        ),
        (
            decided(
                Verdict.FAVOURABLE,
                confirmation_delay_days=3,
                confirmation_date_override=date(2026, 6, 20),
            ),
            date(2026, 6, 20),
            True,
            None,
        ),
    ],
)
def test_answer_refusal(application, today, enforce, refusal):
    assert rules.answer_refusal(application, today=today, enforce_deadline=enforce) == refusal


def test_a_newer_decision_only_entered_hides_the_favourable_one():
    favourable, pending = (
        decision(Verdict.FAVOURABLE),
        decision(Verdict.UNFAVOURABLE, validated=False),
    )
    application = view(status=CO, decision=pending, decisions=(favourable, pending))
    assert rules.answer_refusal(application, today=date(2026, 6, 5)) == Refusal.NO_ANSWER_EXPECTED
