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
from piccolo.constraints import Check, Unique
from piccolo.table import Table

from app.applications.codes import ProcessingType, Verdict
from app.db import one_of


class Campaign(Table):
    """One per academic year; exactly one is active (partial unique index)."""

    code = Varchar(length=20, unique=True)
    label_fr = Varchar(length=200)
    label_en = Varchar(length=200, default="")
    academic_year = Varchar(length=9)  # "2026/2027": the authorisation's validity
    start_date = Date()
    end_date = Date()
    candidate_end_date = Date(null=True, default=None)
    active = Boolean(default=False, index=True)
    archived_at = Timestamptz(null=True, default=None)
    previous = ForeignKey("self", null=True, on_delete=OnDelete.set_null)

    dates_check = Check("end_date >= start_date")


class Centre(Table):
    """Centre de candidature: a faculty or department grouping programmes."""

    campaign = ForeignKey(Campaign, on_delete=OnDelete.restrict, index=True, null=False)
    code = Varchar(length=30)
    label = Varchar(length=300)
    position = Integer(default=0)
    active = Boolean(default=True)
    contact_email = Varchar(length=200, default="")
    contact_phone = Varchar(length=30, default="")
    address_lines = Text(default="")
    postal_code = Varchar(length=10, default="")
    city = Varchar(length=100, default="")
    max_wishes = Integer(null=True, default=None)

    centre_campaign_code_unique = Unique(["campaign", "code"])


class Commission(Table):
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
    signatory = Varchar(length=200, default="")
    return_instructions_fr = Text(default="")
    return_instructions_en = Text(default="")
    alert_on_transmission = Boolean(default=True)
    alert_on_cancellation = Boolean(default=True)
    alert_on_withdrawal = Boolean(default=True)
    # What members may do in the review desk besides reading (DESIGN.md §6).
    members_process = Boolean(default=False)  # pieces, dossier status, dates
    members_decide = Boolean(default=True)  # enter and validate decisions

    commission_centre_code_unique = Unique(["centre", "code"])


class Programme(Table):
    """Formation (offre): what a candidate applies to."""

    commission = ForeignKey(Commission, on_delete=OnDelete.restrict, index=True, null=False)
    code = Varchar(length=30)
    label = Varchar(length=500)
    group_label = Varchar(length=300, default="")  # the offer tree's middle level
    keywords = Varchar(length=500, default="")
    active = Boolean(default=True)
    online_documents = Boolean(default=True)  # "Dossier dématérialisé"
    processing_type = Varchar(
        length=2, choices=ProcessingType, default=ProcessingType.CONTROLLED.value
    )
    capacity = Integer(null=True, default=None)
    waiting_list = Boolean(default=False)
    deposit_start = Date()
    deposit_end = Date()
    return_date = Date()
    jury_date = Date(null=True, default=None)
    publication_date = Date(null=True, default=None)
    confirmation_date = Date(null=True, default=None)
    confirmation_delay_days = Integer(null=True, default=None)

    programme_commission_code_unique = Unique(["commission", "code"])
    processing_type_check = one_of("processing_type", ProcessingType)
    window_check = Check("deposit_end >= deposit_start")
    return_check = Check("return_date >= deposit_end")
    confirmation_check = Check("confirmation_date IS NULL OR confirmation_delay_days IS NULL")


class RequiredPiece(Table):
    """Pièce justificative asked for by programmes."""

    campaign = ForeignKey(Campaign, on_delete=OnDelete.restrict, index=True, null=False)
    code = Varchar(length=30)
    label_fr = Varchar(length=300)
    label_en = Varchar(length=300, default="")
    position = Integer(default=0)
    common = Boolean(default=False)  # one file reused by all the candidate's applications
    unique_per_application = Boolean(default=False)  # with common: one file per application
    conditional = Boolean(default=False)  # "non concerné" allowed
    processing_type = Varchar(length=2, choices=ProcessingType, null=True, default=None)
    template_file = Varchar(length=200, default="")

    required_piece_campaign_code_unique = Unique(["campaign", "code"])
    processing_type_check = one_of("processing_type", ProcessingType, nullable=True)


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


class DecisionType(Table):
    code = Varchar(length=20, unique=True)
    label_fr = Varchar(length=200)
    label_en = Varchar(length=200, default="")
    verdict = Varchar(length=2, choices=Verdict)
    final = Boolean(default=True)
    show_comment = Boolean(default=True)
    active = Boolean(default=True)

    verdict_check = one_of("verdict", Verdict)


class RefusalReason(Table):
    code = Varchar(length=20, unique=True)
    label_fr = Varchar(length=300)
    label_en = Varchar(length=300, default="")
    active = Boolean(default=True)
