"""Campaigns, centres, commissions, programmes, pieces and decision types."""

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
from piccolo.columns.readable import Readable
from piccolo.constraints import Check, Unique
from piccolo.table import Table

from app.core.code_labels import ProcessingTypeChoices, VerdictChoices
from app.core.codes.applications import ProcessingType, Verdict
from app.db import one_of


class Campaign(
    Table, help_text="Une campagne par année universitaire ; une seule est active à la fois."
):
    """One per academic year; exactly one is active (partial unique index)."""

    code = Varchar(length=20, unique=True)
    label_fr = Varchar(length=200)
    label_en = Varchar(length=200, default="")
    academic_year = Varchar(length=9)  # "2026/2027": the authorisation's validity
    start_date = Date()
    end_date = Date()
    candidate_end_date = Date(
        null=True,
        default=None,
        help_text="Dernier jour où les candidats peuvent se connecter (vide : fin de la campagne).",
    )
    active = Boolean(default=False, index=True)
    archived_at = Timestamptz(null=True, default=None)
    purged_at = Timestamptz(
        null=True,
        default=None,
        help_text="Données personnelles des candidats supprimées à cette date (fin de conservation).",
    )
    previous = ForeignKey(
        "self",
        null=True,
        on_delete=OnDelete.set_null,
        help_text="La campagne dont celle-ci reprend l'offre.",
    )

    dates_check = Check("end_date >= start_date")

    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s", columns=[cls.label_fr])


class Centre(Table, help_text="Centre de candidature : composante qui regroupe des formations."):
    """Centre de candidature: a faculty or department grouping programmes."""

    campaign = ForeignKey(Campaign, on_delete=OnDelete.restrict, index=True, null=False)
    code = Varchar(length=30)
    label = Varchar(length=300)
    position = Integer(default=0, help_text="Ordre d'affichage dans l'offre de formation.")
    active = Boolean(default=True)
    contact_email = Varchar(length=200, default="")
    contact_phone = Varchar(length=30, default="")
    address_lines = Text(default="")
    postal_code = Varchar(length=10, default="")
    city = Varchar(length=100, default="")
    max_wishes = Integer(
        null=True,
        default=None,
        help_text="Nombre maximum de candidatures par candidat dans ce centre (vide : sans limite).",
    )

    centre_campaign_code_unique = Unique(["campaign", "code"])

    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s", columns=[cls.label])


class Commission(
    Table, help_text="Commission qui examine les candidatures d'un centre et signe les courriers."
):
    """The committee that decides on a centre's programmes; signs the letters."""

    centre = ForeignKey(Centre, on_delete=OnDelete.restrict, index=True, null=False)
    code = Varchar(length=30)
    label = Varchar(length=300)
    email = Varchar(length=200, default="")
    phone = Varchar(length=30, default="")
    url = Varchar(length=300, default="")
    address_lines = Text(default="")
    postal_code = Varchar(length=10, default="")
    city = Varchar(length=100, default="")
    signatory = Varchar(
        length=200, default="", help_text="Nom et qualité du signataire des courriers."
    )
    signature_image = Varchar(
        length=64,
        default="",
        help_text="Signature (image JPEG) reproduite sur les lettres d'admission et de refus.",
    )  # a StoredFile.storage_key (kind "staff"), set through the admin's media column
    return_instructions_fr = Text(default="")
    return_instructions_en = Text(default="")
    alert_on_transmission = Boolean(default=True)
    alert_on_cancellation = Boolean(default=True)
    alert_on_withdrawal = Boolean(default=True)
    # What members may do in the review desk besides reading (DESIGN.md §6).
    members_process = Boolean(
        default=False,
        help_text="Les membres peuvent traiter les pièces, le statut du dossier et les dates.",
    )  # pieces, dossier status, dates
    members_decide = Boolean(
        default=True, help_text="Les membres peuvent saisir et valider les décisions."
    )  # enter and validate decisions

    commission_centre_code_unique = Unique(["centre", "code"])

    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s", columns=[cls.label])


