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
from piccolo.columns.readable import Readable
from piccolo.constraints import Check, Unique
from piccolo.table import Table

from app.core.code_labels import (
    ActorKindChoices,
    AnswerChoices,
    DossierStatusChoices,
    PieceStatusChoices,
    ProcessingTypeChoices,
)
from app.core.codes.applications import (
    ActorKind,
    Answer,
    DossierStatus,
    PieceStatus,
    ProcessingType,
)
from app.db import one_of
from app.tables.catalog import DecisionType, Programme, RefusalReason, RequiredPiece
from app.tables.documents import StoredFile
from app.tables.dossier import Candidate


class Application(Table, help_text="Candidature : un candidat dans une formation."):
    """Candidature: one candidate × one programme.

    Status columns change only through ``app.applications.lifecycle``.
    """

    candidate = ForeignKey(Candidate, on_delete=OnDelete.cascade, index=True, null=False)
    programme = ForeignKey(Programme, on_delete=OnDelete.restrict, index=True, null=False)
    status = Varchar(length=2, choices=DossierStatusChoices, default=DossierStatus.WAITING.value)
    processing_type = Varchar(length=2, choices=ProcessingTypeChoices)
    processing_type_validated = Boolean(
        default=False, help_text="Type de traitement validé par le gestionnaire."
    )
    created_by_staff = Boolean(
        default=False, help_text="Candidature saisie par un gestionnaire pour le candidat."
    )
    created_at = Timestamptz(default=TimestamptzNow(), index=True)
    status_changed_at = Timestamptz(default=TimestamptzNow())
    received_at = Timestamptz(null=True, default=None)
    transmitted_at = Timestamptz(null=True, default=None)
    completed_at = Timestamptz(null=True, default=None)
    incomplete_at = Timestamptz(null=True, default=None)
    cancelled_at = Timestamptz(null=True, default=None, index=True)
    return_date_override = Date(
        null=True,
        default=None,
        help_text="Date de retour propre à ce candidat (remplace celle de la formation).",
    )
    confirmation_date_override = Date(
        null=True,
        default=None,
        help_text="Date de confirmation propre à ce candidat (remplace celle de la formation).",
    )
    answer = Varchar(length=2, choices=AnswerChoices, null=True, default=None)
    answered_at = Timestamptz(null=True, default=None)
    answered_by = Varchar(length=10, choices=ActorKindChoices, null=True, default=None)
    opi_code = Varchar(
        length=30,
        null=True,
        default=None,
        help_text="Code de l'inscription administrative (OPI) transmis au logiciel de scolarité.",
    )
    return_reminder_sent_at = Timestamptz(null=True, default=None)
    answer_reminder_sent_at = Timestamptz(null=True, default=None)
    # Derived: its current SubmittedPiece rows in TR, kept by every function that writes
    # them (app.applications.piece_counter); the desk sorts 100,000 applications on it.
    pieces_to_review = Integer(default=0, help_text="Pièces transmises à vérifier.")
    # Derived: the id of its latest Decision (entered or validated), kept by the two
    # functions that write decisions (app.applications.latest_decision). Not a foreign
    # key: Decision points at Application already.
    current_decision = Integer(null=True, default=None, help_text="Décision en cours.")

    status_check = one_of("status", DossierStatus)
    processing_type_check = one_of("processing_type", ProcessingType)
    answer_check = one_of("answer", Answer, nullable=True)
    answered_by_check = one_of("answered_by", ActorKind, nullable=True)

    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(
            template="n° %s — %s %s — %s",
            columns=[
                cls.id,
                cls.candidate.birth_name,
                cls.candidate.first_name,
                cls.programme.label,
            ],
        )


