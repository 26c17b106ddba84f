"""The application page's actions over HTTP, as a browser without JavaScript sends them:
each calls one lifecycle function, then 303 back to the page with a flash message."""

from __future__ import annotations

import asyncio
import re
from datetime import date

import httpx

from app.applications.lifecycle_base import AuditAction
from app.applications.staff_dates import RETURN_DATE_OVERRIDDEN
from app.core.codes.applications import DossierStatus, PieceStatus, Verdict
from app.core.codes.staff import StaffRole
from app.mail.outbox import enqueue_mails
from app.review.application_trail import state_token
from app.tables.applications import Application, Decision, SubmittedPiece
from app.tables.mail import OutboxMail
from app.tables.ops import AuditEvent
from tests.factories import make_campaign, make_centre, make_commission, make_programme
from tests.factories_dossier import (
    JPEG,
    make_decision_type,
    make_received_application,
    make_refusal_reason,
)
from tests.factories_staff import make_staff
from tests.fixtures.web import csrf_token, post_form
from tests.integration.review.test_application_page import (
    BIG,
    as_candidate,
    page_url,
    sign_in,
    text_of,
    two_centres,
)


def subjects_to(sink, address: str) -> list[str]:
    return sorted(m["Subject"] for m in sink.messages if m["To"] == address)


async def act(client, application_id: int, path: str, data: dict, *, token: bool = True):
    """POST an action form as the page shows it (with the state it was shown in)."""
    if token:
        data = {"etat": str(await state_token(application_id)), **data}
    return await post_form(client, f"{page_url(application_id)}{path}", data)


async def flash_after(client, response) -> str:
    assert response.status_code == 303, text_of(response.text)
    assert response.headers["location"].startswith("/staff/candidatures/")
    return text_of((await client.get(response.headers["location"])).text)


async def flash_of(client, response) -> str:
    """Only the flash message of the page the action redirected to."""
    assert response.status_code == 303, text_of(response.text)
    html = (await client.get(response.headers["location"])).text
    found = re.search(r'<p class="(?:success|refusal)" role="\w+">(.*?)</p>', html, re.S)
    return text_of(found.group(1)) if found else ""


async def second_staff(client, world, username: str) -> httpx.AsyncClient:
    """Another staff member of centre A in a browser of their own (same app)."""
    other = httpx.AsyncClient(transport=client._transport, base_url=client.base_url)
    await make_staff(StaffRole.CENTRE_MANAGER, centres=[world.a.centre], username=username)
    await sign_in(other, username)
    return other


async def manager_of_a(client, world, **profile) -> int:
    user_id = await make_staff(
        StaffRole.CENTRE_MANAGER, centres=[world.a.centre], username="ga", **profile
    )
    await sign_in(client, "ga")
    return user_id


# --- pieces ------------------------------------------------------------------------------


async def test_refusing_a_piece_reaches_the_candidate_who_replaces_it(
    client, smtp_sink, run_worker
):
    world = await two_centres()
    await manager_of_a(client, world, display_name="Alice Gestion")
    application_id, piece_id = world.a.application_id, world.piece.id
    email = world.a.account.email

    response = await act(
        client,
        application_id,
        f"/pieces/{piece_id}/statut",
        {"statut": "RE", f"commentaire-{piece_id}": "Lettre non signée"},
    )
    page = await flash_after(client, response)
    assert "Pièce refusée : le candidat a été prévenu par courriel" in page
    assert "Lettre de motivation — Refusée" in page
    assert (
        "Alice Gestion Pièce « Lettre de motivation » refusée — commentaire : Lettre non signée"
        in page
    )
    assert "Transmise → Refusée" in page
    await act(client, application_id, "/statut", {"statut": "IN"})

    await run_worker()
    # The set-up's own mails were never enqueued: these are the desk's.
    assert subjects_to(smtp_sink, email) == [
        "eCésure : dossier incomplet",
        "eCésure : pièce refusée",
    ]
    refused_mail = next(m for m in smtp_sink.messages if m["Subject"] == "eCésure : pièce refusée")
    assert "Lettre non signée" in refused_mail.get_body(("plain",)).get_content()

    await as_candidate(client, world.a.account)
    summary = text_of((await client.get(f"/candidatures/{application_id}")).text)
    assert "Refusée Lettre non signée" in summary
    token = await csrf_token(client)
    replaced = await client.post(
        f"/candidatures/{application_id}/pieces/{piece_id}",
        data={"_csrf_token": token},
        files={"fichier": ("nouvelle.jpg", JPEG, "image/jpeg")},
    )
    assert replaced.status_code == 303
    current = (
        await SubmittedPiece.select(SubmittedPiece.status)
        .where(
            (SubmittedPiece.application == application_id) & SubmittedPiece.superseded_at.is_null()
        )
        .first()
    )
    assert current["status"] == PieceStatus.TRANSMITTED
    smtp_sink.clear()
    await run_worker()
    assert "eCésure : pièce refusée" not in subjects_to(smtp_sink, email)


