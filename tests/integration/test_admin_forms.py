"""Issue 10, item 3: the admin's lifecycle forms, through piccolo-admin's API as its
page sends them (POST /admin/api/forms/<slug>/ with the CSRF token).

Each form calls the domain function with the signed-in staff member as actor: the test
checks the answer, the rows, the audit event (staff, that user's id) and the mail.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from app.applications import lifecycle
from app.applications.codes import DossierStatus, PieceStatus, Verdict
from app.applications.lifecycle import Actor
from app.applications.queries import application_view, current_pieces
from app.applications.tables import Application, Decision
from app.backoffice.admin_forms import form_configs
from app.backoffice.codes import StaffRole
from app.backoffice.tables import StaffCentre
from app.catalog.tables import Campaign, Centre, Programme, ProgrammePiece, RequiredPiece
from app.mail.codes import MailCode, MailStatus
from app.mail.outbox import mail_job_id
from app.mail.tables import OutboxMail
from app.ops.tables import AuditEvent
from app.refdata.load import load_reference_data
from tests.factories import make_campaign, make_required_piece
from tests.factories_dossier import (
    decide,
    make_applicant,
    make_decision_type,
    make_open_programme,
    make_received_application,
    make_refusal_reason,
    stored_pdf,
)
from tests.factories_staff import make_staff
from tests.integration.test_admin import admin_csrf_token, admin_login, admin_visitor, make_user

SLUGS = [
    "statut-piece",
    "statut-dossier",
    "date-limite-candidat",
    "saisir-decision",
    "valider-decision",
    "valider-decisions-formation",
    "renvoyer-mail",
    "campagne-suivante",
]


@pytest.fixture(scope="module")
async def refdata(database):
    await load_reference_data()


@pytest.fixture
async def campaign(refdata, mail_templates, clock):
    return await make_campaign()


@pytest.fixture
async def admin(app, campaign):
    """A client signed in to the admin as the central office; ``admin.user_id``."""
    user = await make_user("scolarite")
    async with admin_visitor(app) as http:
        response = await admin_login(http, "scolarite")
        assert response.status_code == 200, response.text
        http.user_id = user.id
        yield http


async def post(http, slug: str, payload: dict):
    token = await admin_csrf_token(http)
    # json.dumps escapes what httpx's own encoding refuses (a lone surrogate)
    return await http.post(
        f"/admin/api/forms/{slug}/",
        content=json.dumps(payload),
        headers={"X-CSRFToken": token, "content-type": "application/json"},
    )


async def done(http, slug: str, payload: dict) -> str:
    response = await post(http, slug, payload)
    assert response.status_code == 200, response.text
    return response.json()["custom_form_success"]


async def refused(http, slug: str, payload: dict) -> str:
    response = await post(http, slug, payload)
    assert response.status_code == 422, response.text
    return response.json()["custom_form_error"]


async def events(action: str) -> list[dict]:
    rows = await AuditEvent.select().where(AuditEvent.action == action).order_by(AuditEvent.id)
    for row in rows:  # JSON text on SQLite
        if isinstance(row["data"], str):
            row["data"] = json.loads(row["data"])
    return rows


def by_admin(event: dict, http) -> bool:
    return event["actor_kind"] == "staff" and event["actor_id"] == http.user_id


async def queued_mails(code: MailCode) -> list[dict]:
    return await OutboxMail.select(OutboxMail.id, OutboxMail.to_address, OutboxMail.status).where(
        OutboxMail.template_code == code.value
    )


def name(account) -> str:
    return f"{account.last_name.upper()} {account.first_name} ({account.login})"


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
    assert schema["$defs"]["PieceChoice"]["enum"] == ["Validée", "Refusée"]
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
    assert await redis.exists(f"arq:job:{mail_job_id(mail['id'])}")

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
        "which": "Date limite de retour du dossier",
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


# --- decisions --------------------------------------------------------------------------


async def test_entering_then_validating_a_decision(admin, campaign):
    account, app_id = await make_received_application(campaign)
    favourable = await make_decision_type(Verdict.FAVOURABLE, label_fr="Avis favorable")
    payload = {"application_id": app_id, "decision_type": favourable.code, "comment": "Bien"}

    text = await done(admin, "saisir-decision", payload)

    assert text.endswith(
        ": décision aucune → « Avis favorable » (favorable), saisie sans être validée : le "
        "candidat ne la voit qu'une fois validée."
    )
    [decision] = await Decision.select().where(Decision.application == app_id)
    assert (decision["validated"], decision["entered_by"]) == (False, admin.user_id)
    assert by_admin((await events("decision_entered"))[0], admin)

    text = await done(admin, "valider-decision", {"application_id": app_id})

    assert text.endswith(
        ": décision « Avis favorable » saisie → validée. Le candidat la voit et la reçoit par mail."
    )
    assert by_admin((await events("decision_validated"))[0], admin)
    [mail] = await queued_mails(MailCode.DECISION_FA)
    assert mail["to_address"] == account.email
    assert await refused(admin, "valider-decision", {"application_id": app_id}) == (
        "Décision : la décision « Avis favorable » est déjà validée."
    )
    assert len(await queued_mails(MailCode.DECISION_FA)) == 1


async def test_decision_input_is_checked_with_the_field_named(admin, campaign):
    _, app_id = await make_received_application(campaign)
    favourable = await make_decision_type(Verdict.FAVOURABLE)
    reason = await make_refusal_reason()
    base = {"application_id": app_id, "decision_type": favourable.code}
    assert await refused(admin, "saisir-decision", {**base, "decision_type": "NOPE"}) == (
        "Type de décision : aucun type de décision actif de code « NOPE »."
    )
    assert await refused(admin, "saisir-decision", {**base, "refusal_reason": reason.code}) == (
        "Motif de refus : il ne s'indique que pour une décision défavorable."
    )
    assert await refused(admin, "saisir-decision", {**base, "rank": 2}) == (
        "Rang : il ne s'indique que pour une liste complémentaire."
    )
    assert await refused(admin, "valider-decision", {"application_id": app_id}) == (
        "Décision : aucune décision n'a été saisie pour cette candidature."
    )
    assert await Decision.count() == 0


async def test_validating_all_decisions_of_a_programme(admin, campaign):
    programme = await make_open_programme(campaign)
    favourable = await make_decision_type(Verdict.FAVOURABLE)
    unfavourable = await make_decision_type(Verdict.UNFAVOURABLE)
    first, first_id = await make_received_application(campaign, programme)
    second, second_id = await make_received_application(campaign, programme)
    _, done_id = await make_received_application(campaign, programme)
    await decide(first_id, favourable, validate=False)
    await decide(second_id, unfavourable, validate=False)
    await decide(done_id, favourable)  # already validated: left alone
    payload = {"programme_id": programme.id, "confirm": True}

    assert await refused(admin, "valider-decisions-formation", {**payload, "confirm": False}) == (
        "Je confirme : cochez la case pour valider les décisions."
    )
    text = await done(admin, "valider-decisions-formation", payload)

    assert text == (
        f"Formation « {programme.label} » : 2 décision(s) saisie(s) → validée(s), chaque "
        f"candidat prévenu par mail (candidatures n° {first_id}, {second_id})."
    )
    validated = await events("decision_validated")
    # the first one is the validation made before, by decide()
    assert [e["application_id"] for e in validated[1:]] == [first_id, second_id]
    assert all(by_admin(e, admin) for e in validated[1:])
    assert [m["to_address"] for m in await queued_mails(MailCode.DECISION_FA)] == [
        # the one validated before, then the form's
        (await application_view(done_id)).email,
        first.email,
    ]
    assert [m["to_address"] for m in await queued_mails(MailCode.DECISION_DE)] == [second.email]
    assert await refused(admin, "valider-decisions-formation", payload) == (
        f"Formation « {programme.label} » : aucune décision saisie à valider."
    )
    assert await refused(
        admin, "valider-decisions-formation", {**payload, "programme_id": 999999}
    ) == ("Formation : aucune formation n° 999999.")


# --- mails ------------------------------------------------------------------------------


async def test_resending_a_mail_puts_the_same_row_back_in_the_queue(admin, campaign, redis):
    account, app_id = await make_received_application(campaign)
    await lifecycle.set_dossier_status(
        application_id=app_id, status=DossierStatus.COMPLETE, actor=Actor.staff(None)
    )
    [mail] = await queued_mails(MailCode.STATUS_COMPLETE)
    await OutboxMail.update(
        {OutboxMail.status: MailStatus.FAILED.value, OutboxMail.attempts: 5}
    ).where(OutboxMail.id == mail["id"])

    text = await done(admin, "renvoyer-mail", {"mail_id": mail["id"]})

    assert text.startswith(f"Mail n° {mail['id']} « ")
    assert text.endswith(
        f" à {account.email} : en échec → en file ; il part à nouveau, avec le même "
        "identifiant de message."
    )
    row = await OutboxMail.select().where(OutboxMail.id == mail["id"]).first()
    assert (row["status"], row["attempts"], row["last_error"]) == ("queued", 0, "")
    assert len(await queued_mails(MailCode.STATUS_COMPLETE)) == 1  # the same row
    [event] = await events("mail_resent")
    assert by_admin(event, admin) and event["entity_id"] == mail["id"]
    assert event["data"]["before"] == "failed" and event["application_id"] == app_id
    assert await redis.exists(f"arq:job:mail:{mail['id']}:resend:{event['id']}")
    assert await refused(admin, "renvoyer-mail", {"mail_id": mail["id"]}) == (
        f"Mail n° {mail['id']} : il est en file ; il part déjà, inutile de le renvoyer."
    )
    assert await refused(admin, "renvoyer-mail", {"mail_id": 2**31 - 1}) == (
        f"Mail : aucun mail n° {2**31 - 1}."
    )


# --- the next campaign ------------------------------------------------------------------


async def test_opening_the_next_campaign_copies_the_offer_with_shifted_dates(admin, campaign):
    piece = await make_required_piece(campaign, code="CV", label_fr="CV")
    programme = await make_open_programme(campaign, [piece], code="CES1", jury_date=None)
    centre = (await Programme.select(Programme.commission.centre).first())["commission.centre"]
    await make_staff(StaffRole.CENTRE_MANAGER, centres=[centre])
    payload = {
        "campaign_id": campaign.id,
        "code": "NEXT",
        "label_fr": "Campagne suivante",
        "academic_year": "2027/2028",
    }

    text = await done(admin, "campagne-suivante", payload)

    assert text == (
        f"Campagne {campaign.code} archivée ; campagne NEXT « Campagne suivante » ouverte et "
        "active, avec 1 centre(s), 1 commission(s), 1 formation(s) et 1 pièce(s) demandée(s) "
        "copiées, dates décalées."
    )
    old = await Campaign.select().where(Campaign.id == campaign.id).first()
    new = await Campaign.select().where(Campaign.code == "NEXT").first()
    assert (old["active"], old["archived_at"] is not None) == (False, True)
    assert (new["active"], new["previous"], new["academic_year"]) == (
        True,
        campaign.id,
        "2027/2028",
    )
    assert new["start_date"] == campaign.start_date.replace(year=campaign.start_date.year + 1)
    [copy] = await Programme.select().where(Programme.commission.centre.campaign == new["id"])
    assert copy["code"] == "CES1" and copy["id"] != programme.id
    assert copy["deposit_end"] == programme.deposit_end.replace(year=programme.deposit_end.year + 1)
    [new_piece] = await RequiredPiece.select().where(RequiredPiece.campaign == new["id"])
    assert await ProgrammePiece.exists().where(
        (ProgrammePiece.programme == copy["id"]) & (ProgrammePiece.piece == new_piece["id"])
    )
    [new_centre] = await Centre.select(Centre.id).where(Centre.campaign == new["id"])
    scopes = await StaffCentre.select(StaffCentre.centre).order_by(StaffCentre.id)
    assert [row["centre"] for row in scopes] == [centre, new_centre["id"]]
    [archived] = await events("campaign_archived")
    [opened] = await events("campaign_opened")
    assert by_admin(archived, admin) and by_admin(opened, admin)
    assert opened["entity_id"] == new["id"] and opened["data"]["copied"]["programme"] == 1

    assert await refused(admin, "campagne-suivante", payload) == (
        f"Campagne : la campagne n° {campaign.id} est déjà archivée."
    )
    again = {**payload, "campaign_id": new["id"]}
    assert await refused(admin, "campagne-suivante", again) == (
        "Code : une campagne de code « NEXT » existe déjà."
    )
    draft = await make_campaign(active=False)
    assert await refused(admin, "campagne-suivante", {**again, "campaign_id": draft.id}) == (
        f"Campagne : la campagne n° {draft.id} n'est pas la campagne active ; seule la "
        "campagne active s'archive pour ouvrir la suivante."
    )
    assert await refused(admin, "campagne-suivante", {**again, "campaign_id": 2**31 - 1}) == (
        f"Campagne : aucune campagne n° {2**31 - 1}."
    )
    assert await Campaign.count() == 3
    assert await Campaign.count().where(Campaign.active.eq(True)) == 1


async def test_the_next_campaign_may_shift_by_days_and_checks_its_fields(admin, campaign):
    payload = {
        "campaign_id": campaign.id,
        "code": "J30",
        "label_fr": "Trente jours",
        "academic_year": "2027/2028",
        "shift": "D'un nombre de jours",
    }
    assert await refused(admin, "campagne-suivante", payload) == (
        "Nombre de jours : indiquez de combien de jours décaler les dates."
    )
    response = await post(admin, "campagne-suivante", {**payload, "academic_year": "2027"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["msg"] == (
        "Value error, Année universitaire : écrivez-la comme 2027/2028."
    )
    await done(admin, "campagne-suivante", {**payload, "days": 30})
    new = await Campaign.select().where(Campaign.code == "J30").first()
    assert new["end_date"] == campaign.end_date + timedelta(days=30)
    assert await StaffCentre.count() == 0


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
