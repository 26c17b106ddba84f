"""Issue 11 in the admin: the return-date reminders' days are checked, and an archived
campaign's configuration is read-only (refused with a French message naming the field,
nothing written, nothing audited)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.tables.catalog import Campaign, Centre, Programme
from tests.integration.test_admin import admin_write, stored
from tests.integration.test_admin_rules import (  # noqa: F401 (fixtures)
    config_events,
    edit_form,
    fast_password_hashing,
    rows,
    staff,
)

ARCHIVED = (
    "la campagne « 2026 » est archivée : sa configuration se consulte mais ne se modifie plus."
)


@pytest.mark.parametrize(
    ("changes", "detail"),
    [
        (
            {"return_reminder_first_days": 400},
            "Modification refusée, champ « Premier rappel (jours avant la date de retour) » : "
            "indiquez un nombre de jours entre 0 et 365, ou rien.",
        ),
        (
            {"return_reminder_first_days": 3, "return_reminder_second_days": 5},
            "Modification refusée, champ « Second rappel (jours avant la date de retour) » : "
            "le second rappel (5 jours avant) doit être plus proche de la date de retour que "
            "le premier (3 jours avant).",
        ),
    ],
    ids=["range", "order"],
)
async def test_reminder_days_out_of_rule_are_refused(staff, rows, changes, detail):  # noqa: F811
    programme = rows["programme"]
    before = await stored(Programme, programme.id)
    response = await edit_form(staff, "programme", programme.id, **changes)
    assert response.status_code == 405
    assert response.json()["detail"] == detail
    assert await stored(Programme, programme.id) == before


async def test_reminder_days_are_editable(staff, rows):  # noqa: F811
    programme = rows["programme"]
    response = await edit_form(
        staff,
        "programme",
        programme.id,
        return_reminder_first_days=10,
        return_reminder_second_days=None,
    )
    assert response.status_code == 200, response.text
    row = await stored(Programme, programme.id)
    assert (row["return_reminder_first_days"], row["return_reminder_second_days"]) == (10, None)


async def test_an_archived_campaign_configuration_is_read_only(staff, rows):  # noqa: F811
    programme = rows["programme"]
    campaign_id = (await Campaign.select(Campaign.id).first())["id"]
    await Campaign.update(
        {Campaign.active: False, Campaign.archived_at: datetime(2026, 9, 1, tzinfo=UTC)}
    ).where(Campaign.id == campaign_id)
    before = await stored(Programme, programme.id)

    edited = await edit_form(staff, "programme", programme.id, label="Autre libellé")
    assert edited.status_code == 405
    assert edited.json()["detail"] == f"Modification refusée, champ « Commission » : {ARCHIVED}"
    assert await stored(Programme, programme.id) == before

    campaign = await edit_form(staff, "campaign", campaign_id, label_fr="Renommée")
    assert campaign.status_code == 405
    assert campaign.json()["detail"] == f"Modification refusée, champ « Archivée le » : {ARCHIVED}"

    centre_id = (await Centre.select(Centre.id).first())["id"]
    created = await admin_write(
        staff, "POST", "centre/", {"campaign": campaign_id, "code": "LET", "label": "Lettres"}
    )
    assert created.status_code == 405
    assert created.json()["detail"].startswith("Création refusée, champ « Campagne » : ")
    deleted = await admin_write(staff, "DELETE", f"centre/{centre_id}/", None)
    assert deleted.status_code == 405
    assert deleted.json()["detail"] == f"Suppression refusée, champ « Campagne » : {ARCHIVED}"
    assert await Centre.count() == 1
    assert await config_events() == []
