"""The candidate's deadlines as .ics (issue 12, item 5): parsed back with icalendar,
it holds exactly this candidate's return and confirmation deadlines."""

from __future__ import annotations

from datetime import date

from icalendar import Calendar

from app.applications import lifecycle
from app.applications.lifecycle import Actor
from app.tables.catalog import Programme
from tests.factories import make_programme
from tests.fixtures.web import post_form
from tests.integration import test_application_pages as pages
from tests.integration.test_application_pages import (
    application_id_from,
    apply_to,
    new_applicant,
    upload_all,
)

CONFIRM_BY = date(2026, 7, 31)

# The application pages' fixtures: the guide's programme and a signed-in candidate.
camille = pages.camille
world = pages.world


def _events(response) -> list[tuple[str, date, str]]:
    calendar = Calendar.from_ical(response.content)
    return sorted(
        (str(event["UID"]), event.decoded("DTSTART"), str(event["SUMMARY"]))
        for event in calendar.walk("VEVENT")
    )


async def test_the_calendar_holds_exactly_my_deadlines(client, world):
    other_programme = await make_programme(
        world.commission, world.pieces, label="CESURE MASTER (SEMESTRE)", keywords="master"
    )
    # Someone else applies first: none of their dates may show in Camille's file.
    await new_applicant(client)
    theirs = application_id_from(await apply_to(client, other_programme.id))

    await new_applicant(client)  # Camille
    first = application_id_from(await apply_to(client, world.programme.id))
    second = application_id_from(await apply_to(client, other_programme.id))

    response = await client.get("/candidatures/echeances.ics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    assert response.headers["content-disposition"].startswith(
        'attachment; filename="echeances-ecesure.ics"'
    )
    return_date = date(2026, 7, 20)
    assert _events(response) == [
        (
            f"retour-{first}@testserver.local",
            return_date,
            "Date limite de retour : GESTION CESURE FSI L1 (ANNEE)",
        ),
        (
            f"retour-{second}@testserver.local",
            return_date,
            "Date limite de retour : CESURE MASTER (SEMESTRE)",
        ),
    ]
    assert f"-{theirs}@" not in response.text and f"/candidatures/{theirs}" not in response.text

    # Transmitted, then a validated favourable decision: the return date no longer
    # concerns Camille, the confirmation deadline does.
    await upload_all(client, first, world)
    assert (await post_form(client, f"/candidatures/{first}/transmettre", {})).status_code == 303
    await Programme.update({Programme.confirmation_date: CONFIRM_BY}).where(
        Programme.id == world.programme.id
    )
    staff = Actor.staff(None)
    decision_id = await lifecycle.enter_decision(
        application_id=first, decision_type_id=world.favourable.id, actor=staff
    )
    await lifecycle.validate_decision(decision_id=decision_id, actor=staff)
    # The cancelled application leaves the calendar.
    assert (await post_form(client, f"/candidatures/{second}/annuler", {})).status_code == 303

    calendar = Calendar.from_ical((await client.get("/candidatures/echeances.ics")).content)
    events = calendar.walk("VEVENT")
    assert [
        (str(e["UID"]), e.decoded("DTSTART"), e.decoded("DTEND"), str(e["SUMMARY"])) for e in events
    ] == [
        (
            f"confirmation-{first}@testserver.local",
            CONFIRM_BY,
            date(2026, 8, 1),
            "Date limite de confirmation : GESTION CESURE FSI L1 (ANNEE)",
        )
    ]
    assert str(events[0]["URL"]) == f"http://testserver.local/candidatures/{first}"
    assert [str(a["ACTION"]) for a in events[0].walk("VALARM")] == ["DISPLAY"]

    # Once Camille answers, nothing is left to do.
    assert (await post_form(client, f"/candidatures/{first}/confirmer", {})).status_code == 303
    assert _events(await client.get("/candidatures/echeances.ics")) == []


async def test_mes_candidatures_links_to_the_calendar(camille, world):
    empty = await camille.http.get("/candidatures")
    assert "echeances.ics" not in empty.text  # nothing to add yet
    application_id_from(await apply_to(camille.http, world.programme.id))
    page = await camille.http.get("/candidatures")
    assert (
        '<a href="/candidatures/echeances.ics" download>Ajouter mes échéances à mon agenda</a>'
        in page.text
    )


async def test_the_calendar_requires_sign_in(client, world):
    response = await client.get("/candidatures/echeances.ics")
    assert response.status_code in (302, 303)
