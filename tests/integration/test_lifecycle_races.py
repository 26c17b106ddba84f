"""Issue 14: changes started at the same moment end in exactly one of the states a
sequential order would give. On PostgreSQL each side runs on a connection of the pool
(row locks and compare-and-set decide); on SQLite the writers queue (one at a time).
Several rounds each, since which side wins is the scheduler's choice."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from app.applications import lifecycle
from app.applications.lifecycle import Actor, Change, LifecycleRefused, Refusal
from app.applications.queries import current_decision, current_pieces
from app.core.codes.applications import ActorKind, Answer, DossierStatus, Verdict
from app.core.codes.mail import MailCode
from app.tables.applications import Application, Decision
from app.tables.mail import OutboxMail
from app.tables.ops import AuditEvent
from tests.factories import make_required_piece
from tests.factories_dossier import (
    decide,
    make_applicant,
    make_open_programme,
    make_received_application,
    stored_pdf,
)

ROUNDS = 5
PARIS = ZoneInfo("Europe/Paris")
STAFF = Actor.staff(3)


async def promotions(application_ids: list[int]) -> dict[int, int]:
    """Validated favourable decisions per application."""
    rows = await Decision.select(Decision.application).where(
        Decision.application.is_in(application_ids)
        & Decision.validated.eq(True)
        & (Decision.decision_type.verdict == Verdict.FAVOURABLE.value)
    )
    counts = dict.fromkeys(application_ids, 0)
    for row in rows:
        counts[row["application"]] += 1
    return counts


async def test_two_withdrawals_at_once_promote_two_different_candidates(
    campaign, favourable, complementary
):
    """Two admitted candidates withdraw together: the first two of the waiting list each
    get one favourable decision, the third stays waiting — one promotion per freed place."""
    for _ in range(ROUNDS):
        programme = await make_open_programme(campaign, waiting_list=True)
        admitted = [await make_received_application(campaign, programme) for _ in range(2)]
        waiting = [(await make_received_application(campaign, programme))[1] for _ in range(3)]
        for _account, app_id in admitted:
            await decide(app_id, favourable)
        for rank, app_id in enumerate(waiting, start=1):
            await decide(app_id, complementary, rank=rank)

        results = await asyncio.gather(
            *(
                lifecycle.answer(
                    application_id=app_id, confirm=False, actor=Actor.candidate(account.id)
                )
                for account, app_id in admitted
            ),
            return_exceptions=True,
        )

        assert all(isinstance(result, Change) for result in results), results
        assert await promotions(waiting) == {waiting[0]: 1, waiting[1]: 1, waiting[2]: 0}
        assert (await current_decision(waiting[2])).verdict is Verdict.COMPLEMENTARY_LIST
        promoted_events = await AuditEvent.count().where(
            AuditEvent.application_id.is_in(waiting)
            & (AuditEvent.action == "waiting_list_promoted")
        )
        assert promoted_events == 2
        decision_mails = await OutboxMail.count().where(
            OutboxMail.id.is_in([i for result in results for i in result.mail_ids])
            & (OutboxMail.template_code == MailCode.DECISION_FA.value)
        )
        assert decision_mails == 2


async def test_a_piece_given_while_the_application_is_transmitted(campaign):
    """The candidate replaces a piece in one tab and transmits in another: either the
    new file went in first and was transmitted with the dossier, or the dossier was
    transmitted first and the replacement is refused — the transmitted dossier never
    changes afterwards."""
    outcomes = set()
    for _ in range(ROUNDS):
        piece = await make_required_piece(campaign, label_fr="CV")
        programme = await make_open_programme(campaign, [piece])
        account = await make_applicant(campaign)
        actor = Actor.candidate(account.id)
        app_id = (
            await lifecycle.apply(account_id=account.id, programme_id=programme.id)
        ).application_id
        first_file = await stored_pdf(account)
        await lifecycle.submit_piece(
            application_id=app_id, piece_id=piece.id, file_id=first_file, actor=actor
        )
        second_file = await stored_pdf(account)

        submitted, transmitted = await asyncio.gather(
            lifecycle.submit_piece(
                application_id=app_id, piece_id=piece.id, file_id=second_file, actor=actor
            ),
            lifecycle.transmit(application_id=app_id, actor=actor),
            return_exceptions=True,
        )

        assert isinstance(transmitted, Change), transmitted  # a piece was there either way
        application = await Application.objects().get(Application.id == app_id)
        assert application.status == DossierStatus.RECEIVED.value
        [current] = await current_pieces(app_id)
        actions = [
            row["action"]
            for row in await AuditEvent.select(AuditEvent.action)
            .where(AuditEvent.application_id == app_id)
            .order_by(AuditEvent.id)
        ]
        # nothing is written to the dossier after its transmission
        assert actions[-1] == "application_transmitted"
        if isinstance(submitted, Change):
            assert current.file_id == second_file
            assert actions == [
                "application_created",
                "piece_submitted",
                "piece_submitted",
                "application_transmitted",
            ]
            outcomes.add("replaced, then transmitted")
        else:
            assert isinstance(submitted, LifecycleRefused), submitted
            assert submitted.reason is Refusal.NOT_EDITABLE
            assert current.file_id == first_file
            assert actions == ["application_created", "piece_submitted", "application_transmitted"]
            outcomes.add("transmitted, replacement refused")
    assert outcomes


async def test_the_auto_withdraw_job_and_a_late_answer_at_once(
    campaign, favourable, complementary, clock
):
    """Past the deadline, the evening job withdraws while staff record the answer the
    candidate gave by other means: exactly one answer stays — the staff's confirmation
    (the job withdrew nobody, the waiting list did not move) or the system's withdrawal
    (staff refused, the first waiting candidate promoted). The candidate, past the
    deadline, is refused whatever the order."""
    outcomes = set()
    for _ in range(ROUNDS):
        clock.move_to(datetime.combine(date(2026, 6, 15), time(12), PARIS))
        programme = await make_open_programme(
            campaign, waiting_list=True, confirmation_delay_days=3, return_date=date(2026, 7, 15)
        )
        account, admitted_id = await make_received_application(campaign, programme)
        _, waiting_id = await make_received_application(campaign, programme)
        await decide(admitted_id, favourable)  # deadline 18/06/2026
        await decide(waiting_id, complementary, rank=1)
        clock.move_to(datetime.combine(date(2026, 6, 19), time(23, 15), PARIS))

        job, by_staff, by_candidate = await asyncio.gather(
            lifecycle.auto_withdraw_expired(),
            lifecycle.answer(application_id=admitted_id, confirm=True, actor=STAFF),
            lifecycle.answer(
                application_id=admitted_id, confirm=True, actor=Actor.candidate(account.id)
            ),
            return_exceptions=True,
        )

        assert isinstance(by_candidate, LifecycleRefused), by_candidate
        assert by_candidate.reason in (Refusal.DEADLINE_PASSED, Refusal.NO_ANSWER_EXPECTED)
        admitted = await Application.objects().get(Application.id == admitted_id)
        answers = await AuditEvent.count().where(
            (AuditEvent.application_id == admitted_id)
            & AuditEvent.action.is_in(
                ["application_confirmed", "application_withdrawn", "application_auto_withdrawn"]
            )
        )
        assert answers == 1
        if isinstance(by_staff, Change):
            assert job == 0
            assert (admitted.answer, admitted.answered_by) == (
                Answer.CONFIRMED.value,
                ActorKind.STAFF.value,
            )
            assert await promotions([waiting_id]) == {waiting_id: 0}
            outcomes.add("confirmed by staff")
        else:
            assert isinstance(by_staff, LifecycleRefused), by_staff
            assert by_staff.reason is Refusal.NO_ANSWER_EXPECTED
            assert job == 1
            assert (admitted.answer, admitted.answered_by) == (
                Answer.WITHDRAWN.value,
                ActorKind.SYSTEM.value,
            )
            assert await promotions([waiting_id]) == {waiting_id: 1}
            outcomes.add("withdrawn by the job")
    assert outcomes
