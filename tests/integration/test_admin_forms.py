"""Issue 10, item 3: the admin's lifecycle forms, through piccolo-admin's API as its
page sends them (POST /admin/api/forms/<slug>/ with the CSRF token): the list, pieces,
dossier status, dates, and what no form accepts (ids out of range, NUL bytes, bodies that
are not JSON objects).

Each form calls the domain function with the signed-in staff member as actor: the test
checks the answer, the rows, the audit event (staff, that user's id) and the mail.
"""

from __future__ import annotations

from datetime import date

import pytest

from app.applications import lifecycle
from app.applications.lifecycle import Actor
from app.applications.queries import application_view, current_pieces
from app.backoffice.admin_forms import form_configs
from app.core.codes.applications import DossierStatus, PieceStatus
from app.core.codes.mail import MailCode, MailStatus
from app.mail.outbox import mail_job_ids
from app.tables.applications import Application
from tests import admin_forms
from tests.admin_forms import (
    by_admin,
    done,
    events,
    name,
    post,
    queued_mails,
    refused,
)
from tests.factories import make_required_piece
from tests.factories_dossier import (
    make_applicant,
    make_open_programme,
    make_received_application,
    stored_pdf,
)
from tests.integration.test_admin import admin_csrf_token, admin_visitor

SLUGS = [
    "statut-piece",
    "statut-dossier",
    "date-limite-candidat",
    "saisir-decision",
    "valider-decision",
    "valider-decisions-formation",
    "renvoyer-mail",
    "campagne-suivante",
    "creer-personnel",
    "lien-mot-de-passe-personnel",
]

# The fixtures the admin form tests share.
admin = admin_forms.admin


# --- the list ---------------------------------------------------------------------------


async def test_every_form_is_listed_with_its_french_description(admin):
    response = await admin.get("/admin/api/forms/")
    assert response.status_code == 200
    listed = response.json()
    assert [f["slug"] for f in listed] == SLUGS
    assert all(f["description"] and f["name"][0].isupper() for f in listed)
    schema = (await admin.get("/admin/api/forms/statut-piece/schema/")).json()
    assert schema["properties"]["application_id"]["title"] == "N° de la candidature"
    assert schema["properties"]["application_id"]["maximum"] == 2**31 - 1
    # no "$ref": the admin's page shows a field by its JSON type, and titles, not descriptions
    assert schema["properties"]["status"] == {
        "type": "string",
        "enum": ["Validée", "Refusée"],
        "title": "Nouveau statut (Validée ou Refusée)",
        "description": "Validée ou refusée.",
    }
    assert [c.slug for c in form_configs()] == SLUGS


async def test_a_candidate_less_visitor_cannot_post_a_form(app, campaign):
    async with admin_visitor(app) as http:
        response = await post(http, "valider-decision", {"application_id": 1})
    assert response.status_code == 401


# --- pieces and dossier -----------------------------------------------------------------


async def transmitted_with_piece(campaign, piece, *, give: bool = True):
    programme = await make_open_programme(campaign, [piece])
    account = await make_applicant(campaign)
    actor = Actor.candidate(account.id)
    app_id = (
        await lifecycle.apply(account_id=account.id, programme_id=programme.id)
    ).application_id
    if give:
        await lifecycle.submit_piece(
            application_id=app_id,
            piece_id=piece.id,
            file_id=await stored_pdf(account),
            actor=actor,
        )
    else:
        await lifecycle.declare_not_concerned(application_id=app_id, piece_id=piece.id, actor=actor)
    return programme, account, app_id


async def test_refusing_a_piece_changes_it_audits_and_mails(admin, campaign, redis):
    piece = await make_required_piece(campaign, label_fr="Lettre de motivation")
    programme, account, app_id = await transmitted_with_piece(campaign, piece)
    await lifecycle.transmit(application_id=app_id, actor=Actor.candidate(account.id))
    without_comment = {"application_id": app_id, "piece_id": piece.id, "status": "Refusée"}
    assert await refused(admin, "statut-piece", {**without_comment, "comment": "  "}) == (
        "Commentaire : indiquez au candidat pourquoi la pièce est refusée."
    )
    assert await events("piece_refused") == []

    text = await done(
        admin,
        "statut-piece",
        {
            "application_id": app_id,
            "piece_id": piece.id,
            "status": "Refusée",
            "comment": "  Lettre non signée ",
        },
    )

    assert text == (
        f"Candidature n° {app_id} de {name(account)} à « {programme.label} » : pièce "
        "« Lettre de motivation » Transmise → Refusée. Le candidat est prévenu par mail."
    )
    [state] = await current_pieces(app_id)
    assert (state.status, state.comment) == (PieceStatus.REFUSED, "Lettre non signée")
    [event] = await events("piece_refused")
    assert by_admin(event, admin) and event["application_id"] == app_id
    [mail] = await queued_mails(MailCode.PIECE_REFUSED)
    assert (mail["to_address"], mail["status"]) == (account.email, MailStatus.QUEUED.value)
    job_id = (await mail_job_ids([mail["id"]]))[mail["id"]]
    assert await redis.exists(f"arq:job:{job_id}")

    text = await done(
        admin, "statut-piece", {"application_id": app_id, "piece_id": piece.id, "status": "Validée"}
    )
    assert text.endswith("pièce « Lettre de motivation » Refusée → Validée.")
    assert by_admin((await events("piece_validated"))[0], admin)