async def test_a_refusal_without_comment_is_a_field_error_and_changes_nothing(client):
    world = await two_centres()
    await manager_of_a(client, world)
    application_id, piece_id = world.a.application_id, world.piece.id
    before = await state_token(application_id)
    for comment, message in (
        ("   ", "Un commentaire est obligatoire pour refuser une pièce"),
        # read_form's message: the field is refused before the desk reads it
        ("Illisible\x00", "Ce champ contenait des caractères non autorisés"),
        ("x" * 501, "Ce texte ne peut pas dépasser 500 caractères."),
    ):
        response = await act(
            client,
            application_id,
            f"/pieces/{piece_id}/statut",
            {"statut": "RE", f"commentaire-{piece_id}": comment},
        )
        assert response.status_code == 422
        assert message in text_of(response.text)
        assert f'href="#commentaire-{piece_id}"' in response.text  # the error summary
    # The typed text is kept.
    response = await act(
        client,
        application_id,
        f"/pieces/{piece_id}/statut",
        {"statut": "XX", f"commentaire-{piece_id}": "Copie floue"},
    )
    assert response.status_code == 422
    assert ">Copie floue</textarea>" in response.text
    assert response.headers["hx-push-url"] == page_url(application_id)
    assert await state_token(application_id) == before


async def test_a_commission_member_without_process_right_gets_403(client):
    world = await two_centres()  # members_process defaults to False
    await make_staff(StaffRole.COMMISSION_MEMBER, commissions=[world.a.commission], username="j")
    await sign_in(client, "j")
    application_id, piece_id = world.a.application_id, world.piece.id
    before = await state_token(application_id)
    for path, data in (
        (f"/pieces/{piece_id}/statut", {"statut": "VA"}),
        ("/statut", {"statut": "CO"}),
        ("/type-traitement", {}),
        ("/date-retour", {"date-retour": "2026-08-01"}),
    ):
        response = await act(client, application_id, path, data)
        assert response.status_code == 403, path
        assert "Action non autorisée" in text_of(response.text)
    assert await state_token(application_id) == before
    # The same member may decide (members_decide defaults to True).
    favourable = await make_decision_type(Verdict.FAVOURABLE)
    response = await act(client, application_id, "/decision", {"decision-type": favourable.id})
    assert response.status_code == 303
    # Another centre's application stays 404, right or not.
    response = await act(client, world.b.application_id, "/statut", {"statut": "CO"})
    assert response.status_code == 404


# --- decisions -----------------------------------------------------------------------------


async def test_an_entered_decision_is_hidden_until_validated_then_mailed_once(
    client, smtp_sink, run_worker
):
    world = await two_centres()
    await manager_of_a(client, world, display_name="Alice Gestion")
    application_id = world.a.application_id
    favourable = await make_decision_type(Verdict.FAVOURABLE, label_fr="Avis favorable")

    response = await act(
        client,
        application_id,
        "/decision",
        {"decision-type": favourable.id, "decision-commentaire": "Bon projet"},
    )
    page = await flash_after(client, response)
    assert "Décision saisie : le candidat ne la voit pas encore." in page
    assert "Avis favorable (saisie, non validée" in page

    await as_candidate(client, world.a.account)
    summary = text_of((await client.get(f"/candidatures/{application_id}")).text)
    assert "Avis favorable" not in summary
    smtp_sink.clear()
    await run_worker()
    assert subjects_to(smtp_sink, world.a.account.email) == []

    decision = (
        await Decision.select(Decision.id).where(Decision.application == application_id).first()
    )
    token = str(await state_token(application_id))
    url = f"{page_url(application_id)}/decision/valider"
    form = {"decision": decision["id"], "etat": token}
    other = await second_staff(client, world, "gb")
    browsers = (client, other)
    answers = await asyncio.gather(*(post_form(b, url, form) for b in browsers))
    texts = sorted([await flash_of(b, a) for b, a in zip(browsers, answers, strict=True)])
    assert texts[0].startswith("Ce dossier a changé entre-temps")
    assert texts[1] == "Décision validée : le candidat la voit et en a été informé par courriel."
    await other.aclose()

    summary = text_of((await client.get(f"/candidatures/{application_id}")).text)
    assert "Avis favorable" in summary
    await run_worker()
    assert subjects_to(smtp_sink, world.a.account.email) == ["eCésure : avis favorable"]
    trail = text_of((await client.get(page_url(application_id))).text)
    assert "Alice Gestion Décision saisie (non visible du candidat) → " in trail
    # Whichever of the two won the race is named.
    assert re.search(
        r"(Alice Gestion|Personnel \d+) Décision : Avis favorable Saisie → validée", trail
    )


