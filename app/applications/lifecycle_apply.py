"""Applying to a programme (DESIGN.md §4 "Applications", guide §05.1)."""

from __future__ import annotations

import sqlite3

from asyncpg.exceptions import UniqueViolationError

from app.applications.lifecycle_base import (
    AuditAction,
    Change,
    LifecycleRefused,
    Refusal,
    audit,
    refuse,
)
from app.applications.lifecycle_mail import mail_candidate
from app.applications.piece_counter import move_pieces_to_review, to_review
from app.applications.queries import application_view
from app.clock import now, today
from app.core.actor import Actor
from app.core.codes.applications import DossierStatus, PieceStatus, ProcessingType
from app.core.codes.mail import MailCode
from app.db import write_transaction
from app.dossier.completeness import dossier_completeness
from app.dossier.queries import candidate_of
from app.settings import get_settings
from app.tables.accounts import CandidateAccount
from app.tables.applications import Application, SubmittedPiece
from app.tables.catalog import Programme, ProgrammePiece

LIVE_APPLICATION_INDEX = "application_one_live_per_programme"
# SQLite names the columns of the violated index, not the index.
_SQLITE_LIVE_DUPLICATE = "application.candidate, application.programme"

SHAREABLE = (PieceStatus.TRANSMITTED.value, PieceStatus.VALIDATED.value)


def _is_live_duplicate(exc: BaseException) -> bool:
    """The partial unique index refused a second live application (a concurrent apply
    got there first)."""
    if isinstance(exc, UniqueViolationError):
        return LIVE_APPLICATION_INDEX in str(exc)
    return isinstance(exc, sqlite3.IntegrityError) and _SQLITE_LIVE_DUPLICATE in str(exc)


async def _open_programme(programme_id: int, account_id: int) -> dict:
    """The programme if a candidate of this account may apply to it today."""
    programme = (
        await Programme.select(
            Programme.all_columns(),
            Programme.commission.centre.as_alias("centre_id"),
            Programme.commission.centre.active.as_alias("centre_active"),
            Programme.commission.centre.max_wishes.as_alias("centre_max_wishes"),
            Programme.commission.centre.campaign.as_alias("campaign_id"),
            Programme.commission.centre.campaign.active.as_alias("campaign_active"),
        )
        .where(Programme.id == programme_id)
        .first()
    )
    if programme is None:
        raise refuse(Refusal.NOT_FOUND)
    account = (
        await CandidateAccount.select(CandidateAccount.campaign)
        .where(CandidateAccount.id == account_id)
        .first()
    )
    is_open = (
        programme["active"]
        and programme["centre_active"]
        and programme["campaign_active"]
        and account is not None
        and account["campaign"] == programme["campaign_id"]
        and programme["deposit_start"] <= today() <= programme["deposit_end"]
    )
    if not is_open:
        raise refuse(Refusal.PROGRAMME_CLOSED)
    return programme


async def _check_wishes(candidate_id: int, programme: dict) -> None:
    live = await Application.select(
        Application.programme,
        Application.programme.commission.centre.as_alias("centre_id"),
    ).where((Application.candidate == candidate_id) & Application.cancelled_at.is_null())
    if any(row["programme"] == programme["id"] for row in live):
        raise refuse(Refusal.ALREADY_APPLIED)
    in_centre = sum(row["centre_id"] == programme["centre_id"] for row in live)
    centre_limit = programme["centre_max_wishes"]
    if len(live) >= get_settings().max_wishes or (
        centre_limit is not None and in_centre >= centre_limit
    ):
        raise refuse(Refusal.TOO_MANY_WISHES)


