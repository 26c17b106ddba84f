"""The candidate's pieces: give a file, take it back, declare "non concerné".

A change never edits a SubmittedPiece row: it supersedes the current one (compare-and-
set on ``superseded_at IS NULL``) and inserts the new state, so the history stays.
"""

from __future__ import annotations

from app.applications.lifecycle_base import (
    AuditAction,
    Change,
    Refusal,
    audit,
    load_for_change,
    lock_rows,
    refuse,
)
from app.applications.lifecycle_rules import edit_refusal, piece_refusal
from app.applications.piece_counter import move_pieces_to_review, to_review
from app.applications.queries import (
    ApplicationView,
    PieceView,
    application_views,
    current_pieces,
)
from app.clock import now
from app.core.actor import Actor
from app.core.codes.applications import PieceStatus
from app.db import write_transaction
from app.tables.applications import Application, SubmittedPiece
from app.tables.documents import StoredFile


async def asked_piece(application_id: int, piece_id: int) -> PieceView:
    """The application's current state of one piece it asks for (NOT_FOUND otherwise)."""
    for piece in await current_pieces(application_id):
        if piece.piece_id == piece_id:
            return piece
    raise refuse(Refusal.NOT_FOUND)


async def replace_piece(
    application_id: int,
    piece: PieceView,
    *,
    status: PieceStatus,
    actor: Actor,
    file_id: int | None = None,
    comment: str = "",
) -> int:
    """Supersede the piece's current row (if any) and insert its new state; return the
    new row's id. The supersede is a compare-and-set: if another change got there
    first, nothing is written. The application's count of pieces to check moves by
    what this changed."""
    moment = now()
    superseded = []
    if piece.submitted_id is not None:
        superseded = (
            await SubmittedPiece.update({SubmittedPiece.superseded_at: moment})
            .where(
                (SubmittedPiece.id == piece.submitted_id) & SubmittedPiece.superseded_at.is_null()
            )
            .returning(SubmittedPiece.id, SubmittedPiece.status)
        )
        if not superseded:
            raise refuse(Refusal.NOT_EDITABLE)
    row = SubmittedPiece(
        application=application_id,
        piece=piece.piece_id,
        file=file_id,
        status=status.value,
        comment=comment,
        changed_at=moment,
        changed_by=actor.kind.value,
    )
    await row.save()
    # The superseded row's own status (read by the compare-and-set), not the view's.
    gone = to_review(r["status"] for r in superseded)
    await move_pieces_to_review(application_id, to_review([status.value]) - gone)
    return row.id


def piece_data(piece: PieceView, status: PieceStatus, **extra) -> dict:
    return {
        "piece_id": piece.piece_id,
        "piece_label_fr": piece.label_fr,
        "piece_label_en": piece.label_en,
        "status": status.value,
        **extra,
    }


async def _share(origin: ApplicationView, piece: PieceView, file: dict, actor: Actor) -> list[int]:
    """A common piece, given once, serves the candidate's other applications asking for
    it, where they can still be edited and the piece is not validated there."""
    others = await Application.select(Application.id).where(
        (Application.candidate == origin.candidate_id)
        & (Application.id != origin.id)
        & Application.cancelled_at.is_null()
    )
    ids = [row["id"] for row in others]
    await lock_rows(Application, ids)
    shared_with = []
    for other in await application_views(ids):
        if edit_refusal(other) is not None:
            continue
        mine = next(
            (p for p in await current_pieces(other.id) if p.piece_id == piece.piece_id), None
        )
        if mine is None or mine.status is PieceStatus.VALIDATED or mine.file_id == file["id"]:
            continue
        row_id = await replace_piece(
            other.id, mine, status=PieceStatus.TRANSMITTED, actor=actor, file_id=file["id"]
        )
        data = piece_data(
            mine, PieceStatus.TRANSMITTED, file_name=file["original_name"], shared_from=origin.id
        )
        await audit(
            actor,
            AuditAction.PIECE_SUBMITTED,
            application_id=other.id,
            entity="piece",
            entity_id=row_id,
            visible=True,
            **data,
        )
        shared_with.append(other.id)
    return shared_with


