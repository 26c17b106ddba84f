"""Rules in the admin (issue 10, item 4): configuration writes are refused with a French
message naming the field and change nothing, and every accepted write is audited with
its before → after, in the write's transaction."""

from __future__ import annotations

from datetime import date

import httpx
import pytest
from piccolo.apps.user.tables import BaseUser

from app.tables.catalog import Campaign, DecisionType, Programme, RefusalReason, RequiredPiece
from app.tables.ops import AuditEvent
from tests.fixtures.web import BASE_URL
from tests.integration.test_admin import (
    PASSWORD,
    admin_login,
    admin_visitor,
    admin_write,
    make_application_rows,
    make_user,
    stored,
)


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch):
    monkeypatch.setattr(BaseUser, "_pbkdf2_iteration_count", 1_000)


@pytest.fixture
async def staff(app):
    """A visitor signed in to the admin as the central office (user "gestion")."""
    async with admin_visitor(app) as http:
        await make_user("gestion")
        assert (await admin_login(http, "gestion")).status_code == 200
        yield http


@pytest.fixture
async def rows():
    return await make_application_rows()


async def staff_id() -> int:
    return await BaseUser.select(BaseUser.id).where(BaseUser.username == "gestion").first()


async def config_events() -> list[dict]:
    return (
        await AuditEvent.select()
        .where(AuditEvent.action.like("config.%"))
        .order_by(AuditEvent.id)
        .output(load_json=True)
    )


async def edit_form(http: httpx.AsyncClient, table: str, row_id: int, **changes) -> httpx.Response:
    """Save the admin's edit form: every field sent back, ``changes`` applied."""
    row = (await http.get(f"/admin/api/tables/{table}/{row_id}/")).json()
    row.pop("id")
    row.update(changes)
    return await admin_write(http, "PATCH", f"{table}/{row_id}/", row)


NEW_CAMPAIGN = {
    "code": "2027",
    "label_fr": "Campagne 2027-2028",
    "label_en": "",
    "academic_year": "2027/2028",
    "start_date": "2027-01-01",
    "end_date": "2027-12-31",
    "candidate_end_date": None,
    "active": False,
    "archived_at": None,
    "previous": None,
}


# --- one active campaign ------------------------------------------------------------------


async def test_a_second_active_campaign_is_refused_on_create(staff, rows):
    response = await admin_write(staff, "POST", "campaign/", {**NEW_CAMPAIGN, "active": True})
    assert response.status_code == 405
    assert response.json()["detail"] == (
        "Création refusée, champ « Actif » : la campagne « 2026 » est déjà active, et une "
        "seule campagne l'est à la fois : archivez-la ou désactivez-la d'abord."
    )
    assert await Campaign.count() == 1
    assert await config_events() == []


async def test_a_second_active_campaign_is_refused_on_edit(staff, rows):
    created = await admin_write(staff, "POST", "campaign/", NEW_CAMPAIGN)
    assert created.status_code == 201, created.text
    new_id = created.json()[0]["id"]
    before = await stored(Campaign, new_id)
    response = await edit_form(staff, "campaign", new_id, active=True)
    assert response.status_code == 405
    assert "champ « Actif » : la campagne « 2026 » est déjà active" in response.json()["detail"]
    assert await stored(Campaign, new_id) == before
    # The active campaign itself saves unchanged, and may be deactivated.
    active_id = (await Campaign.select(Campaign.id).where(Campaign.code == "2026").first())["id"]
    assert (await edit_form(staff, "campaign", active_id)).status_code == 200
    assert (await edit_form(staff, "campaign", active_id, active=False)).status_code == 200


# --- dates in order -----------------------------------------------------------------------


async def test_an_inverted_campaign_window_is_refused_on_create_and_edit(staff, rows):
    inverted = {**NEW_CAMPAIGN, "start_date": "2027-12-31", "end_date": "2027-01-01"}
    created = await admin_write(staff, "POST", "campaign/", inverted)
    assert created.status_code == 405
    assert created.json()["detail"] == (
        "Création refusée, champ « Fin de la campagne » : la fin de la campagne (01/01/2027) précède "
        "son début (31/12/2027)."
    )
    assert await Campaign.count() == 1

    campaign_id = (await Campaign.select(Campaign.id).first())["id"]
    before = await stored(Campaign, campaign_id)
    edited = await edit_form(staff, "campaign", campaign_id, end_date="2025-12-31")
    assert edited.status_code == 405
    assert edited.json()["detail"] == (
        "Modification refusée, champ « Fin de la campagne » : la fin de la campagne (31/12/2025) "
        "précède son début (01/01/2026)."
    )
    assert await stored(Campaign, campaign_id) == before
    assert await config_events() == []


