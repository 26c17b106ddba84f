"""Changing a programme's pieces in the admin (issue 10, item 4): applications not yet
transmitted follow the programme; a transmitted application keeps the pieces it was
transmitted with, on the candidate's page and on the desk (both list
``queries.current_pieces``)."""

from __future__ import annotations

import pytest
from piccolo.apps.user.tables import BaseUser

from app.applications import lifecycle
from app.applications.lifecycle import Actor
from app.applications.queries import current_pieces
from app.core.codes.applications import PieceStatus
from app.tables.applications import SubmittedPiece
from app.tables.catalog import ProgrammePiece
from app.tables.ops import AuditEvent
from tests.factories import make_campaign, make_required_piece
from tests.factories_dossier import make_applicant, make_open_programme, stored_pdf
from tests.integration.test_admin import admin_login, admin_visitor, admin_write, make_user


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch):
    monkeypatch.setattr(BaseUser, "_pbkdf2_iteration_count", 1_000)


@pytest.fixture
async def staff(app):
    async with admin_visitor(app) as http:
        await make_user("gestion")
        assert (await admin_login(http, "gestion")).status_code == 200
        yield http


async def give(account, application_id: int, piece) -> None:
    await lifecycle.submit_piece(
        application_id=application_id,
        piece_id=piece.id,
        file_id=await stored_pdf(account),
        actor=Actor.candidate(account.id),
    )


async def asked(application_id: int) -> list[tuple[int, PieceStatus]]:
    return [(piece.piece_id, piece.status) for piece in await current_pieces(application_id)]


async def test_transmitted_applications_keep_their_pieces(refdata, mail_templates, clock, staff):
    campaign = await make_campaign()
    cv, letter, transcript = [await make_required_piece(campaign) for _ in range(3)]
    programme = await make_open_programme(campaign, [cv, letter])
    sent = await make_applicant(campaign)
    sent_id = (await lifecycle.apply(account_id=sent.id, programme_id=programme.id)).application_id
    await give(sent, sent_id, cv)
    await give(sent, sent_id, letter)
    await lifecycle.transmit(application_id=sent_id, actor=Actor.candidate(sent.id))
    draft = await make_applicant(campaign)
    draft_id = (
        await lifecycle.apply(account_id=draft.id, programme_id=programme.id)
    ).application_id
    await give(draft, draft_id, cv)

    # The central office stops asking for the letter and asks for a transcript.
    link = (
        await ProgrammePiece.select(ProgrammePiece.id)
        .where((ProgrammePiece.programme == programme.id) & (ProgrammePiece.piece == letter.id))
        .first()
    )
    removed = await admin_write(staff, "DELETE", f"programme_piece/{link['id']}/")
    assert removed.status_code == 204, removed.text
    added = await admin_write(
        staff, "POST", "programme_piece/", {"programme": programme.id, "piece": transcript.id}
    )
    assert added.status_code == 201, added.text

    transmitted = PieceStatus.TRANSMITTED
    assert await asked(sent_id) == [(cv.id, transmitted), (letter.id, transmitted)]
    assert await asked(draft_id) == [(cv.id, transmitted), (transcript.id, PieceStatus.WAITING)]

    # The draft is transmitted as the programme now asks; the letter's row asked at apply
    # stays as history, out of the list for good.
    await give(draft, draft_id, transcript)
    await lifecycle.transmit(application_id=draft_id, actor=Actor.candidate(draft.id))
    await admin_write(
        staff, "POST", "programme_piece/", {"programme": programme.id, "piece": letter.id}
    )
    assert await asked(draft_id) == [(cv.id, transmitted), (transcript.id, transmitted)]
    assert await asked(sent_id) == [(cv.id, transmitted), (letter.id, transmitted)]
    letter_row = (
        await SubmittedPiece.select(SubmittedPiece.superseded_at)
        .where((SubmittedPiece.application == draft_id) & (SubmittedPiece.piece == letter.id))
        .first()
    )
    assert letter_row["superseded_at"] is not None

    actions = (
        await AuditEvent.select(AuditEvent.action, AuditEvent.entity)
        .where(AuditEvent.action.like("config.%"))
        .order_by(AuditEvent.id)
    )
    assert actions == [
        {"action": "config.delete", "entity": "programme_piece"},
        {"action": "config.create", "entity": "programme_piece"},
        {"action": "config.create", "entity": "programme_piece"},
    ]
