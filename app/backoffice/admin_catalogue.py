"""The admin's "Offre de formation" group: campaigns, centres, commissions, programmes,
pieces, decision types and refusal reasons."""

from __future__ import annotations

from piccolo.table import Table
from piccolo_admin.endpoints import TableConfig
from piccolo_api.crud.validators import Validators

from app.backoffice.admin_signature import SignatureMedia
from app.backoffice.admin_table import pairs_table, table
from app.backoffice.config_rules import (
    archived_rules,
    campaign_rules,
    decision_type_rules,
    programme_rules,
)
from app.backoffice.validators import combined
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


def offer_table(
    table_class: type[Table], *, rules: Validators | None = None, **layout
) -> TableConfig:
    """A table of a campaign's offer: frozen with its campaign once archived (issue 11),
    and checked by the table's own ``rules`` if any. ``layout``: as for ``table()``."""
    guard = archived_rules()
    return table(table_class, validators=combined(guard, rules) if rules else guard, **layout)


def catalogue_configs() -> list[TableConfig]:
    return [
        offer_table(
            Campaign,
            columns="code label_fr academic_year start_date end_date active archived_at",
            filters="code academic_year active",
            link="code",
            order="-start_date",
            rules=campaign_rules(),
        ),
        offer_table(
            Centre,
            columns="code label campaign position active contact_email",
            filters="campaign code label active",
            link="label",
            order="position label",
        ),
        offer_table(
            Commission,
            columns="code label centre email signatory signature_image",
            filters="centre code label",
            link="label",
            # The signature printed on letters: a JPEG uploaded through the admin.
            media=[SignatureMedia()],
        ),
        offer_table(
            Programme,
            columns="code label commission processing_type deposit_start deposit_end "
            "return_date active",
            filters="commission code label processing_type active deposit_start deposit_end",
            link="label",
            rules=programme_rules(),
        ),
        offer_table(
            RequiredPiece,
            columns="code label_fr campaign position common conditional processing_type",
            filters="campaign code label_fr common conditional",
            link="label_fr",
            order="position code",
        ),
        pairs_table(ProgrammePiece, "programme piece", archived_rules()),
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
