"""Bulk actions from the queue (/staff/candidatures/lot): confirmation naming the count,
one lifecycle call per row, one mail per candidate, the result page, and the scope
checked again at confirmation (a forged id is "introuvable", never acted upon)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape

import pytest

from app import clock
from app.applications import lifecycle
from app.applications.latest_decision import recount_current_decisions
from app.core.codes.applications import DossierStatus, ProcessingType, Verdict
from app.core.codes.mail import MailCode
from app.core.codes.staff import StaffRole
from app.review import bulk, routes_bulk
from app.tables.accounts import CandidateAccount
from app.tables.applications import Application, Decision
from app.tables.catalog import Commission
from app.tables.dossier import Candidate
from app.tables.mail import OutboxMail
from tests.factories import (
    _login,
    _next,
    make_campaign,
    make_centre,
    make_commission,
    make_programme,
)
from tests.factories_dossier import (
    decide,
    make_decision_type,
    make_received_application,
    make_refusal_reason,
)
from tests.factories_staff import STAFF_PASSWORD, make_staff
from tests.fixtures.web import post_form
from tests.integration.dossier_support import plant_session

LOT = "/staff/candidatures/lot"
CONFIRM = f"{LOT}/confirmer"


@dataclass
class World:
    campaign: object
    centre_a: object
    centre_b: object
    commission_a: object
    programme_a: object
    programme_b: object


@pytest.fixture
async def world() -> World:
    campaign = await make_campaign()
    centre_a, centre_b = await make_centre(campaign), await make_centre(campaign)
    commission_a, commission_b = await make_commission(centre_a), await make_commission(centre_b)
    return World(
        campaign,
        centre_a,
        centre_b,
        commission_a,
        await make_programme(commission_a, label="MEDECINE CESURE"),
        await make_programme(commission_b, label="INFORMATIQUE CESURE"),
    )


async def received(world: World, programme, count: int) -> list[int]:
    return [(await make_received_application(world.campaign, programme))[1] for _ in range(count)]


async def sign_in(client, role: StaffRole, username: str = "gestion", **scopes) -> int:
    user_id = await make_staff(role, username=username, **scopes)
    response = await post_form(
        client, "/staff/connexion", {"username": username, "password": STAFF_PASSWORD}
    )
    assert response.status_code == 303
    return user_id


def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def hidden_ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'<input type="hidden" name="ids" value="(\d+)">', html)]


def result_rows(html: str, table: str) -> list[list[str]]:
    found = re.search(rf'<table class="{table}">.*?</table>', html, re.S)
    if not found:
        return []
    body = found.group(0).split("<tbody>", 1)[1]
    return [
        [text_of(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


async def confirm(client, action: str, ids: list[int], **fields) -> str:
    """Confirm a bulk action; return the result page's HTML."""
    response = await post_form(client, CONFIRM, {"action": action, "ids": ids, **fields})
    assert response.status_code == 303, response.text
    assert response.headers["location"].startswith(f"{LOT}/")
    page = await client.get(response.headers["location"])
    assert page.status_code == 200
    return page.text


async def many_entered(world: World, programme, count: int, decision_type) -> list[int]:
    """``count`` transmitted applications with a decision entered, not validated,
    written directly: apply, transmit and enter_decision have their own tests, and
    200 of each through the lifecycle would take most of a minute."""
    moment = clock.now()
    numbers = [_next() for _ in range(count)]
    await CandidateAccount.insert(
        *(
            CandidateAccount(
                campaign=world.campaign.id,
                login=_login(n),
                email=f"candidat{n}@example.org",
                last_name=f"DUPONT{n}",
                first_name="Camille",
                activated_at=moment,
                email_validated_at=moment,
            )
            for n in numbers
        )
    )
    accounts = await CandidateAccount.select(CandidateAccount.id, CandidateAccount.last_name).where(
        CandidateAccount.login.is_in([_login(n) for n in numbers])
    )
    await Candidate.insert(
        *(
            Candidate(account=a["id"], birth_name=a["last_name"], first_name="Camille")
            for a in accounts
        )
    )
    rows = await Candidate.select(Candidate.id).where(
        Candidate.account.is_in([a["id"] for a in accounts])
    )
    candidates = [row["id"] for row in rows]
    await Application.insert(
        *(
            Application(
                candidate=candidate,
                programme=programme.id,
                status=DossierStatus.RECEIVED.value,
                processing_type=ProcessingType.CONTROLLED.value,
                received_at=moment,
                transmitted_at=moment,
            )
            for candidate in candidates
        )
    )
    rows = await Application.select(Application.id).where(Application.candidate.is_in(candidates))
    ids = sorted(row["id"] for row in rows)
    await Decision.insert(
        *(
            Decision(
                application=i,
                decision_type=decision_type.id,
                entered_at=moment,
                entered_by=1,
                validated=False,
            )
            for i in ids
        )
    )
    # Written set-based like the benchmark's generator: the pointer the portal keeps
    # with each decision it writes is set the same way.
    await recount_current_decisions()
    return ids