@pytest.mark.parametrize(
    ("changes", "detail"),
    [
        (
            {"deposit_end": "2026-02-01"},
            "Modification refusée, champ « Fin des dépôts » : la fin du dépôt des candidatures "
            "(01/02/2026) précède son ouverture (01/03/2026).",
        ),
        (
            {"deposit_start": "2026-06-01"},
            "Modification refusée, champ « Fin des dépôts » : la fin du dépôt des candidatures "
            "(31/05/2026) précède son ouverture (01/06/2026).",
        ),
        (
            {"return_date": "2026-05-30"},
            "Modification refusée, champ « Date de retour » : la date de retour des dossiers "
            "(30/05/2026) précède la fin du dépôt (31/05/2026).",
        ),
        (
            {"jury_date": "2026-07-01", "publication_date": "2026-06-30"},
            "Modification refusée, champ « Date de publication » : la publication des "
            "résultats (30/06/2026) précède le jury (01/07/2026).",
        ),
        (
            {"confirmation_date": "2026-07-10", "confirmation_delay_days": 8},
            "Modification refusée, champ « Délai de confirmation (jours) » : indiquez une date "
            "limite de confirmation ou un délai en jours, pas les deux.",
        ),
    ],
    ids=["window-end", "window-start", "return", "publication", "confirmation"],
)
async def test_programme_dates_out_of_order_are_refused(staff, rows, changes, detail):
    programme = rows["programme"]
    before = await stored(Programme, programme.id)
    partial = await admin_write(staff, "PATCH", f"programme/{programme.id}/", changes)
    assert partial.status_code == 405
    assert partial.json()["detail"] == detail
    whole_form = await edit_form(staff, "programme", programme.id, **changes)
    assert whole_form.status_code == 405
    assert whole_form.json()["detail"] == detail
    assert await stored(Programme, programme.id) == before
    assert await config_events() == []


async def test_a_programme_created_with_an_inverted_window_is_refused(staff, rows):
    programme = rows["programme"]
    response = await admin_write(
        staff,
        "POST",
        "programme/",
        {
            "commission": programme.commission,
            "code": "CES-M1",
            "label": "Césure en master 1",
            "processing_type": "AC",
            "deposit_start": "2026-05-31",
            "deposit_end": "2026-03-01",
            "return_date": "2026-06-15",
        },
    )
    assert response.status_code == 405
    assert response.json()["detail"].startswith("Création refusée, champ « Fin des dépôts » : ")
    assert await Programme.count() == 1


# --- a used verdict stays -----------------------------------------------------------------


async def test_a_used_decision_types_verdict_does_not_change(staff, rows):
    type_id = rows["decision"].decision_type
    before = await stored(DecisionType, type_id)
    response = await edit_form(staff, "decision_type", type_id, verdict="DE")
    assert response.status_code == 405
    assert response.json()["detail"] == (
        "Modification refusée, champ « Avis » : le verdict d'un type de décision ne "
        "change plus dès qu'une décision l'utilise (une décision l'utilise) : créez un autre "
        "type de décision."
    )
    assert await stored(DecisionType, type_id) == before
    # Its label still changes.
    relabelled = await edit_form(staff, "decision_type", type_id, label_fr="Favorable")
    assert relabelled.status_code == 200, relabelled.text


async def test_an_unused_decision_types_verdict_changes(staff):
    unused = DecisionType(code="DEF", label_fr="Avis défavorable", verdict="FA")
    await unused.save()
    response = await admin_write(staff, "PATCH", f"decision_type/{unused.id}/", {"verdict": "DE"})
    assert response.status_code == 200, response.text
    assert (await stored(DecisionType, unused.id))["verdict"] == "DE"


async def test_a_row_still_referenced_is_not_deleted(staff, rows):
    """The database would refuse it with a raw foreign-key error."""
    piece_id = rows["submitted"].piece
    response = await admin_write(staff, "DELETE", f"required_piece/{piece_id}/")
    assert response.status_code == 405
    assert response.json()["detail"] == (
        "Suppression refusée : une ligne de « Submitted Piece » (champ « Pièce ») y renvoie "
        "encore ; modifiez-les ou supprimez-les d'abord."
    )
    assert await stored(RequiredPiece, piece_id) is not None
    assert await config_events() == []


