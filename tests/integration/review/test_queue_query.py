"""The review desk's queue query: scope per role, each filter, sort and pages."""

from __future__ import annotations

from datetime import timedelta

from app import clock
from app.applications import lifecycle
from app.core.codes.applications import Verdict
from app.core.codes.staff import StaffRole
from app.review.identity import load_staff_member
from app.review.queue_filter import SORT_COLUMNS, QueueFilter
from app.review.queue_query import queue_ids, queue_page
from app.tables.dossier import Candidate
from tests.factories import make_campaign, make_centre, make_commission, make_programme
from tests.factories_dossier import decide, make_decision_type, make_received_application
from tests.factories_staff import make_staff


async def _world():
    campaign = await make_campaign()
    centre_a, centre_b = await make_centre(campaign), await make_centre(campaign)
    commission_a, commission_b = await make_commission(centre_a), await make_commission(centre_b)
    programme_a = await make_programme(commission_a, label="MEDECINE CESURE")
    programme_b = await make_programme(commission_b, label="INFORMATIQUE CESURE")
    applications_a = [(await make_received_application(campaign, programme_a))[1] for _ in range(3)]
    applications_b = [(await make_received_application(campaign, programme_b))[1] for _ in range(2)]
    return (
        campaign,
        (centre_a, commission_a, applications_a),
        (centre_b, commission_b, applications_b),
    )


async def _member(role, **scopes):
    return await load_staff_member(await make_staff(role, **scopes))


async def test_each_role_sees_its_scope_only():
    campaign, (centre_a, commission_a, apps_a), (_, _, apps_b) = await _world()
    manager = await _member(StaffRole.CENTRE_MANAGER, centres=[centre_a])
    member = await _member(StaffRole.COMMISSION_MEMBER, commissions=[commission_a])
    central = await _member(StaffRole.CENTRAL_OFFICE)
    everything = QueueFilter()
    assert sorted(await queue_ids(manager, everything, campaign_id=campaign.id)) == apps_a
    assert sorted(await queue_ids(member, everything, campaign_id=campaign.id)) == apps_a
    assert sorted(await queue_ids(central, everything, campaign_id=campaign.id)) == apps_a + apps_b
    # Naming another centre in the URL narrows nothing into view.
    other = QueueFilter(centre=(await _centre_of(apps_b[0])))
    assert await queue_ids(manager, other, campaign_id=campaign.id) == []


async def _centre_of(application_id: int) -> int:
    from app.tables.applications import Application

    row = (
        await Application.select(Application.programme.commission.centre.id.as_alias("c"))
        .where(Application.id == application_id)
        .first()
    )
    return row["c"]


async def test_filters_on_decision_status_search_and_date():
    campaign, (_, _, apps_a), (_, _, apps_b) = await _world()
    central = await _member(StaffRole.CENTRAL_OFFICE)
    favourable = await make_decision_type(Verdict.FAVOURABLE)
    await decide(apps_a[0], favourable)  # validated
    await decide(apps_a[1], favourable, validate=False)  # entered only
    await lifecycle.set_dossier_status(
        application_id=apps_b[0],
        status=lifecycle.DossierStatus.COMPLETE,
        actor=lifecycle.Actor.staff(1),
    )

    async def ids(**filters):
        return sorted(await queue_ids(central, QueueFilter(**filters), campaign_id=campaign.id))

    assert await ids(decision="validee") == [apps_a[0]]
    assert await ids(decision="saisie") == [apps_a[1]]
    assert await ids(decision="FA") == [apps_a[0], apps_a[1]]
    assert await ids(decision="aucune") == [apps_a[2], *apps_b]
    assert await ids(status="CO") == [apps_b[0]]
    assert await ids(since=clock.today() + timedelta(days=1)) == []
    assert await ids(since=clock.today()) == sorted(apps_a + apps_b)

    candidate = (
        await Candidate.select(Candidate.birth_name)
        .where(Candidate.id == (await _candidate_of(apps_b[1])))
        .first()
    )
    assert await ids(q=candidate["birth_name"].lower()) == [apps_b[1]]


async def _candidate_of(application_id: int) -> int:
    from app.tables.applications import Application

    row = (
        await Application.select(Application.candidate)
        .where(Application.id == application_id)
        .first()
    )
    return row["candidate"]


async def test_sort_and_pages():
    campaign, (_, _, apps_a), (_, _, apps_b) = await _world()
    central = await _member(StaffRole.CENTRAL_OFFICE)
    by_programme = await queue_page(central, QueueFilter(sort="formation"), campaign_id=campaign.id)
    assert [r.programme for r in by_programme.rows] == ["INFORMATIQUE CESURE"] * 2 + [
        "MEDECINE CESURE"
    ] * 3
    reverse = await queue_page(
        central, QueueFilter(sort="formation", desc=True), campaign_id=campaign.id
    )
    assert [r.id for r in reverse.rows] == list(reversed([r.id for r in by_programme.rows]))
    assert by_programme.total == 5 and by_programme.pages == 1
    # A page past the end shows the last page.
    beyond = await queue_page(central, QueueFilter(page=99), campaign_id=campaign.id)
    assert beyond.page == 1 and len(beyond.rows) == 5
    for column in (
        "dossier",
        "nom",
        "naissance",
        "nationalite",
        "bac",
        "transmission",
        "statut",
        "pieces",
        "decision",
    ):
        page = await queue_page(central, QueueFilter(sort=column), campaign_id=campaign.id)
        assert sorted(r.id for r in page.rows) == sorted(apps_a + apps_b)


