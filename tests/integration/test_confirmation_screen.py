"""Issue 12, the guide's confirmation screen (§07) over HTTP: the download buttons, the
withdrawal warning, a confirmation deadline gone by said as such, and withdrawn or
automatically withdrawn applications shown as such in "Mes candidatures"."""

from __future__ import annotations

from datetime import date

from app.applications import lifecycle
from app.applications.lifecycle import Actor
from app.core.codes.applications import Verdict
from app.tables.applications import Application
from tests.factories_dossier import decide, make_decision_type, make_received_application
from tests.integration.dossier_support import plant_session
from tests.integration.review.test_application_page import text_of

WITHDRAWAL_WARNING = (
    "Si vous décidez de vous désister en cliquant sur le bouton 👎 Désistement candidature : "
    "aucune inscription administrative ne vous sera proposée. Si vous souhaitez reporter "
    "votre inscription à l'année universitaire suivante, il vous faudra à nouveau candidater "
    "et votre dossier sera à nouveau examiné par une Commission. Vous n'êtes pas assuré-e "
    "d'obtenir une nouvelle autorisation. Attention : cette action est irréversible."
)
DEADLINE_PASSED = (
    "La date limite de confirmation (14/06/2026) est dépassée : vous ne pouvez plus "
    "confirmer ni vous désister de cette candidature. Elle fera l'objet d'un désistement "
    "automatique."
)


async def decided(client, campaign, verdict_type):
    account, app_id = await make_received_application(campaign, label="CESURE L2 (ANNEE)")
    await decide(app_id, verdict_type)
    await plant_session(client, account)
    return account, app_id


async def test_the_screen_offers_the_letter_and_warns_before_withdrawing(
    client, campaign, favourable
):
    _account, app_id = await decided(client, campaign, favourable)

    page = await client.get(f"/candidatures/{app_id}")

    text = text_of(page.text)
    assert WITHDRAWAL_WARNING in text
    assert "Télécharger lettre d'admission" in text
    assert f'href="/candidatures/{app_id}/lettre.pdf"' in page.text


async def test_a_passed_deadline_is_said_instead_of_hiding_the_buttons(
    client, campaign, favourable
):
    _account, app_id = await decided(client, campaign, favourable)
    await Application.update({Application.confirmation_date_override: date(2026, 6, 14)}).where(
        Application.id == app_id
    )

    text = text_of((await client.get(f"/candidatures/{app_id}")).text)

    assert DEADLINE_PASSED in text
    assert "Confirmation candidature" not in text
    assert WITHDRAWAL_WARNING not in text
    assert "Télécharger lettre d'admission" in text  # the decision still stands


async def test_a_refusal_offers_its_letter(client, campaign):
    unfavourable = await make_decision_type(Verdict.UNFAVOURABLE)
    _account, app_id = await decided(client, campaign, unfavourable)
    text = text_of((await client.get(f"/candidatures/{app_id}")).text)
    assert "Télécharger lettre de refus" in text
    assert "Télécharger lettre d'admission" not in text
    assert WITHDRAWAL_WARNING not in text


async def test_mes_candidatures_shows_withdrawn_and_automatically_withdrawn(
    client, campaign, favourable, clock
):
    account, app_id = await decided(client, campaign, favourable)
    await lifecycle.answer(application_id=app_id, confirm=False, actor=Actor.candidate(account.id))
    late, late_id = await decided(client, campaign, favourable)
    await Application.update({Application.confirmation_date_override: date(2026, 6, 14)}).where(
        Application.id == late_id
    )
    assert await lifecycle.auto_withdraw_expired() == 1

    await plant_session(client, account)
    assert "Désistement" in text_of((await client.get("/candidatures")).text)
    assert "Télécharger lettre" not in text_of((await client.get(f"/candidatures/{app_id}")).text)

    client.cookies.clear()
    await plant_session(client, late)
    listing = text_of((await client.get("/candidatures")).text)
    assert "Désistement automatique" in listing
    summary = text_of((await client.get(f"/candidatures/{late_id}")).text)
    assert (
        "Cette candidature a fait l'objet d'un désistement automatique le 15/06/2026 : elle "
        "n'avait pas été confirmée avant la date limite de confirmation." in summary
    )