async def _first_pieces(application_id: int, candidate_id: int, programme: dict) -> None:
    """One row per piece the programme asks for this processing type: AT, or TR with
    the file the candidate already gave for a shared common piece."""
    processing = programme["processing_type"]
    asked = await ProgrammePiece.select(
        ProgrammePiece.piece,
        ProgrammePiece.piece.common.as_alias("common"),
        ProgrammePiece.piece.unique_per_application.as_alias("unique"),
    ).where(
        (ProgrammePiece.programme == programme["id"])
        & (
            ProgrammePiece.piece.processing_type.is_null()
            | (ProgrammePiece.piece.processing_type == processing)
        )
    )
    shared_ids = [row["piece"] for row in asked if row["common"] and not row["unique"]]
    given: dict[int, int] = {}
    if shared_ids:
        rows = (
            await SubmittedPiece.select(SubmittedPiece.piece, SubmittedPiece.file)
            .where(
                (SubmittedPiece.application.candidate == candidate_id)
                & SubmittedPiece.application.cancelled_at.is_null()
                & (SubmittedPiece.application != application_id)
                & SubmittedPiece.piece.is_in(shared_ids)
                & SubmittedPiece.superseded_at.is_null()
                & SubmittedPiece.status.is_in(list(SHAREABLE))
                & SubmittedPiece.file.is_not_null()
            )
            .order_by(SubmittedPiece.id)
        )
        given = {row["piece"]: row["file"] for row in rows}  # the latest wins
    moment = now()
    rows = [
        SubmittedPiece(
            application=application_id,
            piece=row["piece"],
            file=given.get(row["piece"]),
            status=(
                PieceStatus.TRANSMITTED if row["piece"] in given else PieceStatus.WAITING
            ).value,
            changed_at=moment,
        )
        for row in asked
    ]
    if rows:
        await SubmittedPiece.insert(*rows)
        await move_pieces_to_review(application_id, to_review(row.status for row in rows))


async def _apply(account_id: int, programme_id: int) -> Change:
    # Locks the candidate row on PostgreSQL: two applies of one candidate run one after
    # the other, so the duplicate and wish-count checks below see each other's rows.
    candidate = await candidate_of(account_id, for_update=True)
    if candidate is None:
        raise refuse(Refusal.DOSSIER_INCOMPLETE)
    programme = await _open_programme(programme_id, account_id)
    if not (await dossier_completeness(account_id)).ok:
        raise refuse(Refusal.DOSSIER_INCOMPLETE)
    await _check_wishes(candidate["id"], programme)
    processing = ProcessingType(programme["processing_type"])
    moment = now()
    application = Application(
        candidate=candidate["id"],
        programme=programme_id,
        status=DossierStatus.WAITING.value,
        processing_type=processing.value,
        # Accès contrôlé needs no staff validation; Accès direct (and En attente) do.
        processing_type_validated=processing is ProcessingType.CONTROLLED,
        created_at=moment,
        status_changed_at=moment,
    )
    await application.save()
    await _first_pieces(application.id, candidate["id"], programme)
    actor = Actor.candidate(account_id)
    await audit(
        actor,
        AuditAction.APPLICATION_CREATED,
        application_id=application.id,
        visible=True,
        programme_id=programme_id,
    )
    view = await application_view(application.id)
    mail_id = await mail_candidate(view, MailCode.APPLICATION_CREATED)
    return Change(application_id=application.id, mail_ids=[mail_id])


async def apply(*, account_id: int, programme_id: int) -> Change:
    """The candidate applies to a programme.

    Check: programme (and its centre and campaign) active, the account's campaign, today
    (Paris) inside the deposit window, identity + address + bac complete, no live
    application to it, fewer live applications than ``settings.max_wishes`` (and than
    the centre's ``max_wishes`` within that centre). Write: the application AT with the
    programme's processing type (AC validated at once), one piece row per asked piece
    (a shared common piece already given is reused, TR). Audit:
    ``application_created`` (visible). Mail: APPLICATION_CREATED to the candidate.
    """
    try:
        async with write_transaction():
            return await _apply(account_id, programme_id)
    except LifecycleRefused:
        raise
    except Exception as exc:
        # Backstop of the check in _check_wishes: the partial unique index.
        if _is_live_duplicate(exc):
            raise refuse(Refusal.ALREADY_APPLIED) from exc
        raise