async def test_a_piece_not_given_or_not_asked_is_refused_with_the_rule(admin, campaign):
    piece = await make_required_piece(campaign, label_fr="CV", conditional=True)
    other = await make_required_piece(campaign, label_fr="Relevé")
    _, account, app_id = await transmitted_with_piece(campaign, piece)
    # Still in the candidate's hands: a piece they have not given yet
    await lifecycle.remove_piece(
        application_id=app_id, piece_id=piece.id, actor=Actor.candidate(account.id)
    )
    payload = {"application_id": app_id, "piece_id": piece.id, "status": "Validée"}
    assert await refused(admin, "statut-piece", payload) == (
        "Pièce « CV » : le candidat ne l'a pas déposée ; elle ne peut être ni validée ni refusée."
    )
    assert await refused(admin, "statut-piece", {**payload, "piece_id": other.id}) == (
        f"Pièce : la pièce n° {other.id} n'est pas demandée pour la candidature n° {app_id} "
        f"de {name(account)} à « {(await application_view(app_id)).programme_label} »."
    )
    assert await refused(admin, "statut-piece", {**payload, "application_id": 2**31 - 1}) == (
        f"Candidature : aucune candidature n° {2**31 - 1}."
    )
    assert await events("piece_validated") == []


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("application_id", 2**31),
        ("application_id", 0),
        ("piece_id", -5),
        ("comment", "a\x00b"),
        ("comment", "a\ud800b"),
        ("status", "Peut-être"),
    ],
)
async def test_out_of_range_ids_and_nul_bytes_are_refused_by_field(admin, field, value):
    payload = {"application_id": 1, "piece_id": 1, "status": "Validée", field: value}
    response = await post(admin, "statut-piece", payload)
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == [field]
    if field == "comment":
        assert error["msg"] == "Value error, Ce texte contient des caractères non autorisés."
    if field == "status":
        assert error["msg"] == "Value error, Choisissez parmi : Validée, Refusée."


async def test_marking_a_dossier_incomplete_audits_and_mails(admin, campaign):
    account, app_id = await make_received_application(campaign)

    text = await done(admin, "statut-dossier", {"application_id": app_id, "status": "Incomplet"})

    assert text.endswith(": dossier Réceptionné → Incomplet. Le candidat est prévenu par mail.")
    assert text.startswith(f"Candidature n° {app_id} de {name(account)}")
    row = await Application.select(Application.status).where(Application.id == app_id).first()
    assert row["status"] == DossierStatus.INCOMPLETE.value
    assert by_admin((await events("status_incomplete"))[0], admin)
    [mail] = await queued_mails(MailCode.STATUS_INCOMPLETE)
    assert mail["to_address"] == account.email
    again = {"application_id": app_id, "status": "Incomplet"}
    assert await refused(admin, "statut-dossier", again) == (
        "Statut du dossier : le dossier est déjà incomplet."
    )


# --- dates ------------------------------------------------------------------------------


async def test_a_return_date_override_is_audited_before_and_after(admin, campaign):
    _, app_id = await make_received_application(campaign)
    payload = {
        "application_id": app_id,
        "which": " RETOUR",  # typed loosely: no drop-down list on the admin's form page
        "value": "2026-07-20",
    }

    text = await done(admin, "date-limite-candidat", payload)

    assert text.endswith(": date limite de retour du dossier date de la formation → 20/07/2026.")
    view = await application_view(app_id)
    assert view.return_date_override == date(2026, 7, 20)
    [event] = await events("return_date_overridden")
    assert by_admin(event, admin)
    assert event["data"] == {"before": None, "after": "2026-07-20"}
    # a cancelled application's dates no longer change
    other = await make_applicant(campaign)
    programme = await make_open_programme(campaign)
    cancelled_id = (
        await lifecycle.apply(account_id=other.id, programme_id=programme.id)
    ).application_id
    await lifecycle.cancel(application_id=cancelled_id, actor=Actor.candidate(other.id))
    cancelled = {**payload, "application_id": cancelled_id}
    assert await refused(admin, "date-limite-candidat", cancelled) == (
        "Date limite de retour du dossier : la candidature est annulée : plus rien n'y change."
    )
    assert len(await events("return_date_overridden")) == 1


@pytest.mark.parametrize(
    "body", [b"not json", b"[1, 2]", b'"text"', b"null", b'{"a": 1', b"\xff", b"[" * 50_000]
)
async def test_a_body_that_is_not_a_json_object_is_a_422_not_a_500(admin, body):
    token = await admin_csrf_token(admin)
    response = await admin.post(
        "/admin/api/forms/valider-decision/",
        content=body,
        headers={"X-CSRFToken": token, "content-type": "application/json"},
    )
    assert response.status_code == 422
