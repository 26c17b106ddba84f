"""Demo data: the eCesure 2026/2027 campaign of the candidate guide, ready to click through.

Idempotent: every row is found by its code and brought up to date, so a second run
creates nothing, and switching between development dates and the guide's dates only
updates the dates. Not for production: the staff passwords are public.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from piccolo.table import Table

from app import clock
from app.backoffice.staff_members import upsert_staff_user
from app.core.codes.applications import ProcessingType
from app.db import write_transaction
from app.demo.application import ensure_demo_application
from app.demo.data import (
    CAMPAIGN_CODE,
    CAMPAIGN_LABEL_FR,
    CENTRES,
    CONTACT,
    DECISION_TYPES,
    DEMO_CANDIDATE,
    GROUP_LABEL,
    GUIDE_DATES,
    MAIL_DOMAIN,
    PIECES,
    REFUSAL_REASONS,
    STAFF,
    DemoDates,
    DemoSummary,
    demo_students,
    dev_dates,
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


class _Upserter:
    """Find a row by its key, insert it or update what differs, and count both."""

    def __init__(self) -> None:
        self.created: Counter[str] = Counter()
        self.updated: Counter[str] = Counter()

    async def __call__(self, table: type[Table], key: dict[str, Any], **values: Any) -> int:
        kind = table._meta.tablename
        conditions = [getattr(table, name) == value for name, value in key.items()]
        row = await table.select().where(*conditions).first()
        if row is None:
            inserted = await table.insert(table(**key, **values))
            self.created[kind] += 1
            return inserted[0]["id"]
        changes = {name: value for name, value in values.items() if row[name] != value}
        if changes:
            await table.update(changes).where(table.id == row["id"])
            self.updated[kind] += 1
        return row["id"]


async def _campaign(upsert: _Upserter, dates: DemoDates) -> int:
    # Exactly one campaign may be active (partial unique index): the demo takes over.
    await Campaign.update({Campaign.active: False}).where(
        Campaign.active.eq(True) & (Campaign.code != CAMPAIGN_CODE)
    )
    return await upsert(
        Campaign,
        {"code": CAMPAIGN_CODE},
        label_fr=CAMPAIGN_LABEL_FR,
        label_en="eCesure campaign 2026/2027",
        academic_year="2026/2027",
        start_date=dates.campaign_start,
        end_date=dates.campaign_end,
        active=True,
    )


async def _pieces(upsert: _Upserter, campaign_id: int) -> list[int]:
    return [
        await upsert(
            RequiredPiece,
            {"campaign": campaign_id, "code": piece.code},
            label_fr=piece.label_fr,
            label_en=piece.label_en,
            position=position,
            common=piece.common,
            conditional=piece.conditional,
        )
        for position, piece in enumerate(PIECES, 1)
    ]


async def _centre(upsert: _Upserter, campaign_id: int, position: int, code: str, label: str) -> int:
    slug = code.lower()
    centre_id = await upsert(
        Centre,
        {"campaign": campaign_id, "code": code},
        label=label,
        position=position,
        active=True,
        contact_email=f"cesure-{slug}@{MAIL_DOMAIN}",
        **CONTACT,
    )
    return await upsert(
        Commission,
        {"centre": centre_id, "code": code},
        label=label,
        email=f"commission-{slug}@{MAIL_DOMAIN}",
        signatory="La présidence de la commission césure",
        # The demo's commission members run the whole review (pieces, status, decisions).
        members_process=True,
        members_decide=True,
        return_instructions_fr="Procédure dématérialisée : déposez vos pièces en ligne, "
        "puis transmettez votre candidature avant la date limite de retour.",
        return_instructions_en="Online procedure: upload your documents, then submit your "
        "application before the return deadline.",
        **CONTACT,
    )


async def _programme(
    upsert: _Upserter, commission_id: int, code: str, label: str, dates: DemoDates
) -> int:
    return await upsert(
        Programme,
        {"commission": commission_id, "code": code},
        label=label,
        group_label=GROUP_LABEL,
        keywords="césure",
        active=True,
        online_documents=True,
        processing_type=ProcessingType.CONTROLLED.value,
        deposit_start=dates.deposit_start,
        deposit_end=dates.deposit_end,
        return_date=dates.return_date,
        jury_date=dates.jury_date,
        publication_date=dates.publication_date,
        confirmation_date=dates.confirmation_date,
    )


async def _catalogue(upsert: _Upserter, dates: DemoDates) -> None:
    campaign_id = await _campaign(upsert, dates)
    piece_ids = await _pieces(upsert, campaign_id)
    for position, centre in enumerate(CENTRES, 1):
        commission_id = await _centre(upsert, campaign_id, position, centre.code, centre.label)
        for code, label in centre.programmes:
            programme_id = await _programme(upsert, commission_id, code, label, dates)
            for piece_id in piece_ids:
                await upsert(ProgrammePiece, {"programme": programme_id, "piece": piece_id})
    for decision in DECISION_TYPES:
        await upsert(
            DecisionType,
            {"code": decision.code},
            label_fr=decision.label_fr,
            label_en=decision.label_en,
            verdict=decision.verdict.value,
            final=decision.final,
            active=True,
        )
    for code, label_fr, label_en in REFUSAL_REASONS:
        await upsert(RefusalReason, {"code": code}, label_fr=label_fr, label_en=label_en)


async def load_demo_data(*, guide_dates: bool = False) -> DemoSummary:
    """Create or refresh the demo campaign, its offer, decision types, staff and students.

    ``guide_dates`` uses the candidate guide's dates (deposit 01/06/2026 → 01/07/2026)
    instead of a window open today. Runs in one transaction.
    """
    dates = GUIDE_DATES if guide_dates else dev_dates(clock.today())
    upsert = _Upserter()
    async with write_transaction():
        await _catalogue(upsert, dates)
        for staff in STAFF:
            result = await upsert_staff_user(
                username=staff.username,
                email=staff.email,
                password=staff.password,
                role=staff.role,
                centre_codes=staff.centre_codes,
                commission_codes=staff.commission_codes,
                display_name=staff.display_name,
                campaign_code=CAMPAIGN_CODE,
            )
            if result.created:
                upsert.created["staff"] += 1
    # After the catalogue's transaction: the lifecycle runs its own, as for a candidate.
    application = await ensure_demo_application(DEMO_CANDIDATE, CAMPAIGN_CODE)
    if application == "created":
        upsert.created["application"] += 1
    programmes = sum(len(centre.programmes) for centre in CENTRES)
    return DemoSummary(
        campaign_code=CAMPAIGN_CODE,
        campaign_label=CAMPAIGN_LABEL_FR,
        dates=dates,
        counts={
            "centres": len(CENTRES),
            "commissions": len(CENTRES),
            "programmes": programmes,
            "pieces": len(PIECES),
            "decision_types": len(DECISION_TYPES),
            "refusal_reasons": len(REFUSAL_REASONS),
            "staff": len(STAFF),
        },
        created=upsert.created,
        updated=upsert.updated,
        students=demo_students(),
        application=application,
    )
