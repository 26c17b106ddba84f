"""The admin's "Offre de formation" group: campaigns, centres, commissions, programmes,
pieces, decision types and refusal reasons."""

from __future__ import annotations

from piccolo_admin.endpoints import TableConfig

from app.backoffice.admin_signature import SignatureMedia
from app.backoffice.admin_table import pairs_table, table
from app.backoffice.config_rules import (
    campaign_rules,
    decision_type_rules,
    offer_rules,
    programme_rules,
)
from app.tables.catalog import (
    Campaign,
    Centre,
    Commission,
    DecisionType,
    Programme,
    ProgrammePiece,
    RefusalReason,
    RequiredPiece,
)


def catalogue_configs() -> list[TableConfig]:
    return [
        table(
            Campaign,
            columns="code label_fr academic_year start_date end_date active archived_at",
            filters="code academic_year active",
            link="code",
            order="-start_date",
            validators=campaign_rules(),
        ),
        table(
            Centre,
            columns="code label campaign position active contact_email",
            filters="campaign code label active",
            link="label",
            order="position label",
            validators=offer_rules(),
        ),
        table(
            Commission,
            columns="code label centre email signatory signature_image",
            filters="centre code label",
            link="label",
            validators=offer_rules(),
            # The signature printed on letters: a JPEG uploaded through the admin.
            media=[SignatureMedia()],
        ),
        table(
            Programme,
            columns="code label commission processing_type deposit_start deposit_end "
            "return_date active",
            filters="commission code label processing_type active deposit_start deposit_end",
            link="label",
            validators=programme_rules(),
        ),
        table(
            RequiredPiece,
            columns="code label_fr campaign position common conditional processing_type",
            filters="campaign code label_fr common conditional",
            link="label_fr",
            order="position code",
            validators=offer_rules(),
        ),
        pairs_table(ProgrammePiece, "programme piece", offer_rules()),
        table(
            DecisionType,
            columns="code label_fr verdict final active",
            filters="verdict active",
            link="label_fr",
            order="code",
            validators=decision_type_rules(),
        ),
        table(
            RefusalReason,
            columns="code label_fr active",
            filters="code active",
            link="label_fr",
            order="code",
        ),
    ]
