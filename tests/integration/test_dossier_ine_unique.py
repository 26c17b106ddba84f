"""One INE, one account per campaign (issue 15 item 1): the dossier service refuses an
INE another account of the campaign holds, two racing saves cannot both take it, and a
university student's imported INE wins over an external account, which is flagged."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest

from app.accounts.sso import create_account_from_records
from app.accounts.student_records import DemoStudentRecords
from app.clock import now
from app.dossier import service
from app.tables.dossier import Candidate
from app.tables.ops import AuditEvent
from tests.factories import make_campaign
from tests.integration.dossier_support import new_candidate

INE = "0812304598F"  # the demo student Lucas BERNARD's INE


async def _ine_of(candidate_id: int) -> str | None:
    row = await Candidate.select(Candidate.ine).where(Candidate.id == candidate_id).first()
    return row["ine"]


async def _events(action: str) -> list[dict]:
    return (
        await AuditEvent.select(AuditEvent.entity_id, AuditEvent.data)
        .where(AuditEvent.action == action)
        .output(load_json=True)
    )


async def test_a_second_account_saving_a_held_ine_is_refused_and_nothing_is_saved(clock):
    campaign = await make_campaign()
    first, first_candidate = await new_candidate(campaign)
    second, second_candidate = await new_candidate(campaign)
    await service.save_identity(account_id=first.id, changes={"ine": INE})

    with pytest.raises(service.IneTaken):
        await service.save_identity(
            account_id=second.id, changes={"ine": INE, "birth_name": "AUTRE"}
        )
    # Nothing of the refused save is written: neither the INE nor the other field.
    row = await Candidate.select().where(Candidate.id == second_candidate.id).first()
    assert (row["ine"], row["birth_name"]) == (None, second.last_name)
    assert [e["entity_id"] for e in await _events("dossier_identity_saved")] == [first_candidate.id]
    # The same INE in another campaign is another person's business.
    elsewhere, elsewhere_candidate = await new_candidate(await make_campaign(active=False))
    assert await service.save_identity(account_id=elsewhere.id, changes={"ine": INE}) == ["ine"]
    assert await _ine_of(elsewhere_candidate.id) == INE


async def test_racing_saves_of_one_ine_let_exactly_one_win(clock):
    campaign = await make_campaign()
    accounts = [await new_candidate(campaign) for _ in range(4)]

    async def save(account_id: int) -> str:
        try:
            await service.save_identity(account_id=account_id, changes={"ine": INE})
        except service.IneTaken:
            return "refused"
        return "saved"

    outcomes = await asyncio.gather(*(save(account.id) for account, _ in accounts))
    assert sorted(outcomes) == ["refused", "refused", "refused", "saved"]
    holders = await Candidate.select(Candidate.id).where(Candidate.ine == INE)
    winner = accounts[outcomes.index("saved")][1].id
    assert holders == [{"id": winner}]


async def test_an_imported_student_keeps_the_ine_and_the_external_account_is_flagged(
    refdata, clock
):
    campaign = await make_campaign()
    external, external_candidate = await new_candidate(campaign)
    await service.save_identity(account_id=external.id, changes={"ine": INE})
    record = await DemoStudentRecords().find_by_cas_login("lbernard")
    assert record.identity.ine == INE

    account_id = await create_account_from_records(
        record, cas_login="lbernard", email="lucas.bernard@univ.example.fr", language="fr"
    )

    student = await Candidate.select().where(Candidate.account == account_id).first()
    assert (student["ine"], student["ine_held_by_student_at"]) == (INE, None)
    assert student["identity_key"] == "bernard|lucas|2004-11-02"
    external_row = await Candidate.select().where(Candidate.id == external_candidate.id).first()
    assert external_row["ine"] == INE
    assert external_row["ine_held_by_student_at"] == now()
    assert await _events("dossier_ine_held_by_student") == [
        {"entity_id": external_candidate.id, "data": {"student_candidate_id": student["id"]}}
    ]
    # The external account cannot take it back either: the INE is the student's.
    other, _ = await new_candidate(campaign)
    with pytest.raises(service.IneTaken):
        await service.save_identity(account_id=other.id, changes={"ine": INE})


async def test_saving_the_identity_writes_the_duplicate_search_key(clock):
    campaign = await make_campaign()
    account, candidate = await new_candidate(campaign)
    await service.save_identity(
        account_id=account.id,
        changes={"birth_name": "MARTÍN", "first_name": "Éloïse", "birth_date": date(2007, 3, 15)},
    )
    row = await Candidate.select(Candidate.identity_key).where(Candidate.id == candidate.id)
    assert row == [{"identity_key": "martin|eloise|2007-03-15"}]
    await service.save_identity(account_id=account.id, changes={"birth_date": None})
    row = await Candidate.select(Candidate.identity_key).where(Candidate.id == candidate.id)
    assert row == [{"identity_key": None}]


async def test_an_import_racing_an_external_save_of_the_same_ine_ends_consistent(refdata, clock):
    """Both take the INE lock before any row lock: no deadlock, and either the external
    save came first (then the import flags it) or it is refused."""
    campaign = await make_campaign()
    external, external_candidate = await new_candidate(campaign)
    record = await DemoStudentRecords().find_by_cas_login("lbernard")

    async def external_save() -> str:
        try:
            await service.save_identity(account_id=external.id, changes={"ine": INE})
        except service.IneTaken:
            return "refused"
        return "saved"

    outcome, student_account = await asyncio.gather(
        external_save(),
        create_account_from_records(
            record, cas_login="lbernard", email="lucas.bernard@univ.example.fr", language="fr"
        ),
    )
    assert student_account is not None
    row = await Candidate.select().where(Candidate.id == external_candidate.id).first()
    if outcome == "saved":
        assert (row["ine"], row["ine_held_by_student_at"]) == (INE, now())
    else:
        assert (row["ine"], row["ine_held_by_student_at"]) == (None, None)