async def test_bad_decision_input_never_500(client):
    world = await two_centres()
    await manager_of_a(client, world)
    application_id = world.a.application_id
    favourable = await make_decision_type(Verdict.FAVOURABLE)
    listed = await make_decision_type(Verdict.COMPLEMENTARY_LIST)
    reason = await make_refusal_reason()
    before = await state_token(application_id)
    for data, field in (
        ({"decision-type": ""}, "decision-type"),
        ({"decision-type": "999999"}, "decision-type"),
        ({"decision-type": str(BIG)}, "decision-type"),
        ({"decision-type": "abc"}, "decision-type"),
        ({"decision-type": listed.id}, "decision-rang"),
        ({"decision-type": listed.id, "decision-rang": str(BIG)}, "decision-rang"),
        ({"decision-type": favourable.id, "decision-rang": "2"}, "decision-rang"),
        ({"decision-type": favourable.id, "decision-motif": reason.id}, "decision-motif"),
        (
            {"decision-type": favourable.id, "decision-commentaire": "a\x00b"},
            "decision-commentaire",
        ),
    ):
        response = await act(client, application_id, "/decision", data)
        assert response.status_code == 422, data
        assert f'href="#{field}"' in response.text, data
    assert await state_token(application_id) == before
    for path, data in (
        ("/decision/valider", {"decision": str(BIG)}),
        ("/decision/valider", {}),
    ):
        assert (await act(client, application_id, path, data)).status_code == 404
    # A control character: the field is refused, the page shown again with its message.
    response = await act(client, application_id, "/decision/valider", {"decision": "1\x00"})
    assert response.status_code == 422
    assert (await act(client, BIG, "/statut", {"statut": "CO"}, token=False)).status_code == 404
    response = await act(client, application_id, f"/pieces/{BIG}/statut", {"statut": "VA"})
    assert response.status_code == 404
    response = await act(client, application_id, "/statut", {"statut": "\x00"})
    assert response.status_code == 422
    response = await act(client, application_id, "/date-retour", {"date-retour": "31/02/2026"})
    assert response.status_code == 422
    response = await act(client, application_id, "/notes", {"note": "\x00"})
    assert response.status_code == 422
    # A complementary list with its rank is accepted.
    response = await act(
        client, application_id, "/decision", {"decision-type": listed.id, "decision-rang": "3"}
    )
    assert response.status_code == 303
    row = await Decision.select(Decision.rank).where(Decision.application == application_id).first()
    assert row["rank"] == 3


# --- status, concurrency, dates -------------------------------------------------------------


