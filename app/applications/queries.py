"""Reading applications for the candidate's pages, the review desk and the lifecycle
functions.

Each answer costs one or two queries, written as plain SQL in
``app.applications.read_model``: an application with its account, programme,
commission, centre and campaign in one joined select, the decisions of all the
applications read in a second one, the pieces with their current rows in one.
Nothing here writes.
"""

from __future__ import annotations

from collections.abc import Iterable

from app.applications import piece_read_model, read_model
from app.applications.views import ApplicationView, DecisionView, PieceView
from app.tables.applications import SubmittedPiece


async def decisions_of(application_ids: Iterable[int]) -> dict[int, list[DecisionView]]:
    """The decision history of each application, oldest first (latest = current)."""
    ids = sorted(set(application_ids))
    history: dict[int, list[DecisionView]] = {i: [] for i in ids}
    if ids:
        for decision in await read_model.decision_rows(ids):
            history[decision.application_id].append(decision)
    return history


async def application_view(application_id: int) -> ApplicationView | None:
    """Any application, whoever owns it (staff, jobs and the lifecycle functions)."""
    views = await read_model.views_where(read_model.BY_ID, application_id)
    return views[0] if views else None


async def application_views(application_ids: Iterable[int]) -> list[ApplicationView]:
    ids = sorted(set(application_ids))
    if not ids:
        return []
    return await read_model.views_where(read_model.ids_in(len(ids)), *ids)


async def applications_of(account_id: int) -> list[ApplicationView]:
    """ "Mes candidatures": the candidate's live applications, oldest first, each with
    its current decision only (one query).

    Cancelled ones are left out, as in eCandidat: a cancellation is final.
    """
    return await read_model.views_with_current_decision(read_model.LIVE_OF_ACCOUNT, account_id)


async def application_for(account_id: int, application_id: int) -> ApplicationView | None:
    """The application if it is this candidate's (cancelled included), else None (→ 404),
    with its current decision only (one query)."""
    views = await read_model.views_with_current_decision(
        read_model.BY_ID_AND_ACCOUNT, application_id, account_id
    )
    return views[0] if views else None


async def current_decision(
    application_id: int, *, validated_only: bool = True
) -> DecisionView | None:
    """The current (latest) decision. With ``validated_only`` (the candidate's view), an
    entered but not yet validated decision reads as None ("En attente")."""
    history = (await decisions_of([application_id]))[application_id]
    latest = history[-1] if history else None
    if latest is None or (validated_only and not latest.validated):
        return None
    return latest


async def current_pieces(application_id: int) -> list[PieceView]:
    """The pieces the application asks for, in the programme's order, each with its
    current (not superseded) row: one query.

    Until the application is transmitted, asked = the programme's pieces, less those
    restricted to another processing type: it follows the programme's configuration.
    Once transmitted, asked = the pieces of its own current rows: adding or removing a
    programme's piece afterwards changes nothing for it (``transmit`` supersedes the
    rows of pieces the programme no longer asked).
    """
    return await piece_read_model.piece_views(application_id)


async def piece_history(application_id: int, piece_id: int) -> list[dict]:
    """Every row given for one piece of one application, oldest first (superseded ones
    included): the history staff read."""
    return (
        await SubmittedPiece.select(
            SubmittedPiece.all_columns(),
            SubmittedPiece.file.original_name.as_alias("file_name"),
        )
        .where((SubmittedPiece.application == application_id) & (SubmittedPiece.piece == piece_id))
        .order_by(SubmittedPiece.id)
    )


async def timeline(application_id: int) -> list[dict]:
    """What the candidate may see of the audit trail, oldest first.

    Each row: ``action`` (an ``AuditAction`` value), ``created_at``, ``actor_kind`` and
    ``data`` (for pieces: ``piece_id``, ``piece_label_fr``/``_en``, ``status``,
    ``comment``; for decisions: ``verdict``, ``label_fr``/``_en``).
    """
    events, _notes = await read_model.timeline_and_note_rows(application_id)
    return events


__all__ = [
    "ApplicationView",
    "DecisionView",
    "PieceView",
    "application_for",
    "application_view",
    "application_views",
    "applications_of",
    "current_decision",
    "current_pieces",
    "decisions_of",
    "piece_history",
    "timeline",
]
