"""Candidatures, their pieces, decisions and notes."""

from __future__ import annotations

from piccolo.columns import (
    Boolean,
    Date,
    ForeignKey,
    Integer,
    OnDelete,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.constraints import Check
from piccolo.table import Table

from app.applications.codes import (
    ActorKind,
    Answer,
    DossierStatus,
    PieceStatus,
    ProcessingType,
)
from app.catalog.tables import DecisionType, Programme, RefusalReason, RequiredPiece
from app.db import one_of
from app.documents.tables import StoredFile
from app.dossier.tables import Candidate


class Application(Table):
    """Candidature: one candidate × one programme.

    Status columns change only through ``app.applications.lifecycle``.
    """

    candidate = ForeignKey(Candidate, on_delete=OnDelete.cascade, index=True, null=False)
    programme = ForeignKey(Programme, on_delete=OnDelete.restrict, index=True, null=False)
    status = Varchar(length=2, choices=DossierStatus, default=DossierStatus.WAITING.value)
    processing_type = Varchar(length=2, choices=ProcessingType)
    processing_type_validated = Boolean(default=False)
    created_by_staff = Boolean(default=False)
    created_at = Timestamptz(default=TimestamptzNow(), index=True)
    status_changed_at = Timestamptz(default=TimestamptzNow())
    received_at = Timestamptz(null=True, default=None)
    transmitted_at = Timestamptz(null=True, default=None)
    completed_at = Timestamptz(null=True, default=None)
    incomplete_at = Timestamptz(null=True, default=None)
    cancelled_at = Timestamptz(null=True, default=None, index=True)
    return_date_override = Date(null=True, default=None)
    confirmation_date_override = Date(null=True, default=None)
    answer = Varchar(length=2, choices=Answer, null=True, default=None)
    answered_at = Timestamptz(null=True, default=None)
    answered_by = Varchar(length=10, choices=ActorKind, null=True, default=None)
    opi_code = Varchar(length=30, null=True, default=None)
    return_reminder_sent_at = Timestamptz(null=True, default=None)
    answer_reminder_sent_at = Timestamptz(null=True, default=None)

    status_check = one_of("status", DossierStatus)
    processing_type_check = one_of("processing_type", ProcessingType)
    answer_check = one_of("answer", Answer, nullable=True)
    answered_by_check = one_of("answered_by", ActorKind, nullable=True)


class SubmittedPiece(Table):
    """PjCand: what the candidate gave for one required piece of one application.

    Replaced files stay as rows with ``superseded_at`` set: the history is kept.
    """

    application = ForeignKey(Application, on_delete=OnDelete.cascade, index=True, null=False)
    piece = ForeignKey(RequiredPiece, on_delete=OnDelete.restrict, index=True, null=False)
    file = ForeignKey(StoredFile, null=True, on_delete=OnDelete.set_null)
    status = Varchar(length=2, choices=PieceStatus, default=PieceStatus.WAITING.value)
    comment = Varchar(length=500, default="")
    changed_at = Timestamptz(default=TimestamptzNow())
    changed_by = Varchar(length=10, choices=ActorKind, default=ActorKind.CANDIDATE.value)
    superseded_at = Timestamptz(null=True, default=None)

    status_check = one_of("status", PieceStatus)
    changed_by_check = one_of("changed_by", ActorKind)


class Decision(Table):
    """One entry of the decision history; the current decision is the latest one."""

    application = ForeignKey(Application, on_delete=OnDelete.cascade, index=True, null=False)
    decision_type = ForeignKey(DecisionType, on_delete=OnDelete.restrict, null=False)
    refusal_reason = ForeignKey(RefusalReason, null=True, on_delete=OnDelete.restrict)
    comment = Text(default="")
    rank = Integer(null=True, default=None)  # entered rank on a waiting list (LC)
    computed_rank = Integer(null=True, default=None)
    entered_at = Timestamptz(default=TimestamptzNow())
    entered_by = Integer(null=True, default=None)  # staff user id
    validated = Boolean(default=False)
    validated_at = Timestamptz(null=True, default=None)
    validated_by = Integer(null=True, default=None)
    appeal = Boolean(default=False)

    rank_check = Check("rank IS NULL OR rank > 0")


class Note(Table):
    """Bloc-notes entry on an application."""

    application = ForeignKey(Application, on_delete=OnDelete.cascade, index=True, null=False)
    author_kind = Varchar(length=10, choices=ActorKind)
    author_id = Integer(null=True, default=None)
    message = Varchar(length=255)
    created_at = Timestamptz(default=TimestamptzNow())

    author_kind_check = one_of("author_kind", ActorKind)
