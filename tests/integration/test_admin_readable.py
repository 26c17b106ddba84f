"""The admin as the central office reads it (issue 10, "Readable" and "Candidate data for
reading"): French names for every code, rows named rather than numbered, the dossier's
sections, and the pieces' files opened behind the admin's sign-in."""

from __future__ import annotations

import dataclasses
import hashlib

import pytest
from piccolo.apps.user.tables import BaseUser
from piccolo.columns import ForeignKey
from piccolo.table import Table

from app.backoffice.admin import table_configs
from app.backoffice.admin_files import WRITE_REFUSAL
from app.backoffice.admin_headings import TABLE_HEADINGS, heading
from app.backoffice.admin_page import with_portal_timezone
from app.backoffice.admin_table import CANDIDATES
from app.core.code_labels import PIECE_STATUS
from app.core.codes.staff import StaffRole
from app.documents.storage import storage_path, store_upload
from app.settings import get_settings
from app.tables.documents import StoredFile
from app.tables.dossier import Candidate, Internship, WorkExperience
from tests.fixtures.files import make_pdf
from tests.integration.test_admin import (
    admin_csrf_token,
    admin_login,
    admin_visitor,
    admin_write,
    make_application_rows,
    make_user,
    stored,
)
from tests.security.test_admin_access import open_session

FILES = "/admin/api/media-files/stored_file/storage_key/"


@pytest.fixture
async def client(app):
    async with admin_visitor(app) as http:
        yield http


@pytest.fixture
async def staff(client):
    """Signed in to the admin as the central office."""
    await make_user("scolarite")
    assert (await admin_login(client, "scolarite")).status_code == 200
    return client


@pytest.fixture
async def rows():
    """An application of MARTIN Léa (dossier AB12CD34), her name stored as the dossier
    form stores it (birth name upper-cased)."""
    found = await make_application_rows()
    await Candidate.update({Candidate.birth_name: "MARTIN"}).where(
        Candidate.id == found["candidate"].id
    )
    return found


# --- the acceptance test: every table, every code column, every foreign key -------------


def piccolo_default_name(member_name: str) -> str:
    # What piccolo-admin shows for a plain Enum member (ColumnMeta.get_choices_dict).
    return member_name.replace("_", " ").title()


def test_every_code_column_shows_french_names():
    missing = [
        f"{config.table_class.__name__}.{column._meta.name}: {name}"
        for config in table_configs()
        for column in config.table_class._meta.columns
        for name, choice in (column._meta.get_choices_dict() or {}).items()
        if not choice["display_name"] or choice["display_name"] == piccolo_default_name(name)
    ]
    assert missing == []


def test_every_foreign_key_target_has_its_own_readable():
    missing = {
        f"{config.table_class.__name__}.{column._meta.name} → {target.__name__}"
        for config in table_configs()
        for column in config.table_class._meta.columns
        if isinstance(column, ForeignKey)
        for target in [column._foreign_key_meta.resolved_references]
        if target.get_readable.__func__ is Table.get_readable.__func__
    }
    assert missing == set()


def test_every_table_chooses_its_columns_and_shows_no_secret():
    """No table falls back to piccolo's every-column list, where a secret would show."""
    shown = {}
    for config in table_configs():
        assert config.visible_columns, config.table_class.__name__
        assert config.order_by, config.table_class.__name__
        for column in [*config.visible_columns, *(config.visible_filters or [])]:
            shown[f"{config.table_class.__name__}.{column._meta.name}"] = column._meta.secret
    assert [name for name, secret in shown.items() if secret] == []
    assert "CandidateAccount.login" in shown


def test_the_checks_above_catch_a_missing_label_or_readable():
    from piccolo.columns import Varchar

    from app.core.codes.applications import PieceStatus

    class Bare(Table):
        status = Varchar(choices=PieceStatus)

    names = Bare.status._meta.get_choices_dict()
    assert names["NOT_CONCERNED"]["display_name"] == piccolo_default_name("NOT_CONCERNED")
    assert Bare.get_readable.__func__ is Table.get_readable.__func__


def test_choices_keep_the_stored_codes():
    from app.tables.applications import SubmittedPiece

    names = SubmittedPiece.status._meta.get_choices_dict()
    assert {k: (v["value"], v["display_name"]) for k, v in names.items()} == {
        code.name: (code.value, label) for code, label in PIECE_STATUS.items()
    }
    assert names["REFUSED"] == {"value": "RE", "display_name": "Refusée"}


async def test_every_readable_runs_on_the_database(rows):
    """Each readable is SQL (joins included): every table answers its ids."""
    for config in table_configs():
        table = config.table_class
        await table.select(table._meta.primary_key, table.get_readable()).limit(1)


# --- what the admin's API answers -------------------------------------------------------