async def test_two_staff_setting_complete_at_once_one_wins_the_other_is_told(
    client, smtp_sink, run_worker
):
    world = await two_centres()
    await manager_of_a(client, world)
    application_id = world.a.application_id
    token = str(await state_token(application_id))
    url = f"{page_url(application_id)}/statut"
    other = await second_staff(client, world, "gb")
    browsers = (client, other)
    answers = await asyncio.gather(
        *(post_form(b, url, {"statut": "CO", "etat": token}) for b in browsers)
    )
    assert [a.status_code for a in answers] == [303, 303]
    pages = [await flash_after(b, a) for b, a in zip(browsers, answers, strict=True)]
    won = [p for p in pages if "Dossier déclaré complet : le candidat a été prévenu" in p]
    told = [p for p in pages if "Ce dossier a changé entre-temps" in p]
    assert len(won) == len(told) == 1
    assert "Statut du dossier Complet" in told[0]  # the new state is shown
    await other.aclose()
    row = (
        await Application.select(Application.status).where(Application.id == application_id).first()
    )
    assert row["status"] == DossierStatus.COMPLETE
    assert (
        await AuditEvent.count().where(
            (AuditEvent.application_id == application_id)
            & (AuditEvent.action == AuditAction.STATUS_COMPLETE.value)
        )
        == 1
    )
    smtp_sink.clear()
    await run_worker()
    assert subjects_to(smtp_sink, world.a.account.email) == ["eCésure : dossier complet"]

    # Without a newer state, a refused action gives the rule's message.
    response = await act(client, application_id, "/statut", {"statut": "CO"})
    assert "Cette action n'est pas possible dans l'état actuel du dossier." in await flash_after(
        client, response
    )


async def test_the_return_date_override_is_audited_and_read_by_the_candidate(client):
    world = await two_centres()
    await manager_of_a(client, world, display_name="Alice Gestion")
    application_id = world.a.application_id
    shown = str(await state_token(application_id))
    response = await act(
        client,
        application_id,
        "/date-retour",
        {"date-retour": "2026-08-31", "date-retour-avant": ""},
    )
    page = await flash_after(client, response)
    assert "Date limite de retour du candidat : 31/08/2026." in page
    assert "Alice Gestion Date limite de retour du candidat modifiée aucune → 31/08/2026" in page
    row = (
        await Application.select(Application.return_date_override)
        .where(Application.id == application_id)
        .first()
    )
    assert row["return_date_override"] == date(2026, 8, 31)
    event = (
        await AuditEvent.select(AuditEvent.data)
        .where(AuditEvent.action == RETURN_DATE_OVERRIDDEN)
        .output(load_json=True)
        .first()
    )
    assert event["data"] == {"before": None, "after": "2026-08-31"}

    # A form filled in before that change is refused: the date shown was not the stored one.
    stale = {"date-retour": "2026-09-15", "date-retour-avant": "", "etat": shown}
    response = await post_form(client, f"{page_url(application_id)}/date-retour", stale)
    assert "Ce dossier a changé entre-temps" in await flash_after(client, response)
    row = (
        await Application.select(Application.return_date_override)
        .where(Application.id == application_id)
        .first()
    )
    assert row["return_date_override"] == date(2026, 8, 31)

    await as_candidate(client, world.a.account)
    summary = text_of((await client.get(f"/candidatures/{application_id}")).text)
    assert "Date limite de retour 31/08/2026" in summary


# --- item 7: the commission's mails link to the application in the desk -------------------


async def test_the_commission_alert_links_to_the_application_in_the_desk(
    smtp_sink, run_worker, redis
):
    world = await two_centres()
    queued = await OutboxMail.select(OutboxMail.id)
    await enqueue_mails(redis, [row["id"] for row in queued])
    await run_worker()
    alert = next(m for m in smtp_sink.messages if m["To"] == "commission.a@univ.example")
    html = alert.get_body(("html",)).get_content()
    assert f'/staff/candidatures/{world.a.application_id}"' in html


async def test_direct_access_is_validated_once(client):
    campaign = await make_campaign()
    centre = await make_centre(campaign)
    programme = await make_programme(await make_commission(centre), processing_type="AD")
    _account, application_id = await make_received_application(campaign, programme)
    await make_staff(StaffRole.CENTRE_MANAGER, centres=[centre], username="gd")
    await sign_in(client, "gd")
    page = text_of((await client.get(page_url(application_id))).text)
    assert "Type de traitement Accès direct — non validé" in page
    response = await act(client, application_id, "/type-traitement", {})
    page = await flash_after(client, response)
    assert "Type de traitement validé." in page
    assert "Type de traitement Accès direct — validé" in page
    assert "Valider le type de traitement" not in page
    # The same form posted again (a second tab): refused, nothing written twice.
    response = await act(client, application_id, "/type-traitement", {})
    assert "Cette action n'est pas possible" in await flash_of(client, response)
    assert (
        await AuditEvent.count().where(
            (AuditEvent.application_id == application_id)
            & (AuditEvent.action == AuditAction.PROCESSING_TYPE_VALIDATED.value)
        )
        == 1
    )
