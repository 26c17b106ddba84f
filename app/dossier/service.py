"""Changes to the candidate's dossier: one function per change (DESIGN.md §4 "Dossier").

Each function takes already-validated column values (``app.dossier.forms``), and in one
transaction: reads the dossier, checks the lock rules (``app.dossier.locks``), writes
what changed, and records an audit event naming the changed fields (never their values:
the trail must not copy personal data). Nothing is written when nothing changed.

The many-rows sections live in ``app.dossier.row_changes`` and the completeness check in
``app.dossier.completeness``; both are re-exported here.
"""

from __future__ import annotations

from app.accounts.ine_claims import campaign_of_account, ine_held_elsewhere, lock_ine
from app.audit import record_event
from app.core.codes.applications import ActorKind
from app.core.identity_key import identity_key
from app.db import write_transaction
from app.dossier.completeness import Completeness, MissingItem, dossier_completeness
from app.dossier.locks import DossierLocked, bac_lock, identity_locks, refused_changes
from app.dossier.queries import address_of, bac_of, candidate_of, has_live_application
from app.dossier.row_changes import (
    EXPERIENCE_STORE,
    INTERNSHIP_STORE,
    MAX_ROWS_PER_SECTION,
    PRIOR_STUDY_STORE,
    RowNotFound,
    RowStore,
    TextTooLong,
    TooManyRows,
    add_experience,
    add_internship,
    add_prior_study,
    candidate_for_change,
    delete_experience,
    delete_internship,
    delete_prior_study,
    update_experience,
    update_internship,
    update_prior_study,
)
from app.dossier.row_writes import changed_values, column_values, insert_or_update
from app.tables.dossier import Address, Baccalaureate, Candidate

__all__ = [
    "EXPERIENCE_STORE",
    "INTERNSHIP_STORE",
    "MAX_ROWS_PER_SECTION",
    "PRIOR_STUDY_STORE",
    "Completeness",
    "DossierLocked",
    "IneTaken",
    "MissingItem",
    "RowNotFound",
    "RowStore",
    "TextTooLong",
    "TooManyRows",
    "add_experience",
    "add_internship",
    "add_prior_study",
    "delete_experience",
    "delete_internship",
    "delete_prior_study",
    "dossier_completeness",
    "ensure_candidate",
    "save_address",
    "save_bac",
    "save_identity",
    "update_experience",
    "update_internship",
    "update_prior_study",
]


class IneTaken(Exception):
    """Another dossier of the same campaign already has this INE: the candidate is
    told to use that account (never whose it is)."""


async def _audit(account_id: int, action: str, entity: str, entity_id: int, fields) -> None:
    await record_event(
        actor_kind=ActorKind.CANDIDATE,
        actor_id=account_id,
        action=action,
        entity=entity,
        entity_id=entity_id,
        data={"fields": sorted(fields)},
    )


async def ensure_candidate(*, account_id: int) -> dict:
    """The account's dossier (Candidate row), created empty when missing."""
    candidate = await candidate_of(account_id)
    if candidate is not None:
        return candidate
    async with write_transaction():
        return await candidate_for_change(account_id)


IDENTITY_KEY_PARTS = ("birth_name", "first_name", "birth_date")


async def save_identity(*, account_id: int, changes: dict) -> list[str]:
    """« Informations personnelles ». Check: no live application, imported fields kept
    (else DossierLocked); the INE held by no other dossier of the campaign, under a
    lock so two racing saves cannot both take it (else IneTaken, nothing written).
    Write the Candidate columns that changed, and the duplicate-search key with them;
    audit ``dossier_identity_saved``. Returns the changed column names."""
    async with write_transaction():
        campaign_id = await campaign_of_account(account_id)
        if changes.get("ine"):
            # The INE lock before the dossier's row lock, in the order the student
            # import takes them (app.accounts.sso): two orders could deadlock.
            await lock_ine(campaign_id, changes["ine"])
        candidate = await candidate_for_change(account_id)
        has_application = await has_live_application(candidate["id"])
        locks = identity_locks(candidate, has_application=has_application)
        reason = refused_changes(candidate, changes, locks, has_application=has_application)
        if reason:
            raise DossierLocked(reason)
        diff = changed_values(candidate, changes)
        if diff.get("ine") and await ine_held_elsewhere(
            campaign_id=campaign_id, ine=diff["ine"], candidate_id=candidate["id"]
        ):
            raise IneTaken
        if diff:
            columns = column_values(Candidate, diff)
            if any(part in diff for part in IDENTITY_KEY_PARTS):
                merged = {**candidate, **diff}
                columns[Candidate.identity_key] = identity_key(
                    merged["birth_name"], merged["first_name"], merged["birth_date"]
                )
            await Candidate.update(columns).where(Candidate.id == candidate["id"])
            await _audit(account_id, "dossier_identity_saved", "candidate", candidate["id"], diff)
    return sorted(diff)


async def save_address(*, account_id: int, changes: dict) -> list[str]:
    """« Adresse » (never locked: the guide only freezes the personal information).
    Write the Address row (created on the first save); audit ``dossier_address_saved``."""
    async with write_transaction():
        candidate = await candidate_for_change(account_id)
        address = await address_of(candidate)
        diff, address_id = await insert_or_update(Address, address, changes)
        if address is None:
            await Candidate.update({Candidate.address: address_id}).where(
                Candidate.id == candidate["id"]
            )
        if diff:
            await _audit(account_id, "dossier_address_saved", "address", address_id, diff)
    return sorted(diff)


async def save_bac(*, account_id: int, changes: dict) -> list[str]:
    """« Baccalauréat »: the one bac of the candidate, or "sans bac" (série 0000).
    Check: not imported from the student records (else DossierLocked). Write (insert
    the first time, then update the same row); audit ``dossier_bac_saved``."""
    async with write_transaction():
        candidate = await candidate_for_change(account_id)
        bac = await bac_of(candidate["id"])
        reason = bac_lock(bac)
        if reason:
            raise DossierLocked(reason)
        diff, bac_id = await insert_or_update(
            Baccalaureate, bac, changes, candidate=candidate["id"]
        )
        if diff:
            await _audit(account_id, "dossier_bac_saved", "baccalaureate", bac_id, diff)
    return sorted(diff)
