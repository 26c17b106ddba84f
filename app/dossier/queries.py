"""Reading the candidate's own dossier rows (never another candidate's)."""

from __future__ import annotations

from piccolo.columns import Column
from piccolo.engine import engine_finder
from piccolo.engine.postgres import PostgresEngine
from piccolo.table import Table

from app.tables.accounts import CandidateAccount
from app.tables.applications import Application
from app.tables.dossier import (
    Address,
    Baccalaureate,
    Candidate,
    InternalStudy,
    Internship,
    PriorStudy,
    WorkExperience,
)


async def row_with(table: type[Table], row_id: int, **joined: Column) -> dict | None:
    """The row ``row_id`` of ``table`` and, under each keyword, a column of a row it
    points at (``serie_label=Baccalaureate.serie.label``): what a page shows as text."""
    aliased = [column.as_alias(alias) for alias, column in joined.items()]
    return await table.select(table.all_columns(), *aliased).where(table.id == row_id).first()


async def candidate_of(account_id: int, *, for_update: bool = False) -> dict | None:
    """The account's Candidate row. ``for_update`` (inside a write transaction) keeps
    a concurrent change of the same dossier waiting on PostgreSQL; SQLite's IMMEDIATE
    transactions already serialise writers."""
    query = Candidate.select().where(Candidate.account == account_id)
    if for_update and isinstance(engine_finder(), PostgresEngine):
        query = query.lock_rows()
    return await query.first()


async def campaign_archived(account_id: int) -> bool:
    """The account's campaign is archived: its dossier is read-only (issue 11)."""
    return await CandidateAccount.exists().where(
        (CandidateAccount.id == account_id) & CandidateAccount.campaign.archived_at.is_not_null()
    )


async def has_live_application(candidate_id: int) -> bool:
    """Any application of this candidate that has not been cancelled."""
    return await Application.exists().where(
        (Application.candidate == candidate_id) & Application.cancelled_at.is_null()
    )


async def address_of(candidate: dict) -> dict | None:
    if candidate["address"] is None:
        return None
    return await Address.select().where(Address.id == candidate["address"]).first()


async def bac_of(candidate_id: int) -> dict | None:
    return await Baccalaureate.select().where(Baccalaureate.candidate == candidate_id).first()


async def prior_studies_of(candidate_id: int) -> list[dict]:
    """Cursus externe, by year as in the guide's example table, with the labels shown."""
    return (
        await PriorStudy.select(
            PriorStudy.all_columns(),
            PriorStudy.country.name_fr.as_alias("country_name"),
            PriorStudy.departement.name.as_alias("departement_name"),
            PriorStudy.commune.name.as_alias("commune_name"),
            PriorStudy.diploma_type.code.as_alias("diploma_code"),
            PriorStudy.diploma_type.label.as_alias("diploma_label"),
            PriorStudy.mention.label.as_alias("mention_label"),
        )
        .where(PriorStudy.candidate == candidate_id)
        .order_by(PriorStudy.year)
        .order_by(PriorStudy.id)
    )


async def internal_studies_of(candidate_id: int) -> list[dict]:
    return (
        await InternalStudy.select()
        .where(InternalStudy.candidate == candidate_id)
        .order_by(InternalStudy.year)
        .order_by(InternalStudy.id)
    )


async def internships_of(candidate_id: int) -> list[dict]:
    return (
        await Internship.select()
        .where(Internship.candidate == candidate_id)
        .order_by(Internship.year)
        .order_by(Internship.id)
    )


async def experiences_of(candidate_id: int) -> list[dict]:
    return (
        await WorkExperience.select()
        .where(WorkExperience.candidate == candidate_id)
        .order_by(WorkExperience.year)
        .order_by(WorkExperience.id)
    )


async def row_of(table, candidate_id: int, row_id: int) -> dict | None:
    """One row of a many-rows section, only when it belongs to this candidate."""
    return (
        await table.select().where((table.id == row_id) & (table.candidate == candidate_id)).first()
    )