class Programme(Table, help_text="Formation proposée : ce à quoi le candidat candidate."):
    """Formation (offre): what a candidate applies to."""

    commission = ForeignKey(Commission, on_delete=OnDelete.restrict, index=True, null=False)
    code = Varchar(length=30)
    label = Varchar(length=500)
    group_label = Varchar(
        length=300,
        default="",
        help_text="Niveau intermédiaire de l'arbre de l'offre (regroupement).",
    )  # the offer tree's middle level
    keywords = Varchar(length=500, default="")
    active = Boolean(default=True)
    online_documents = Boolean(
        default=True, help_text="Dossier dématérialisé : les pièces sont déposées en ligne."
    )  # "Dossier dématérialisé"
    processing_type = Varchar(
        length=2,
        choices=ProcessingTypeChoices,
        default=ProcessingType.CONTROLLED.value,
        help_text="Type de traitement proposé aux nouvelles candidatures.",
    )
    capacity = Integer(null=True, default=None)
    waiting_list = Boolean(default=False)
    deposit_start = Date()
    deposit_end = Date()
    return_date = Date(help_text="Date limite de retour du dossier complet.")
    jury_date = Date(null=True, default=None)
    publication_date = Date(null=True, default=None)
    confirmation_date = Date(null=True, default=None)
    confirmation_delay_days = Integer(
        null=True,
        default=None,
        help_text="Délai de confirmation en jours après la décision (exclusif avec la date de confirmation).",
    )

    return_reminder_first_days = Integer(
        null=True,
        default=7,
        help_text="Premier rappel aux candidats dont le dossier n'est pas transmis, ce nombre "
        "de jours avant la date de retour (vide : aucun).",
    )
    return_reminder_second_days = Integer(
        null=True,
        default=2,
        help_text="Second rappel, ce nombre de jours avant la date de retour (vide : aucun).",
    )

    programme_commission_code_unique = Unique(["commission", "code"])
    processing_type_check = one_of("processing_type", ProcessingType)
    window_check = Check("deposit_end >= deposit_start")
    return_check = Check("return_date >= deposit_end")
    confirmation_check = Check("confirmation_date IS NULL OR confirmation_delay_days IS NULL")

    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s", columns=[cls.label])


class RequiredPiece(
    Table, help_text="Pièce justificative demandée par les formations d'une campagne."
):
    """Pièce justificative asked for by programmes."""

    campaign = ForeignKey(Campaign, on_delete=OnDelete.restrict, index=True, null=False)
    code = Varchar(length=30)
    label_fr = Varchar(length=300)
    label_en = Varchar(length=300, default="")
    position = Integer(default=0)
    common = Boolean(
        default=False, help_text="Un seul fichier servant à toutes les candidatures du candidat."
    )  # one file reused by all the candidate's applications
    unique_per_application = Boolean(
        default=False, help_text="Avec « commune » : un fichier par candidature."
    )  # with common: one file per application
    conditional = Boolean(
        default=False, help_text="Le candidat peut répondre « Non concerné »."
    )  # "non concerné" allowed
    processing_type = Varchar(
        length=2,
        choices=ProcessingTypeChoices,
        null=True,
        default=None,
        help_text="Demandée seulement pour ce type de traitement (vide : toujours).",
    )
    template_file = Varchar(length=200, default="")

    required_piece_campaign_code_unique = Unique(["campaign", "code"])
    processing_type_check = one_of("processing_type", ProcessingType, nullable=True)

    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s", columns=[cls.label_fr])


class ProgrammePiece(
    Table,
    help_text=(
        "Pièces demandées par une formation. Ajouter ou retirer une pièce vaut pour les "
        "candidatures pas encore transmises ; une candidature transmise garde les pièces "
        "demandées au moment de sa transmission."
    ),
):
    """A piece a programme asks for. Applications follow this list until they are
    transmitted; a transmitted application keeps its own rows (``SubmittedPiece``)."""

    programme = ForeignKey(Programme, on_delete=OnDelete.cascade, index=True, null=False)
    piece = ForeignKey(RequiredPiece, on_delete=OnDelete.restrict, index=True, null=False)

    programme_piece_unique = Unique(["programme", "piece"])

    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s — %s", columns=[cls.programme.label, cls.piece.label_fr])


class DecisionType(
    Table,
    help_text="Types de décision proposés aux commissions ; l'avis dit ce que la décision signifie.",
):
    code = Varchar(length=20, unique=True)
    label_fr = Varchar(length=200)
    label_en = Varchar(length=200, default="")
    verdict = Varchar(
        length=2,
        choices=VerdictChoices,
        help_text="Ce que la décision signifie ; ne change plus quand une décision l'utilise.",
    )
    final = Boolean(default=True, help_text="Décision définitive (sinon : étape intermédiaire).")
    show_comment = Boolean(
        default=True, help_text="Le commentaire de la décision est montré au candidat."
    )
    active = Boolean(default=True)

    verdict_check = one_of("verdict", Verdict)

    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s", columns=[cls.label_fr])


class RefusalReason(Table, help_text="Motifs de refus proposés avec une décision défavorable."):
    code = Varchar(length=20, unique=True)
    label_fr = Varchar(length=300)
    label_en = Varchar(length=300, default="")
    active = Boolean(default=True)

    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s", columns=[cls.label_fr])
