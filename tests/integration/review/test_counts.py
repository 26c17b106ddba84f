"""The desk's home page: counts per programme × dossier status × decision, the chart,
and the links between the desk and the admin."""

from __future__ import annotations

import re
from html import unescape

from app.applications import lifecycle
from app.core.codes.applications import DossierStatus, Verdict
from app.core.codes.staff import StaffRole
from app.review.counts import desk_counts
from app.review.identity import load_staff_member
from app.review.queue_query import queue_ids
from tests.factories import make_campaign, make_centre, make_commission, make_programme
from tests.factories_dossier import (
    decide,
    make_applicant,
    make_decision_type,
    make_received_application,
)
from tests.factories_staff import STAFF_PASSWORD, make_staff
from tests.fixtures.web import post_form
from tests.integration.test_admin import admin_login, make_user

STAFF = lifecycle.Actor.staff(1)


async def _received(campaign, programme) -> int:
    return (await make_received_application(campaign, programme))[1]


async def _status(application_id: int, status: DossierStatus) -> None:
    await lifecycle.set_dossier_status(application_id=application_id, status=status, actor=STAFF)


async def small_world():
    """Centre A: MEDECINE (4 applications) and DROIT (1); centre B: INFORMATIQUE (3).

    MEDECINE: RE without decision; CO with a validated favourable decision; IN; RE with
    an unfavourable decision entered, not validated. DROIT: RE. INFORMATIQUE: RE with a
    validated favourable decision; RE; one still being prepared (AT).
    """
    campaign = await make_campaign()
    centre_a, centre_b = await make_centre(campaign), await make_centre(campaign)
    commission_a, commission_b = await make_commission(centre_a), await make_commission(centre_b)
    medecine = await make_programme(commission_a, label="MEDECINE CESURE")
    droit = await make_programme(commission_a, label="DROIT CESURE")
    informatique = await make_programme(commission_b, label="INFORMATIQUE CESURE")
    favourable = await make_decision_type(Verdict.FAVOURABLE)
    unfavourable = await make_decision_type(Verdict.UNFAVOURABLE)

    m = [await _received(campaign, medecine) for _ in range(4)]
    await _status(m[1], DossierStatus.COMPLETE)
    await decide(m[1], favourable)
    await _status(m[2], DossierStatus.INCOMPLETE)
    await decide(m[3], unfavourable, validate=False)
    await _received(campaign, droit)
    i = [await _received(campaign, informatique) for _ in range(2)]
    await decide(i[0], favourable)
    waiting = await make_applicant(campaign)
    await lifecycle.apply(account_id=waiting.id, programme_id=informatique.id)
    return campaign, (centre_a, medecine, droit), (centre_b, informatique)


def _numbers(line) -> tuple:
    return (
        {k: v for k, v in line.status.items() if v},
        {k: v for k, v in line.decision.items() if v},
        {k: v for k, v in line.verdict.items() if v},
        line.total,
    )


async def test_counts_match_a_small_world_for_each_scope():
    campaign, (centre_a, _medecine, _droit), (_, _informatique) = await small_world()
    central = await load_staff_member(await make_staff(StaffRole.CENTRAL_OFFICE))
    manager = await load_staff_member(
        await make_staff(StaffRole.CENTRE_MANAGER, centres=[centre_a])
    )

    counts = await desk_counts(central, campaign_id=campaign.id)
    by_label = {line.label: line for line in counts.lines}
    assert [line.label for line in counts.lines] == [
        "DROIT CESURE",
        "MEDECINE CESURE",
        "INFORMATIQUE CESURE",
    ]  # centre A first (its position), then its programmes by label
    assert _numbers(by_label["MEDECINE CESURE"]) == (
        {"RE": 2, "CO": 1, "IN": 1},
        {"aucune": 2, "saisie": 1, "validee": 1},
        {"FA": 1, "DE": 1},
        4,
    )
    assert _numbers(by_label["DROIT CESURE"]) == ({"RE": 1}, {"aucune": 1}, {}, 1)
    assert _numbers(by_label["INFORMATIQUE CESURE"]) == (
        {"RE": 2, "AT": 1},
        {"aucune": 2, "validee": 1},
        {"FA": 1},
        3,
    )
    assert _numbers(counts.totals) == (
        {"AT": 1, "RE": 5, "IN": 1, "CO": 1},
        {"aucune": 5, "saisie": 1, "validee": 2},
        {"FA": 2, "DE": 1},
        8,
    )
    assert counts.verdicts == ["FA", "DE"]

    # Every count is the size of the queue it links to.
    for line in [*counts.lines, counts.totals]:
        for code, n in line.status.items():
            assert (
                len(await queue_ids(central, line.queue(status=code), campaign_id=campaign.id)) == n
            )
        for code, n in [*line.decision.items(), *line.verdict.items()]:
            queue = line.queue(decision=code)
            assert len(await queue_ids(central, queue, campaign_id=campaign.id)) == n

    mine = await desk_counts(manager, campaign_id=campaign.id)
    assert [line.label for line in mine.lines] == ["DROIT CESURE", "MEDECINE CESURE"]
    assert _numbers(mine.totals) == (
        {"RE": 3, "CO": 1, "IN": 1},
        {"aucune": 3, "saisie": 1, "validee": 1},
        {"FA": 1, "DE": 1},
        5,
    )