# --- the audit trail ----------------------------------------------------------------------


async def test_create_update_and_delete_are_audited_with_before_and_after(staff):
    actor = (await staff_id())["id"]
    created = await admin_write(
        staff,
        "POST",
        "refusal_reason/",
        {"code": "CAPA", "label_fr": "Capacité atteinte", "label_en": "", "active": True},
    )
    reason_id = created.json()[0]["id"]
    updated = await edit_form(staff, "refusal_reason", reason_id, label_fr="Places épuisées")
    assert updated.status_code == 200
    unchanged = await edit_form(staff, "refusal_reason", reason_id)
    assert unchanged.status_code == 200
    deleted = await admin_write(staff, "DELETE", f"refusal_reason/{reason_id}/")
    assert deleted.status_code == 204

    events = await config_events()
    assert [(e["action"], e["entity"], e["entity_id"]) for e in events] == [
        ("config.create", "refusal_reason", reason_id),
        ("config.update", "refusal_reason", reason_id),
        ("config.delete", "refusal_reason", reason_id),
    ]
    assert {(e["actor_kind"], e["actor_id"]) for e in events} == {("staff", actor)}
    row = {
        "id": reason_id,
        "code": "CAPA",
        "label_fr": "Capacité atteinte",
        "label_en": "",
        "active": True,
    }
    assert [e["data"] for e in events] == [
        {"before": {}, "after": row},
        {"before": {"label_fr": "Capacité atteinte"}, "after": {"label_fr": "Places épuisées"}},
        {"before": {**row, "label_fr": "Places épuisées"}, "after": {}},
    ]


async def test_dates_are_audited_as_iso_strings(staff, rows):
    programme = rows["programme"]
    response = await edit_form(staff, "programme", programme.id, return_date="2026-06-30")
    assert response.status_code == 200, response.text
    [event] = await config_events()
    assert (event["entity"], event["entity_id"]) == ("programme", programme.id)
    assert event["data"] == {
        "before": {"return_date": "2026-06-15"},
        "after": {"return_date": "2026-06-30"},
    }
    assert (await stored(Programme, programme.id))["return_date"] == date(2026, 6, 30)


async def test_a_refused_write_leaves_no_event(staff, rows):
    response = await admin_write(
        staff, "PATCH", f"application/{rows['application'].id}/", {"status": "CO"}
    )
    assert response.status_code == 405
    assert await config_events() == []


async def test_a_database_refusal_rolls_the_write_back_without_event(staff):
    first = {"code": "CAPA", "label_fr": "Capacité atteinte", "label_en": "", "active": True}
    assert (await admin_write(staff, "POST", "refusal_reason/", first)).status_code == 201
    duplicate = await admin_write(staff, "POST", "refusal_reason/", first)
    assert duplicate.status_code == 422
    assert await RefusalReason.count() == 1
    assert [e["action"] for e in await config_events()] == ["config.create"]


async def test_secrets_never_enter_the_audit(app):
    """A superuser creates a login and changes its password: the events name the
    password column, never its value nor its hash."""
    transport = httpx.ASGITransport(app=app, client=("10.2.0.1", 50000))
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as root:
        await make_user("technique", superuser=True)
        assert (await admin_login(root, "technique")).status_code == 200
        created = await admin_write(
            root,
            "POST",
            "piccolo_user/",
            {
                "username": "nouvelle",
                "password": PASSWORD,
                "email": "nouvelle@univ.example.fr",
                "first_name": "",
                "last_name": "",
                "active": True,
                "admin": False,
                "superuser": False,
            },
        )
        assert created.status_code == 201, created.text
        user_id = created.json()["id"]
        changed = await admin_write(
            root, "PATCH", f"piccolo_user/{user_id}/", {"password": "Autre-secret-2026"}
        )
        assert changed.status_code == 200, changed.text

    hashes = await BaseUser.select(BaseUser.password).where(BaseUser.id == user_id).first()
    events = await config_events()
    assert [(e["action"], e["entity"]) for e in events] == [
        ("config.create", "piccolo_user"),
        ("config.update", "piccolo_user"),
    ]
    assert events[0]["data"]["after"]["username"] == "nouvelle"
    assert events[1]["data"] == {"before": {}, "after": {}, "secret_columns": ["password"]}
    trail = repr([e["data"] for e in events])
    for secret in (PASSWORD, "Autre-secret-2026", hashes["password"], "pbkdf2"):
        assert secret not in trail
    assert all("password" not in e["data"]["after"] for e in events)
