"""Possible duplicates on the review desk (issue 15 item 2): the queue filter, the
« Doublons possibles » panel, « pas un doublon » (central office only, audited), and
the scope (a centre manager never sees another centre's dossier through them)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.applications import lifecycle
from app.core.codes.staff import StaffRole
from app.dossier import service
from app.review.identity import load_staff_member
from app.review.queue_filter import QueueFilter
from app.review.queue_query import queue_ids
from app.tables.dossier import Candidate, DuplicateDismissal
from app.tables.ops import AuditEvent
from tests.factories import make_campaign, make_centre, make_commission, make_programme
from tests.factories_dossier import make_applicant
from tests.factories_staff import make_staff
from tests.fixtures.web import post_form
from tests.integration.review.test_application_page import page_url, sign_in, text_of

BIG = 2**40
DUPLICATES = QueueFilter(duplicates=True)


@dataclass
class Person:
    account: object
    candidate_id: int
    application_id: int


async def applicant(campaign, programme, birth_name: str, first_name: str) -> Person:
    """A candidate who typed this identity (born 17/05/2004) and applied to ``programme``."""
    account = await make_applicant(campaign)
    await service.save_identity(
        account_id=account.id, changes={"birth_name": birth_name, "first_name": first_name}
    )
    change = await lifecycle.apply(account_id=account.id, programme_id=programme.id)
    actor = lifecycle.Actor.candidate(account.id)
    await lifecycle.transmit(application_id=change.application_id, actor=actor)
    candidate = await Candidate.select(Candidate.id).where(Candidate.account == account.id)
    return Person(account, candidate[0]["id"], change.application_id)


@dataclass
class World:
    campaign: object
    centre_a: object
    centre_b: object
    martin: Person  # centre A
    martin_again: Person  # centre A, accents and case differ
    martin_in_b: Person  # centre B, the same identity again
    other: Person  # centre A, someone else


async def world() -> World:
    campaign = await make_campaign()
    centre_a, centre_b = await make_centre(campaign), await make_centre(campaign)
    programme_a = await make_programme(await make_commission(centre_a), label="CESURE A")
    programme_b = await make_programme(await make_commission(centre_b), label="CESURE B")
    return World(
        campaign,
        centre_a,
        centre_b,
        await applicant(campaign, programme_a, "MARTÍN", "Éloïse"),
        await applicant(campaign, programme_a, "martin", "ELOISE"),
        await applicant(campaign, programme_b, "Martin", "eloïse"),
        await applicant(campaign, programme_a, "MARTINEZ", "Éloïse"),
    )


async def member(role, **scopes):
    return await load_staff_member(await make_staff(role, **scopes))


async def ids(staff, w: World, queue: QueueFilter = DUPLICATES) -> list[int]:
    return sorted(await queue_ids(staff, queue, campaign_id=w.campaign.id))


# --- the queue filter --------------------------------------------------------------------


async def test_the_filter_finds_a_pair_differing_only_by_accents_and_case():
    w = await world()
    central = await member(StaffRole.CENTRAL_OFFICE)
    assert await ids(central, w) == sorted(
        [w.martin.application_id, w.martin_again.application_id, w.martin_in_b.application_id]
    )
    assert QueueFilter.from_params({"doublons": "1"}) == DUPLICATES
    assert DUPLICATES.params() == {"doublons": "1"}
    assert QueueFilter.from_params({"doublons": "oui\x00"}) == QueueFilter()


async def test_a_centre_manager_never_sees_a_duplicate_from_another_centres_scope():
    w = await world()
    manager_a = await member(StaffRole.CENTRE_MANAGER, centres=[w.centre_a])
    manager_b = await member(StaffRole.CENTRE_MANAGER, centres=[w.centre_b])
    assert await ids(manager_a, w) == [w.martin.application_id, w.martin_again.application_id]
    # B's Martin has look-alikes in centre A only: for B's manager, none.
    assert await ids(manager_b, w) == []
    assert await ids(manager_b, w, QueueFilter()) == [w.martin_in_b.application_id]


async def test_the_same_ine_is_a_possible_duplicate_whatever_the_names():
    w = await world()
    central = await member(StaffRole.CENTRAL_OFFICE)
    # As data saved before the rule existed (the service refuses it now).
    for person in (w.other, w.martin_in_b):
        await Candidate.update({Candidate.ine: "0100007108D", Candidate.identity_key: None}).where(
            Candidate.id == person.candidate_id
        )
    manager_a = await member(StaffRole.CENTRE_MANAGER, centres=[w.centre_a])
    assert await ids(central, w) == sorted(
        [
            w.martin.application_id,
            w.martin_again.application_id,
            w.other.application_id,
            w.martin_in_b.application_id,
        ]
    )
    assert await ids(manager_a, w) == [w.martin.application_id, w.martin_again.application_id]


# --- the panel and « pas un doublon » over HTTP -------------------------------------------


def panel_text(html: str) -> str:
    found = re.search(r'<section class="duplicates" id="doublons".*?</section>', html, re.S)
    return text_of(found.group(0)) if found else ""


async def test_the_panel_lists_the_look_alikes_the_member_may_see(client):
    w = await world()
    await make_staff(StaffRole.CENTRE_MANAGER, centres=[w.centre_a], username="ga")
    await sign_in(client, "ga")
    response = await client.get(page_url(w.martin.application_id))
    assert response.status_code == 200
    html = response.text
    again = w.martin_again.account.login
    assert panel_text(html) == (
        "Doublons possibles Ces dossiers d'autres comptes de la campagne ressemblent à "
        "celui-ci. Rien n'est fusionné automatiquement. MARTIN ELOISE , né·e le 17/05/2004 "
        f"— dossier {again} (même nom de naissance, prénom et date de naissance) "
        "CESURE A — " + w.centre_a.label
    )
    assert f'href="/staff/candidatures/{w.martin_again.application_id}"' in html
    assert "pas-un-doublon" not in html  # a centre manager cannot dismiss
    assert w.martin_in_b.account.login not in html
    # Someone without look-alikes: no panel at all.
    html = (await client.get(page_url(w.other.application_id))).text
    assert panel_text(html) == ""


async def test_the_central_office_marks_a_pair_not_a_duplicate_once_and_audited(client):
    w = await world()
    user_id = await make_staff(StaffRole.CENTRAL_OFFICE, username="sc")
    await sign_in(client, "sc")
    url = page_url(w.martin.application_id) + "/pas-un-doublon"
    again = w.martin_again

    response = await post_form(client, url, {"autre": str(again.candidate_id)})
    assert response.status_code == 303
    assert response.headers["location"] == page_url(w.martin.application_id) + "#doublons"
    shown_again = await client.get(response.headers["location"])
    assert shown_again.status_code == 200
    page = shown_again.text
    assert "Ces deux dossiers ne sont plus signalés comme doublons possibles." in text_of(page)
    shown = panel_text(page)
    assert again.account.login not in shown
    assert w.martin_in_b.account.login in shown  # the other look-alike stays

    low, high = sorted([w.martin.candidate_id, again.candidate_id])
    rows = await DuplicateDismissal.select(
        DuplicateDismissal.candidate_low,
        DuplicateDismissal.candidate_high,
        DuplicateDismissal.dismissed_by,
    )
    assert rows == [{"candidate_low": low, "candidate_high": high, "dismissed_by": user_id}]
    events = (
        await AuditEvent.select(
            AuditEvent.actor_kind, AuditEvent.actor_id, AuditEvent.entity_id, AuditEvent.data
        )
        .where(AuditEvent.action == "duplicate_dismissed")
        .output(load_json=True)
    )
    dismissal_id = (await DuplicateDismissal.select(DuplicateDismissal.id))[0]["id"]
    assert events == [
        {
            "actor_kind": "staff",
            "actor_id": user_id,
            "entity_id": low,
            "data": {"other_candidate_id": high, "dismissal_id": dismissal_id},
        }
    ]
    # A double submit says the same and writes nothing more.
    twice = await post_form(client, url, {"autre": str(again.candidate_id)})
    assert twice.status_code == 303
    assert await DuplicateDismissal.count() == 1
    assert await AuditEvent.count().where(AuditEvent.action == "duplicate_dismissed") == 1
    # The pair is gone from centre A's filter too: A's only pair was this one.
    manager_a = await member(StaffRole.CENTRE_MANAGER, centres=[w.centre_a])
    assert await ids(manager_a, w) == []


async def test_not_a_duplicate_refuses_other_roles_other_scopes_and_bad_ids(client):
    w = await world()
    await make_staff(StaffRole.CENTRE_MANAGER, centres=[w.centre_a], username="ga")
    await sign_in(client, "ga")
    url = page_url(w.martin.application_id) + "/pas-un-doublon"
    refused = await post_form(client, url, {"autre": str(w.martin_again.candidate_id)})
    assert refused.status_code == 403
    # Another centre's application: 404, as if it did not exist.
    other_centre = page_url(w.martin_in_b.application_id) + "/pas-un-doublon"
    response = await post_form(client, other_centre, {"autre": str(w.martin.candidate_id)})
    assert response.status_code == 404

    client.cookies.clear()
    await make_staff(StaffRole.CENTRAL_OFFICE, username="sc")
    await sign_in(client, "sc")
    for value in (
        str(w.other.candidate_id),
        str(w.martin.candidate_id),
        "abc",
        "",
        "-3",
        "1\x00",
        str(BIG),
        str(2**31),
    ):
        response = await post_form(client, url, {"autre": value})
        assert response.status_code == 404, repr(value)
    for application_id in (BIG, 0):
        response = await post_form(
            client, f"/staff/candidatures/{application_id}/pas-un-doublon", {"autre": "1"}
        )
        assert response.status_code == 404
    no_token = await client.post(url, data={"autre": str(w.martin_again.candidate_id)})
    assert no_token.status_code == 403
    assert await DuplicateDismissal.count() == 0
    assert await AuditEvent.count().where(AuditEvent.action == "duplicate_dismissed") == 0


async def test_a_commission_member_sees_the_pairs_of_its_commissions_only():
    w = await world()
    commission_of_b = await make_commission(w.centre_b)  # B's other commission: no Martin
    member_a = await member(
        StaffRole.COMMISSION_MEMBER,
        commissions=[await _commission_of(w)],
    )
    member_b = await member(StaffRole.COMMISSION_MEMBER, commissions=[commission_of_b])
    assert await ids(member_a, w) == [w.martin.application_id, w.martin_again.application_id]
    assert await ids(member_b, w) == []


async def _commission_of(w: World) -> int:
    from app.tables.applications import Application

    row = await Application.select(Application.programme.commission.as_alias("c")).where(
        Application.id == w.martin.application_id
    )
    return row[0]["c"]


async def test_an_external_account_whose_ine_a_student_brought_is_flagged_on_the_desk(client):
    from app.accounts.sso import create_account_from_records
    from app.accounts.student_records import DemoStudentRecords

    w = await world()
    # Typed by the candidate before applying (the dossier is locked since).
    await Candidate.update({Candidate.ine: "0812304598F"}).where(
        Candidate.id == w.other.candidate_id
    )
    record = await DemoStudentRecords().find_by_cas_login("lbernard")
    await create_account_from_records(
        record, cas_login="lbernard", email="lucas.bernard@univ.example.fr", language="fr"
    )
    await make_staff(StaffRole.CENTRE_MANAGER, centres=[w.centre_a], username="ga")
    await sign_in(client, "ga")
    response = await client.get(page_url(w.other.application_id))
    assert response.status_code == 200
    # The student has no application the manager may see: only the flag shows.
    assert panel_text(response.text) == (
        "Doublons possibles Le 15/06/2026, un étudiant de l'université a apporté le même INE "
        "que ce dossier depuis le logiciel de scolarité : vérifiez ce compte."
    )