def test_the_filter_round_trips_through_the_url():
    params = {
        "statut": "RE",
        "decision": "saisie",
        "a_verifier": "1",
        "depuis": "2026-11-02",
        "reponse": "aucune",
        "q": "martin",
        "tri": "nom",
        "ordre": "desc",
        "page": "3",
        "centre": "7",
        "formation": "9",
        "campagne": "2",
    }
    queue = QueueFilter.from_params(params)
    assert queue.params() == params
    garbage = {
        "statut": "ZZ",
        "centre": "-1",
        "formation": str(2**40),
        "depuis": "hier",
        "tri": "password_hash",
        "page": "0",
        "q": "a\x00b" + "x" * 500,
    }
    cleaned = QueueFilter.from_params(garbage)
    assert cleaned.params() == {"q": "ab" + "x" * 98}


async def test_pieces_to_check_filter_sort_and_show_the_kept_count(campaign):
    from app.tables.catalog import Campaign
    from tests.factories import make_required_piece
    from tests.factories_dossier import make_applicant, make_open_programme, stored_pdf

    pieces = [await make_required_piece(campaign) for _ in range(2)]
    programme = await make_open_programme(campaign, pieces)
    given = {}  # application id → pieces given (TR)
    for count in (1, 0, 2, 1):
        account = await make_applicant(campaign)
        actor = lifecycle.Actor.candidate(account.id)
        change = await lifecycle.apply(account_id=account.id, programme_id=programme.id)
        for piece in pieces[:count]:
            await lifecycle.submit_piece(
                application_id=change.application_id,
                piece_id=piece.id,
                file_id=await stored_pdf(account),
                actor=actor,
            )
        given[change.application_id] = count
    central = await _member(StaffRole.CENTRAL_OFFICE)
    campaign_id = campaign.id if isinstance(campaign, Campaign) else campaign

    async def page(**filters):
        found = await queue_page(central, QueueFilter(**filters), campaign_id=campaign_id)
        return [(row.id, row.pieces_to_review) for row in found.rows], found.total

    by_count_desc = sorted(given.items(), key=lambda item: (item[1], item[0]), reverse=True)
    assert await page(sort="pieces", desc=True) == (by_count_desc, 4)
    assert await page(sort="pieces") == (list(reversed(by_count_desc)), 4)
    to_check = [item for item in by_count_desc if item[1] > 0]
    assert await page(sort="pieces", desc=True, to_review=True) == (to_check, 3)


async def test_the_search_finds_names_dossier_numbers_and_ine():
    _, _, (_, _, apps_b) = await _world()
    central = await _member(StaffRole.CENTRAL_OFFICE)
    from app.tables.applications import Application

    target = apps_b[0]
    row = (
        await Application.select(
            Application.candidate.id.as_alias("candidate"),
            Application.candidate.account.login.as_alias("login"),
            Application.programme.commission.centre.campaign.as_alias("campaign"),
        )
        .where(Application.id == target)
        .first()
    )
    await Candidate.update(
        {Candidate.usual_name: "Zébulon-Quintal", Candidate.ine: "0123456789A"}
    ).where(Candidate.id == row["candidate"])

    async def ids(q):
        return sorted(await queue_ids(central, QueueFilter(q=q), campaign_id=row["campaign"]))

    assert await ids("zébulon") == [target]
    assert await ids("456789a") == [target]
    assert await ids(row["login"][1:].lower()) == [target]
    assert await ids("no such name") == []


async def test_every_page_in_either_order_is_the_slice_of_the_whole_queue(monkeypatch):
    """Pages past the middle are read from the other end and turned round: for every
    sort, both ways, the pages put end to end are the sorted queue (NULLs and ties
    included: no decision on most rows, two programmes)."""
    import app.review.queue_query as queue_query

    campaign, (_, _, apps_a), (_, _, apps_b) = await _world()
    central = await _member(StaffRole.CENTRAL_OFFICE)
    await decide(apps_a[1], await make_decision_type(Verdict.FAVOURABLE))
    for size, numbers in ((2, (1, 2, 3)), (3, (1, 2))):
        monkeypatch.setattr(queue_query, "PAGE_SIZE", size)
        for column in SORT_COLUMNS:
            for desc in (False, True):
                whole = await queue_ids(
                    central, QueueFilter(sort=column, desc=desc), campaign_id=campaign.id
                )
                assert sorted(whole) == sorted(apps_a + apps_b)
                pages = []
                for number in numbers:
                    page = await queue_page(
                        central,
                        QueueFilter(sort=column, desc=desc, page=number),
                        campaign_id=campaign.id,
                    )
                    assert (page.page, page.total, page.pages) == (number, 5, len(numbers))
                    pages += [row.id for row in page.rows]
                assert pages == whole, (size, column, desc)