async def entered(application_ids: list[int], decision_type) -> None:
    for application_id in application_ids:
        await decide(application_id, decision_type, validate=False)


async def validated(application_ids: list[int]) -> list[bool]:
    rows = (
        await Decision.select(Decision.application, Decision.validated)
        .where(Decision.application.is_in(application_ids))
        .order_by(Decision.application)
    )
    return [row["validated"] for row in rows]


async def outbox(code: MailCode) -> list[int]:
    rows = await OutboxMail.select(OutboxMail.application).where(
        OutboxMail.template_code == code.value
    )
    return sorted(row["application"] for row in rows)


async def login_of(application_id: int) -> str:
    row = (
        await Application.select(Application.candidate.account.login.as_alias("login"))
        .where(Application.id == application_id)
        .first()
    )
    return row["login"]


async def test_validating_200_entered_decisions_sends_exactly_200_mails(
    client, world, redis, run_worker, smtp_sink
):
    favourable = await make_decision_type(Verdict.FAVOURABLE, label_fr="Avis favorable")
    apps = await many_entered(world, world.programme_a, 200, favourable)
    other = await received(world, world.programme_b, 1)
    await entered(other, favourable)
    await sign_in(client, StaffRole.CENTRE_MANAGER, centres=[world.centre_a])

    # The whole filtered queue: the confirmation names the action and the count.
    asked = await post_form(
        client, LOT, {"action": "valider-decisions", "portee": "tout", "decision": "saisie"}
    )
    assert asked.status_code == 200
    assert "Valider 200 décisions ?" in text_of(asked.text)
    assert sorted(hidden_ids(asked.text)) == apps
    assert await validated(apps) == [False] * 200  # nothing done before the confirmation

    result = await confirm(client, "valider-decisions", hidden_ids(asked.text), decision="saisie")
    assert "Faites : 200 — refusées : 0." in text_of(result)
    assert len(result_rows(result, "bulk-done")) == 200
    assert await validated(apps) == [True] * 200
    assert await validated(other) == [False]
    assert await outbox(MailCode.DECISION_FA) == apps
    assert await redis.zcard("arq:queue") == 200

    await run_worker()
    assert len(smtp_sink.messages) == 200
    assert {m["Subject"] for m in smtp_sink.messages} == {"eCésure : avis favorable"}
    emails = await CandidateAccount.select(CandidateAccount.email).where(
        CandidateAccount.id.is_in(
            Application.select(Application.candidate.account).where(Application.id.is_in(apps))
        )
    )
    assert sorted(m["To"] for m in smtp_sink.messages) == sorted(r["email"] for r in emails)

    # Each candidate sees the decision.
    for application_id in (apps[0], apps[-1]):
        row = (
            await Application.select(Application.candidate.account.as_alias("account"))
            .where(Application.id == application_id)
            .first()
        )
        client.cookies.clear()
        await plant_session(
            client, await CandidateAccount.objects().get(CandidateAccount.id == row["account"])
        )
        page = await client.get(f"/candidatures/{application_id}")
        assert page.status_code == 200
        assert "Avis favorable" in text_of(page.text)


async def test_a_forged_id_of_another_centre_is_not_found_and_left_alone(client, world, redis):
    favourable = await make_decision_type(Verdict.FAVOURABLE)
    mine = await received(world, world.programme_a, 2)
    theirs = await received(world, world.programme_b, 1)
    await entered(mine + theirs, favourable)
    await sign_in(client, StaffRole.CENTRE_MANAGER, centres=[world.centre_a])

    # Ticking another centre's row by hand: it is not offered for confirmation.
    asked = await post_form(
        client, LOT, {"action": "valider-decisions", "portee": "selection", "ids": theirs}
    )
    assert asked.status_code == 200
    assert "Aucune candidature choisie" in text_of(asked.text)
    assert hidden_ids(asked.text) == []
    asked = await post_form(
        client, LOT, {"action": "valider-decisions", "ids": [mine[0], theirs[0], mine[1]]}
    )
    assert hidden_ids(asked.text) == mine
    assert "Valider 2 décisions ?" in text_of(asked.text)

    # A forged confirmation: the foreign row is listed as not found, nothing else said.
    result = await confirm(client, "valider-decisions", [theirs[0], *mine])
    assert "Faites : 2 — refusées : 1." in text_of(result)
    assert result_rows(result, "bulk-refused") == [
        [f"Candidature n° {theirs[0]}", "", "Candidature introuvable."]
    ]
    assert await login_of(theirs[0]) not in result
    assert await validated(theirs) == [False]
    assert await outbox(MailCode.DECISION_FA) == mine
    # The same for a status change.
    result = await confirm(client, "complet", theirs)
    assert "Faites : 0 — refusées : 1." in text_of(result)
    assert (await Application.select(Application.status).where(Application.id == theirs[0]))[0][
        "status"
    ] == DossierStatus.RECEIVED