async def submit_piece(*, application_id: int, piece_id: int, file_id: int, actor: Actor) -> Change:
    """Give a file (already stored by ``app.documents.storage.store_upload``) for a piece.

    Check: the application is the actor's, editable (AT/IN, return date not passed), the
    piece asked and not VA, the file the candidate's own. Write: the piece's row
    superseded, a new one TR with the file; for a common piece (not unique per
    application) the same on the candidate's other editable live applications asking
    for it. Audit: ``piece_submitted`` (visible) on each application. Mail: none.
    """
    async with write_transaction():
        application = await load_for_change(application_id, actor, lock_candidate=True)
        piece = await asked_piece(application_id, piece_id)
        refusal = piece_refusal(application, piece)
        if refusal:
            raise refuse(refusal)
        file = (
            await StoredFile.select(StoredFile.id, StoredFile.owner, StoredFile.original_name)
            .where(StoredFile.id == file_id)
            .first()
        )
        if file is None or file["owner"] != application.account_id:
            raise refuse(Refusal.NOT_FOUND)
        row_id = await replace_piece(
            application_id, piece, status=PieceStatus.TRANSMITTED, actor=actor, file_id=file_id
        )
        data = piece_data(piece, PieceStatus.TRANSMITTED, file_name=file["original_name"])
        await audit(
            actor,
            AuditAction.PIECE_SUBMITTED,
            application_id=application_id,
            entity="piece",
            entity_id=row_id,
            visible=True,
            **data,
        )
        if piece.shared:
            await _share(application, piece, file, actor)
    return Change(application_id=application_id)


async def remove_piece(*, application_id: int, piece_id: int, actor: Actor) -> Change:
    """Take back what was given for a piece (file or "non concerné").

    Check: the application is the actor's and editable, the piece asked and not VA.
    Write: the row superseded, a new one AT without file — on this application only,
    even for a common piece (eCandidat once deleted a shared piece from an application
    already transmitted); the stored file stays for the applications still using it.
    A piece already AT is left as it is (a second click changes nothing).
    Audit: ``piece_removed`` (visible). Mail: none.
    """
    async with write_transaction():
        application = await load_for_change(application_id, actor)
        piece = await asked_piece(application_id, piece_id)
        refusal = piece_refusal(application, piece)
        if refusal:
            raise refuse(refusal)
        if piece.status is PieceStatus.WAITING:
            return Change(application_id=application_id)
        row_id = await replace_piece(application_id, piece, status=PieceStatus.WAITING, actor=actor)
        await audit(
            actor,
            AuditAction.PIECE_REMOVED,
            application_id=application_id,
            entity="piece",
            entity_id=row_id,
            visible=True,
            **piece_data(piece, PieceStatus.WAITING),
        )
    return Change(application_id=application_id)


async def declare_not_concerned(*, application_id: int, piece_id: int, actor: Actor) -> Change:
    """ "Non concerné" for a conditional piece.

    Check: the application is the actor's and editable, the piece asked, not VA, and
    conditional. Write: the row superseded, a new one NC without file (already NC:
    nothing). Audit: ``piece_not_concerned`` (visible). Mail: none.
    """
    async with write_transaction():
        application = await load_for_change(application_id, actor)
        piece = await asked_piece(application_id, piece_id)
        refusal = piece_refusal(application, piece)
        if refusal:
            raise refuse(refusal)
        if not piece.conditional:
            raise refuse(Refusal.NOT_CONDITIONAL)
        if piece.status is PieceStatus.NOT_CONCERNED:
            return Change(application_id=application_id)
        row_id = await replace_piece(
            application_id, piece, status=PieceStatus.NOT_CONCERNED, actor=actor
        )
        await audit(
            actor,
            AuditAction.PIECE_NOT_CONCERNED,
            application_id=application_id,
            entity="piece",
            entity_id=row_id,
            visible=True,
            **piece_data(piece, PieceStatus.NOT_CONCERNED),
        )
    return Change(application_id=application_id)


__all__ = ["declare_not_concerned", "remove_piece", "submit_piece"]