async def _sign_in(client, role, **scopes) -> None:
    await make_staff(role, username="bureau", **scopes)
    response = await post_form(
        client, "/staff/connexion", {"username": "bureau", "password": STAFF_PASSWORD}
    )
    assert response.status_code == 303


def _cells(html: str) -> list[tuple[str, str]]:
    """(href, number) of every linked count."""
    return [
        (unescape(href), n)
        for href, n in re.findall(r'<td class="num"><a href="([^"]+)">(\d+)</a></td>', html)
    ]


async def test_home_shows_the_chart_and_the_table_with_links_to_the_queue(client):
    _campaign, (centre_a, medecine, droit), _ = await small_world()
    await _sign_in(client, StaffRole.CENTRE_MANAGER, centres=[centre_a])

    page = await client.get("/staff/")
    assert page.status_code == 200
    html = page.text
    assert "Connecté·e en tant que Personnel" in html
    svg = re.search(r"<svg .*?</svg>", html, re.S).group(0)
    assert 'role="img"' in svg and 'aria-labelledby="graphique-titre graphique-description"' in svg
    assert (
        '<title id="graphique-titre">Candidatures par formation et statut du dossier</title>' in svg
    )
    assert "<desc id=" in svg
    assert "MEDECINE CESURE" in svg and "INFORMATIQUE CESURE" not in svg
    # One segment per status present: MEDECINE has RE, IN, CO; DROIT has RE.
    assert len(re.findall(r"<rect [^>]*stroke=", svg)) == 4
    for label in ("En attente", "Réceptionné", "Incomplet", "Complet"):
        assert f">{label}</text>" in svg  # the legend

    assert "<caption" in html and 'scope="colgroup"' in html
    cells = _cells(html)
    assert (f"/staff/candidatures?formation={medecine.id}&statut=RE", "2") in cells
    assert (f"/staff/candidatures?formation={medecine.id}&decision=saisie", "1") in cells
    assert (f"/staff/candidatures?formation={medecine.id}&decision=DE", "1") in cells
    assert (f"/staff/candidatures?formation={droit.id}", "1") in cells
    assert ("/staff/candidatures?statut=RE", "3") in cells  # the totals row
    assert ("/staff/candidatures", "5") in cells  # the grand total
    assert "INFORMATIQUE CESURE" not in html  # another centre's programme


async def test_home_without_applications_or_campaign_says_so(client):
    campaign = await make_campaign()
    centre = await make_centre(campaign)
    await make_programme(await make_commission(centre), label="PHILOSOPHIE CESURE")
    await _sign_in(client, StaffRole.CENTRE_MANAGER, centres=[centre])
    page = await client.get("/staff/")
    assert page.status_code == 200
    assert "PHILOSOPHIE CESURE" in page.text and "<svg" not in page.text
    assert "Aucune candidature transmise ou en cours" in page.text


async def test_the_desk_links_to_the_admin_for_the_central_office_only(client):
    campaign = await make_campaign()
    centre = await make_centre(campaign)
    await _sign_in(client, StaffRole.CENTRE_MANAGER, centres=[centre])
    assert 'href="/admin/"' not in (await client.get("/staff/")).text
    await post_form(client, "/staff/deconnexion", {})

    await make_staff(StaffRole.CENTRAL_OFFICE, username="scolarite")
    await post_form(
        client, "/staff/connexion", {"username": "scolarite", "password": STAFF_PASSWORD}
    )
    page = await client.get("/staff/")
    assert '<a href="/admin/" hx-boost="false">Administration</a>' in page.text


async def test_the_admin_sidebar_links_to_the_desk_and_the_jobs_dashboard(client):
    await make_user("sidebar")
    assert (await admin_login(client, "sidebar")).status_code == 200
    links = (await client.get("/admin/api/links/")).json()
    assert links == {
        "Portail candidat": "/",
        "Bureau de gestion": "/staff/",
        "Aperçu des modèles de mails": "/staff/modeles-mails",
        "Travaux et courriels": "/staff/ops/jobs",
    }