async def test_schema_lists_french_choices(staff):
    schema = (await staff.get("/admin/api/tables/application/schema/")).json()
    choices = schema["properties"]["status"]["extra"]["choices"]
    assert {name: c["display_name"] for name, c in choices.items()} == {
        "WAITING": "En attente",
        "RECEIVED": "Réceptionné",
        "INCOMPLETE": "Incomplet",
        "COMPLETE": "Complet",
    }
    assert choices["RECEIVED"]["value"] == "RE"
    assert schema["extra"]["help_text"] == "Candidature : un candidat dans une formation."
    override = schema["properties"]["return_date_override"]["extra"]["help_text"]
    assert override.startswith("Date de retour propre à ce candidat")


async def test_a_candidate_reads_as_name_and_dossier_number(staff, rows):
    candidate = rows["candidate"].id
    ids = (await staff.get("/admin/api/tables/candidate/ids/")).json()
    assert ids == {str(candidate): "MARTIN Léa (AB12CD34)"}
    found = (await staff.get("/admin/api/tables/candidate/ids/?search=martin")).json()
    assert found == {str(candidate): "MARTIN Léa (AB12CD34)"}


async def test_foreign_keys_read_as_names_in_the_lists(staff, rows):
    application = rows["application"].id
    listing = (await staff.get("/admin/api/tables/application/?__readable=true")).json()
    assert listing["rows"][0]["candidate_readable"] == "MARTIN Léa (AB12CD34)"
    assert listing["rows"][0]["programme_readable"] == "Césure en licence 3"
    pieces = (await staff.get("/admin/api/tables/submitted_piece/?__readable=true")).json()
    assert pieces["rows"][0]["piece_readable"] == "Curriculum vitae"
    assert pieces["rows"][0]["application_readable"] == (
        f"n° {application} — MARTIN Léa — Césure en licence 3"
    )
    decisions = (await staff.get("/admin/api/tables/decision/?__readable=true")).json()
    assert decisions["rows"][0]["decision_type_readable"] == "Avis favorable"


def test_every_column_has_a_french_heading():
    missing = [
        f"{config.table_class._meta.tablename}.{column._meta.name}"
        for config in table_configs()
        for column in config.table_class._meta.columns
        if not heading(config.table_class._meta.tablename, column._meta.name)
    ]
    assert missing == []
    tables = {config.table_class._meta.tablename: config.table_class for config in table_configs()}
    for table_name, overrides in TABLE_HEADINGS.items():
        for column_name in overrides:
            assert tables[table_name]._meta.get_column_by_name(column_name)


async def test_schema_titles_are_french(staff):
    schema = (await staff.get("/admin/api/tables/candidate/schema/")).json()
    titles = {name: prop["title"] for name, prop in schema["properties"].items()}
    assert titles["birth_name"] == "Nom de naissance"
    assert titles["account"] == "Compte candidat"
    application = (await staff.get("/admin/api/tables/application/schema/")).json()
    assert application["properties"]["status"]["title"] == "Statut du dossier"
    assert application["properties"]["candidate"]["title"] == "Candidat"
    assert application["extra"]["visible_column_names"][:3] == ["id", "candidate", "programme"]


async def test_schema_of_an_anonymous_visitor_stays_refused(client):
    response = await client.get("/admin/api/tables/candidate/schema/")
    assert response.status_code == 401
    assert "Nom de naissance" not in response.text


# --- the dossier's sections -------------------------------------------------------------


async def test_dossier_sections_are_listed_read_only(staff, rows):
    grouped = (await staff.get("/admin/api/tables/grouped/")).json()["grouped"][CANDIDATES]
    for name in (
        "baccalaureate",
        "prior_study",
        "internal_study",
        "internship",
        "work_experience",
    ):
        assert name in grouped
    candidate = rows["candidate"].id
    await Internship(candidate=candidate, year=2025, duration="2 mois", employer="CNES").save()
    listing = (await staff.get("/admin/api/tables/internship/?__readable=true")).json()
    assert listing["rows"][0]["candidate_readable"] == "MARTIN Léa (AB12CD34)"
    payload = {"candidate": candidate, "year": 2024, "title": "Guide", "duration": "1 an"}
    refused = await admin_write(staff, "POST", "work_experience/", {**payload, "employer": "X"})
    assert refused.status_code == 405
    assert "lecture seule" in refused.json()["detail"]
    assert await WorkExperience.count() == 0


# --- the pieces' files ------------------------------------------------------------------


@pytest.fixture
async def pdf(rows) -> dict:
    data = make_pdf(pages=2)
    file_id = await store_upload(
        owner_account_id=rows["account"].id, filename="Relevé de notes.pdf", data=data
    )
    return {**(await stored(StoredFile, file_id)), "data": data}