class SubmittedPiece(
    Table,
    help_text="Pièces des candidatures : ce que le candidat a déposé pour chaque pièce demandée.",
):
    """PjCand: what the candidate gave for one required piece of one application.

    Replaced files stay as rows with ``superseded_at`` set: the history is kept.
    """

    application = ForeignKey(Application, on_delete=OnDelete.cascade, index=True, null=False)
    piece = ForeignKey(RequiredPiece, on_delete=OnDelete.restrict, index=True, null=False)
    file = ForeignKey(StoredFile, null=True, on_delete=OnDelete.set_null)
    status = Varchar(length=2, choices=PieceStatusChoices, default=PieceStatus.WAITING.value)
    comment = Varchar(
        length=500, default="", help_text="Commentaire montré au candidat (motif d'un refus)."
    )
    changed_at = Timestamptz(default=TimestamptzNow())
    changed_by = Varchar(
        length=10,
        choices=ActorKindChoices,
        default=ActorKind.CANDIDATE.value,
        help_text="Qui a fait le dernier changement de statut.",
    )
    superseded_at = Timestamptz(
        null=True,
        default=None,
        help_text="Remplacée par un fichier plus récent à cette date (historique).",
    )

    status_check = one_of("status", PieceStatus)
    changed_by_check = one_of("changed_by", ActorKind)

    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s — n° %s", columns=[cls.piece.label_fr, cls.application.id])


class Decision(
    Table, help_text="Historique des décisions : la décision en vigueur est la dernière."
):
    """One entry of the decision history; the current decision is the latest one."""

    application = ForeignKey(Application, on_delete=OnDelete.cascade, index=True, null=False)
    decision_type = ForeignKey(DecisionType, on_delete=OnDelete.restrict, null=False)
    refusal_reason = ForeignKey(RefusalReason, null=True, on_delete=OnDelete.restrict)
    comment = Text(default="")
    rank = Integer(
        null=True, default=None, help_text="Rang saisi sur la liste complémentaire."
    )  # entered rank on a waiting list (LC)
    computed_rank = Integer(
        null=True,
        default=None,
        help_text="Rang calculé par l'application sur la liste complémentaire.",
    )
    entered_at = Timestamptz(default=TimestamptzNow())
    entered_by = Integer(
        null=True, default=None, help_text="Identifiant du personnel qui a saisi la décision."
    )  # staff user id
    validated = Boolean(default=False)
    validated_at = Timestamptz(null=True, default=None)
    validated_by = Integer(
        null=True, default=None, help_text="Identifiant du personnel qui a validé la décision."
    )
    appeal = Boolean(default=False, help_text="Décision prise sur recours.")

    rank_check = Check("rank IS NULL OR rank > 0")

    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(
            template="%s — n° %s", columns=[cls.decision_type.label_fr, cls.application.id]
        )


class Note(Table, help_text="Bloc-notes des candidatures (non visible du candidat)."):
    """Bloc-notes entry on an application."""

    application = ForeignKey(Application, on_delete=OnDelete.cascade, index=True, null=False)
    author_kind = Varchar(length=10, choices=ActorKindChoices)
    author_id = Integer(
        null=True, default=None, help_text="Identifiant du personnel auteur de la note."
    )
    message = Varchar(length=255)
    created_at = Timestamptz(default=TimestamptzNow())

    author_kind_check = one_of("author_kind", ActorKind)

    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s", columns=[cls.message])


class ReturnReminder(
    Table, help_text="Rappels de la date de retour envoyés : un par candidature, date et délai."
):
    """One row per return-date reminder sent. The unique key makes "each reminder once"
    hold when the job runs twice or on two workers at once (INSERT ... ON CONFLICT DO
    NOTHING); the return date is part of it, so a new date earns new reminders."""

    application = ForeignKey(Application, on_delete=OnDelete.cascade, index=True, null=False)
    return_date = Date(help_text="Date de retour rappelée.")
    days_before = Integer(help_text="Rappel envoyé ce nombre de jours avant la date de retour.")
    sent_at = Timestamptz(default=TimestamptzNow())

    return_reminder_unique = Unique(["application", "return_date", "days_before"])

    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="n° %s — J-%s", columns=[cls.application.id, cls.days_before])