async def test_a_commission_member_acts_only_as_its_commission_allows(client, world):
    favourable = await make_decision_type(Verdict.FAVOURABLE)
    apps = await received(world, world.programme_a, 2)
    await entered(apps, favourable)
    await Commission.update({Commission.members_decide: False}).where(
        Commission.id == world.commission_a.id
    )
    await sign_in(client, StaffRole.COMMISSION_MEMBER, commissions=[world.commission_a])

    result = await confirm(client, "valider-decisions", apps)
    refused = result_rows(result, "bulk-refused")
    assert [row[2] for row in refused] == [
        "Votre commission n'autorise pas ses membres à saisir ou valider les décisions."
    ] * 2
    assert refused[0][0] == await login_of(apps[0])
    # members_process is off by default: no dossier status either.
    result = await confirm(client, "incomplet", apps)
    assert {row[2] for row in result_rows(result, "bulk-refused")} == {
        "Votre commission n'autorise pas ses membres à modifier le statut des dossiers."
    }
    assert await validated(apps) == [False, False]
    assert await outbox(MailCode.STATUS_INCOMPLETE) == []
    assert await outbox(MailCode.DECISION_FA) == []

    await Commission.update({Commission.members_decide: True}).where(
        Commission.id == world.commission_a.id
    )
    result = await confirm(client, "valider-decisions", apps)
    assert "Faites : 2 — refusées : 0." in text_of(result)


async def test_status_changes_each_go_through_the_lifecycle(client, world):
    apps = await received(world, world.programme_a, 3)
    await lifecycle.set_dossier_status(
        application_id=apps[2], status=DossierStatus.COMPLETE, actor=lifecycle.Actor.staff(1)
    )
    await sign_in(client, StaffRole.CENTRE_MANAGER, centres=[world.centre_a])
    # "This page": every row shown, without ticking any.
    page = await client.get("/staff/candidatures?tri=dossier")
    ids_page = re.search(r'name="ids_page" value="([\d,]+)"', page.text).group(1)
    asked = await post_form(
        client, LOT, {"action": "complet", "portee": "page", "ids_page": ids_page, "tri": "dossier"}
    )
    assert "Déclarer complets 3 dossiers ?" in text_of(asked.text)
    assert sorted(hidden_ids(asked.text)) == apps

    result = await confirm(client, "complet", hidden_ids(asked.text), tri="dossier")
    assert "Faites : 2 — refusées : 1." in text_of(result)
    assert [row[2] for row in result_rows(result, "bulk-refused")] == [
        "Le statut du dossier ne permet pas ce changement : dossier non transmis, déjà dans ce statut ou candidature annulée."
    ]
    assert 'href="/staff/candidatures?tri=dossier"' in result  # back to the same queue
    statuses = await Application.select(Application.status).where(Application.id.is_in(apps))
    assert {row["status"] for row in statuses} == {DossierStatus.COMPLETE}
    assert await outbox(MailCode.STATUS_COMPLETE) == apps  # two now, one before