async def test_central_office_opens_a_stored_file(staff, pdf):
    token = await admin_csrf_token(staff)
    answer = await staff.post(
        "/admin/api/media/generate-file-url/",
        json={
            "table_name": "stored_file",
            "column_name": "storage_key",
            "file_key": pdf["storage_key"],
        },
        headers={"X-CSRFToken": token},
    )
    assert answer.status_code == 200, answer.text
    url = answer.json()["file_url"]
    assert url == f"./api/media-files/stored_file/storage_key/{pdf['storage_key']}"
    response = await staff.get("/admin/" + url.removeprefix("./"))
    assert response.status_code == 200
    assert response.content == pdf["data"]
    assert hashlib.sha256(response.content).hexdigest() == pdf["sha256"]
    assert response.headers["content-type"] == "application/pdf"
    assert "Relev" in response.headers["content-disposition"]
    assert response.headers["content-security-policy"].startswith("sandbox")
    assert response.headers["cache-control"] == "private, no-store"


async def test_the_list_of_files_offers_them_as_media(staff, pdf):
    schema = (await staff.get("/admin/api/tables/stored_file/schema/")).json()
    assert schema["extra"]["media_columns"] == ["storage_key"]


async def test_anonymous_visitors_cannot_open_a_file(client, pdf):
    response = await client.get(FILES + pdf["storage_key"])
    assert response.status_code == 401
    assert pdf["data"] not in response.content


@pytest.mark.parametrize("role", [StaffRole.CENTRE_MANAGER, StaffRole.COMMISSION_MEMBER])
async def test_scoped_staff_cannot_open_a_file_even_with_a_session(client, pdf, role):
    await open_session(client, await make_user("gestion", role=role))
    response = await client.get(FILES + pdf["storage_key"])
    assert response.status_code == 403
    assert pdf["data"] not in response.content


async def test_a_deactivated_admin_session_cannot_open_a_file(staff, pdf):
    await BaseUser.update({BaseUser.active: False}).where(BaseUser.username == "scolarite")
    response = await staff.get(FILES + pdf["storage_key"])
    assert response.status_code in (401, 403)
    assert pdf["data"] not in response.content


@pytest.mark.parametrize(
    "key", ["0" * 32, "%2e%2e%2fsecret", "A" * 32, "0" * 33, "", "%00", "0" * 32 + "/x"]
)
async def test_unknown_or_malformed_keys_are_not_found(staff, pdf, key):
    response = await staff.get(FILES + key)
    assert response.status_code == 404
    assert response.json() == {"detail": "Fichier introuvable."}


async def test_a_path_out_of_the_files_reaches_nothing(staff, pdf):
    # The client resolves the dots: piccolo-admin answers its own 404.
    response = await staff.get(FILES + "../../../../etc/passwd")
    assert response.status_code == 404
    assert "root:" not in response.text


async def test_a_stored_row_whose_file_is_gone_is_not_found(staff, pdf):
    storage_path(pdf["storage_key"]).unlink()
    assert (await staff.get(FILES + pdf["storage_key"])).status_code == 404


async def test_the_admin_writes_no_file(staff, pdf):
    token = await admin_csrf_token(staff)
    before = sorted(p.name for p in get_settings().storage_dir.rglob("*") if p.is_file())
    upload = await staff.post(
        "/admin/api/media/",
        data={"table_name": "stored_file", "column_name": "storage_key"},
        files={"file": ("autre.pdf", make_pdf(), "application/pdf")},
        headers={"X-CSRFToken": token},
    )
    assert upload.status_code == 405
    assert upload.json() == {"detail": WRITE_REFUSAL}
    for method in ("PUT", "DELETE", "POST"):
        response = await staff.request(
            method, FILES + pdf["storage_key"], headers={"X-CSRFToken": token}
        )
        assert response.status_code == 405
    patch = await admin_write(
        staff, "PATCH", f"stored_file/{pdf['id']}/", {"storage_key": "0" * 32}
    )
    assert patch.status_code == 405
    deleted = await admin_write(staff, "DELETE", f"stored_file/{pdf['id']}/")
    assert deleted.status_code == 405
    assert (await stored(StoredFile, pdf["id"]))["storage_key"] == pdf["storage_key"]
    after = sorted(p.name for p in get_settings().storage_dir.rglob("*") if p.is_file())
    assert after == before
    assert await StoredFile.count() == 1


# --- dates ------------------------------------------------------------------------------


async def test_the_admin_page_starts_staff_on_the_portal_time_zone(client):
    page = (await client.get("/admin/")).text
    assert '<html lang="fr">' in page
    script = '<script src="/static/js/admin-timezone.js" data-timezone="Europe/Paris">'
    assert page.index(script) < page.index('<script type="module"')
    asset = await client.get("/static/js/admin-timezone.js")
    assert asset.status_code == 200
    assert "defaultTimezone" in asset.text


def test_the_time_zone_comes_from_the_settings():
    class Page:
        template = '<html lang="en"><head><script type="module" src="./a.js"></script>'

    settings = dataclasses.replace(get_settings(), timezone="America/Cayenne")
    page = with_portal_timezone(Page(), settings).template  # type: ignore[arg-type]
    assert page == (
        '<html lang="fr"><head><script src="/static/js/admin-timezone.js" '
        'data-timezone="America/Cayenne"></script>\n  <script type="module" src="./a.js"></script>'
    )
