"""Applications with real uploaded files (stored and submitted through the real
storage and lifecycle functions): the dossier PDF, the desk's ZIP and its benchmark."""

from __future__ import annotations

from collections.abc import Iterable

from app.applications import lifecycle
from app.documents.storage import store_upload
from app.tables.catalog import Campaign, Programme, RequiredPiece
from tests.factories_dossier import make_applicant


async def applicant_with_pieces(
    campaign: Campaign | int,
    programme: Programme,
    files: Iterable[tuple[RequiredPiece, str, bytes]],
    *,
    transmit: bool = True,
    **account,
):
    """A new candidate applies to ``programme``, uploads each (piece, name, bytes) and,
    by default, transmits; returns (account, application id)."""
    applicant = await make_applicant(campaign, **account)
    actor = lifecycle.Actor.candidate(applicant.id)
    change = await lifecycle.apply(account_id=applicant.id, programme_id=programme.id)
    for piece, name, data in files:
        file_id = await store_upload(owner_account_id=applicant.id, filename=name, data=data)
        await lifecycle.submit_piece(
            application_id=change.application_id, piece_id=piece.id, file_id=file_id, actor=actor
        )
    if transmit:
        await lifecycle.transmit(application_id=change.application_id, actor=actor)
    return applicant, change.application_id