async def test_entering_decisions_asks_for_the_decision_and_ranks_a_complementary_list(
    client, world
):
    complementary = await make_decision_type(Verdict.COMPLEMENTARY_LIST, label_fr="Liste C")
    unfavourable = await make_decision_type(Verdict.UNFAVOURABLE, label_fr="Refus")
    reason = await make_refusal_reason(label_fr="Projet imprécis")
    apps = await received(world, world.programme_a, 3)
    await sign_in(client, StaffRole.CENTRE_MANAGER, centres=[world.centre_a])

    asked = await post_form(client, LOT, {"action": "saisir-decision", "ids": apps})
    shown = text_of(asked.text)
    assert "Saisir une décision pour 3 candidatures ?" in shown
    assert "Liste complémentaire — Liste C" in shown and "Projet imprécis" in shown

    # Missing rank, missing reason: the form says so and nothing is entered.
    for fields, message in (
        ({"type_decision": complementary.id}, "Indiquez le rang sur la liste complémentaire"),
        ({"type_decision": complementary.id, "rang": "-2"}, "Indiquez le rang"),
        ({"type_decision": unfavourable.id}, "Choisissez le motif de la décision défavorable."),
        ({"type_decision": "abc"}, "Choisissez le type de décision."),
    ):
        response = await post_form(
            client, CONFIRM, {"action": "saisir-decision", "ids": apps, **fields}
        )
        assert response.status_code == 200
        assert message in text_of(response.text)
        assert hidden_ids(response.text) == apps
    assert await Decision.count() == 0

    result = await confirm(
        client,
        "saisir-decision",
        apps,
        type_decision=complementary.id,
        rang="5",
        commentaire="Classement du jury",
    )
    assert "Faites : 3 — refusées : 0." in text_of(result)
    rows = await Decision.select(
        Decision.application, Decision.rank, Decision.validated, Decision.comment
    ).order_by(Decision.application)
    assert [(r["application"], r["rank"], r["validated"]) for r in rows] == [
        (apps[0], 5, False),
        (apps[1], 6, False),
        (apps[2], 7, False),
    ]
    assert {r["comment"] for r in rows} == {"Classement du jury"}
    # Entered, not validated: nobody is told.
    assert await OutboxMail.count().where(OutboxMail.template_code.like("decision%")) == 0

    result = await confirm(
        client, "saisir-decision", apps[:1], type_decision=unfavourable.id, motif=reason.id
    )
    assert "Faites : 1 — refusées : 0." in text_of(result)
    result = await confirm(client, "valider-decisions", apps)
    assert "Faites : 3 — refusées : 0." in text_of(result)
    result = await confirm(client, "valider-decisions", apps)
    assert {row[2] for row in result_rows(result, "bulk-refused")} == {
        "La décision est déjà validée."
    }


async def test_more_rows_than_the_cap_are_refused_with_a_message(client, world, monkeypatch):
    monkeypatch.setattr(bulk, "MAX_ROWS", 2)
    monkeypatch.setattr(routes_bulk, "MAX_ROWS", 2)
    apps = await received(world, world.programme_a, 3)
    await sign_in(client, StaffRole.CENTRE_MANAGER, centres=[world.centre_a])
    for url, fields in ((LOT, {"portee": "tout"}), (CONFIRM, {"ids": apps})):
        response = await post_form(client, url, {"action": "complet", **fields})
        assert response.status_code == 200
        assert (
            "L'action porte sur 3 candidatures : une action groupée en traite au plus 2 à la fois."
            in text_of(response.text)
        )
        assert hidden_ids(response.text) == []
    statuses = await Application.select(Application.status).where(Application.id.is_in(apps))
    assert {row["status"] for row in statuses} == {DossierStatus.RECEIVED}


GARBAGE = ["-1", str(2**40), "\x00", "abc", "1e3", "", " 7 ", "٣", "0", "1" * 400]


@pytest.mark.parametrize("url", [LOT, CONFIRM])
async def test_garbage_ids_and_params_never_fail(client, world, url):
    apps = await received(world, world.programme_a, 1)
    await sign_in(client, StaffRole.CENTRE_MANAGER, centres=[world.centre_a])
    for fields in (
        {"action": "complet", "ids": GARBAGE},
        {"action": "\x00", "ids": apps},
        {"action": "complet", "portee": "page", "ids_page": ",".join(GARBAGE)},
        {"action": "complet", "portee": "tout", "centre": "-1", "page": "x", "depuis": "\x00"},
        {"action": "saisir-decision", "ids": apps, "type_decision": str(2**40), "rang": "\x00"},
        {},
    ):
        response = await post_form(client, url, fields)
        # 400: control characters may be refused outright by the security layer.
        assert response.status_code in (200, 303, 400), (fields, response.status_code)
    for token in ("x", "A" * 32, "..%2F..%2Fetc", "%00" * 24):
        assert (await client.get(f"{LOT}/{token}")).status_code == 404
    assert (await client.get(LOT)).status_code == 303


async def test_the_result_page_is_its_authors_only(client, world):
    apps = await received(world, world.programme_a, 1)
    await sign_in(client, StaffRole.CENTRE_MANAGER, centres=[world.centre_a])
    response = await post_form(client, CONFIRM, {"action": "complet", "ids": apps})
    location = response.headers["location"]
    assert (await client.get(location)).status_code == 200
    client.cookies.clear()
    await sign_in(client, StaffRole.CENTRAL_OFFICE, username="scol")
    assert (await client.get(location)).status_code == 404
