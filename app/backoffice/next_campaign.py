"""The central office closes a year: archive a campaign and open the next one.

The new campaign starts as a copy of the archived one's offer: its centres,
commissions, programmes, required pieces and the programmes' pieces, with every date
moved forward (one year, or a given number of days), and the staff's centre and
commission scopes follow their centre or commission. Candidates' accounts and
applications stay with the archived campaign. All of it in one transaction with its
audit events: a refused or failed copy leaves both campaigns as they were.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from piccolo.columns import Column
from piccolo.table import Table

from app.applications.lifecycle_base import require_staff
from app.audit import record_event
from app.clock import now
from app.core.actor import Actor
from app.db import write_transaction
from app.refused import Refused
from app.tables.backoffice import StaffCentre, StaffCommission
from app.tables.catalog import (
    Campaign,
    Centre,
    Commission,
    Programme,
    ProgrammePiece,
    RequiredPiece,
)

CAMPAIGN_ARCHIVED = "campaign_archived"
CAMPAIGN_OPENED = "campaign_opened"
CAMPAIGN_DATES = ("start_date", "end_date", "candidate_end_date")
PROGRAMME_DATES = (
    "deposit_start",
    "deposit_end",
    "return_date",
    "jury_date",
    "publication_date",
    "confirmation_date",
)


class NextCampaignRefusal(StrEnum):
    NOT_FOUND = "not_found"
    ARCHIVED = "archived"  # already archived: its successor exists
    NOT_ACTIVE = "not_active"  # another campaign is the current one
    CODE_TAKEN = "code_taken"


class NextCampaignRefused(Refused[NextCampaignRefusal]):
    """The next campaign cannot be opened from this one; nothing was written."""


@dataclass
class NextCampaign:
    archived_id: int
    opened_id: int
    copied: dict[str, int] = field(default_factory=dict)
    """How many rows of each kind were copied, by table name."""


def shift_date(value: date | None, days: int | None) -> date | None:
    """``value`` moved ``days`` forward, or one year when ``days`` is None (29 February
    becomes 28 February)."""
    if value is None:
        return None
    if days is not None:
        return value + timedelta(days=days)
    try:
        return value.replace(year=value.year + 1)
    except ValueError:
        return value.replace(year=value.year + 1, day=28)


async def _copy(
    table: type[Table], rows: list[dict], changes: dict[str, Any], remap: dict[str, dict]
) -> dict[int, int]:
    """Insert a copy of each row: ``changes`` set columns, ``remap`` maps foreign keys
    from old to new ids. Returns old id → new id."""
    ids: dict[int, int] = {}
    for row in rows:
        values = {k: v for k, v in row.items() if k != "id"}
        values.update(changes)
        for column, mapping in remap.items():
            values[column] = mapping[row[column]]
        copy = table(**values)
        await copy.save()
        ids[row["id"]] = copy.id
    return ids


def _shifted(row: dict, names: tuple[str, ...], days: int | None) -> dict:
    return {**row, **{name: shift_date(row[name], days) for name in names}}


async def open_next_campaign(
    *,
    campaign_id: int,
    code: str,
    label_fr: str,
    label_en: str,
    academic_year: str,
    shift_days: int | None,
    actor: Actor,
) -> NextCampaign:
    """Archive campaign ``campaign_id`` and open its successor, a copy of its offer.

    Check: staff actor, the campaign exists, is the active one and not archived,
    ``code`` is free.
    Write: the old campaign ``active = false, archived_at = now``; a new active campaign
    (``previous`` = the old one) with the dates shifted by ``shift_days`` (None: one
    year); copies of its centres, commissions, programmes (dates shifted), required
    pieces, programme pieces and staff scopes. Audit: ``campaign_archived`` and
    ``campaign_opened`` (with the counts). Mail: none.
    """
    require_staff(actor)
    async with write_transaction():
        old = await Campaign.select().where(Campaign.id == campaign_id).first()
        if old is None:
            raise NextCampaignRefused(NextCampaignRefusal.NOT_FOUND)
        if old["archived_at"] is not None:
            raise NextCampaignRefused(NextCampaignRefusal.ARCHIVED)
        # The successor becomes the active campaign: only the active one hands over.
        if not old["active"]:
            raise NextCampaignRefused(NextCampaignRefusal.NOT_ACTIVE)
        if await Campaign.exists().where(Campaign.code == code):
            raise NextCampaignRefused(NextCampaignRefusal.CODE_TAKEN)
        # Off first: one active campaign at a time (partial unique index).
        archived = (
            await Campaign.update({Campaign.active: False, Campaign.archived_at: now()})
            .where((Campaign.id == campaign_id) & Campaign.archived_at.is_null())
            .returning(Campaign.id)
        )
        if not archived:
            raise NextCampaignRefused(NextCampaignRefusal.ARCHIVED)
        new_id = (
            await _copy(
                Campaign,
                [_shifted(old, CAMPAIGN_DATES, shift_days)],
                {
                    "code": code,
                    "label_fr": label_fr,
                    "label_en": label_en,
                    "academic_year": academic_year,
                    "active": True,
                    "archived_at": None,
                    "previous": campaign_id,
                },
                {},
            )
        )[campaign_id]
        copied = await _copy_offer(campaign_id, new_id, shift_days)
        await record_event(
            actor_kind=actor.kind,
            actor_id=actor.id,
            action=CAMPAIGN_ARCHIVED,
            entity="campaign",
            entity_id=campaign_id,
            data={"code": old["code"], "next": new_id, "next_code": code},
        )
        await record_event(
            actor_kind=actor.kind,
            actor_id=actor.id,
            action=CAMPAIGN_OPENED,
            entity="campaign",
            entity_id=new_id,
            data={
                "code": code,
                "previous": campaign_id,
                "shift_days": shift_days,
                "copied": copied,
            },
        )
    return NextCampaign(campaign_id, new_id, copied)


async def _rows_under(table: type[Table], parent: Column, parent_ids) -> list[dict]:
    """The rows of ``table`` whose ``parent`` is one of ``parent_ids``, in id order."""
    return await table.select().where(parent.is_in(list(parent_ids) or [0])).order_by(table.id)


async def _copy_offer(campaign_id: int, new_id: int, shift_days: int | None) -> dict[str, int]:
    """Copy the offer of ``campaign_id`` into campaign ``new_id``; the counts."""
    centres = await _rows_under(Centre, Centre.campaign, [campaign_id])
    centre_ids = await _copy(Centre, centres, {"campaign": new_id}, {})
    commissions = await _rows_under(Commission, Commission.centre, centre_ids)
    commission_ids = await _copy(Commission, commissions, {}, {"centre": centre_ids})
    programmes = await _rows_under(Programme, Programme.commission, commission_ids)
    programme_ids = await _copy(
        Programme,
        [_shifted(row, PROGRAMME_DATES, shift_days) for row in programmes],
        {},
        {"commission": commission_ids},
    )
    pieces = await _rows_under(RequiredPiece, RequiredPiece.campaign, [campaign_id])
    piece_ids = await _copy(RequiredPiece, pieces, {"campaign": new_id}, {})
    links = await _rows_under(ProgrammePiece, ProgrammePiece.programme, programme_ids)
    links_ids = await _copy(
        ProgrammePiece, links, {}, {"programme": programme_ids, "piece": piece_ids}
    )
    centre_scopes = await _rows_under(StaffCentre, StaffCentre.centre, centre_ids)
    centre_scope_ids = await _copy(StaffCentre, centre_scopes, {}, {"centre": centre_ids})
    commission_scopes = await _rows_under(
        StaffCommission, StaffCommission.commission, commission_ids
    )
    commission_scope_ids = await _copy(
        StaffCommission, commission_scopes, {}, {"commission": commission_ids}
    )
    return {
        "centre": len(centre_ids),
        "commission": len(commission_ids),
        "programme": len(programme_ids),
        "required_piece": len(piece_ids),
        "programme_piece": len(links_ids),
        "staff_centre": len(centre_scope_ids),
        "staff_commission": len(commission_scope_ids),
    }
