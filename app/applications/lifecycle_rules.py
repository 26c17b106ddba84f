"""The rules of the candidate's actions as pure predicates (DESIGN.md §4).

The lifecycle functions call them inside their transaction; the pages call the
``can_*`` forms to decide which buttons to show. Each ``*_refusal`` returns None when
the action is allowed, else the reason.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from app.applications.lifecycle_base import Refusal
from app.applications.queries import ApplicationView, PieceView
from app.clock import today as clock_today
from app.core.codes.applications import (
    BLOCKING_PIECE,
    CANCELLABLE_DOSSIER,
    EDITABLE_DOSSIER,
    FROZEN_PIECE,
    TRANSMITTABLE_DOSSIER,
    Verdict,
)


def edit_refusal(application: ApplicationView, *, today: date | None = None) -> Refusal | None:
    """Pieces change while the dossier is AT or IN and the return date has not passed."""
    today = today or clock_today()
    if application.cancelled_at is not None or application.status not in EDITABLE_DOSSIER:
        return Refusal.NOT_EDITABLE
    if today > application.return_deadline:
        return Refusal.NOT_EDITABLE
    return None


def piece_refusal(
    application: ApplicationView, piece: PieceView, *, today: date | None = None
) -> Refusal | None:
    """A piece changes when the dossier is editable and the piece is not validated."""
    return edit_refusal(application, today=today) or (
        Refusal.PIECE_FROZEN if piece.status in FROZEN_PIECE else None
    )


def transmit_refusal(
    application: ApplicationView, pieces: Iterable[PieceView], *, today: date | None = None
) -> Refusal | None:
    """Transmit: dossier AT or IN, return date not passed, no piece AT or RE."""
    today = today or clock_today()
    if application.cancelled_at is not None:
        return Refusal.NOT_EDITABLE
    if application.status not in TRANSMITTABLE_DOSSIER:
        return Refusal.ALREADY_TRANSMITTED
    if today > application.return_deadline:
        return Refusal.NOT_EDITABLE
    if any(piece.status in BLOCKING_PIECE for piece in pieces):
        return Refusal.PIECES_MISSING
    return None


def processed_by_staff(application: ApplicationView, *, pieces_reviewed: bool) -> bool:
    """Guide §05.3 "traitée par le gestionnaire": a piece validated or refused, a
    dossier status set (IN or CO, even if later undone) or a decision entered.
    ``pieces_reviewed`` comes from ``queries.pieces_reviewed_by_staff`` (the whole
    piece history: a refused piece the candidate replaced still counts)."""
    return bool(
        pieces_reviewed
        or application.incomplete_at is not None
        or application.completed_at is not None
        or application.decision is not None
    )


def cancel_refusal(application: ApplicationView, *, pieces_reviewed: bool) -> Refusal | None:
    """Cancel: a live dossier, waiting (AT) or transmitted (RE), that staff have not
    processed yet (no piece reviewed, no status set, no decision)."""
    if (
        application.cancelled_at is not None
        or application.status not in CANCELLABLE_DOSSIER
        or processed_by_staff(application, pieces_reviewed=pieces_reviewed)
    ):
        return Refusal.NOT_CANCELLABLE
    return None


def answer_refusal(
    application: ApplicationView, *, today: date | None = None, enforce_deadline: bool = True
) -> Refusal | None:
    """Confirm or withdraw: the current decision is a validated FA, no answer yet, and
    (for the candidate) the confirmation deadline has not passed."""
    decision = application.visible_decision
    if (
        application.cancelled_at is not None
        or application.answer is not None
        or decision is None
        or decision.verdict is not Verdict.FAVOURABLE
    ):
        return Refusal.NO_ANSWER_EXPECTED
    deadline = application.confirmation_deadline
    if enforce_deadline and deadline is not None and (today or clock_today()) > deadline:
        return Refusal.DEADLINE_PASSED
    return None


def can_edit_pieces(application: ApplicationView) -> bool:
    return edit_refusal(application) is None


def can_transmit(application: ApplicationView, pieces: Iterable[PieceView]) -> bool:
    return transmit_refusal(application, pieces) is None


def can_cancel(application: ApplicationView, *, pieces_reviewed: bool) -> bool:
    return cancel_refusal(application, pieces_reviewed=pieces_reviewed) is None


def can_answer(application: ApplicationView) -> bool:
    return answer_refusal(application) is None
