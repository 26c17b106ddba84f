"""Issue 10, item 3: the admin's forms on mails and campaigns (resend a mail, archive a
campaign and open the next one), through piccolo-admin's API as its page sends them."""

from __future__ import annotations

from datetime import timedelta

from app.applications import lifecycle
from app.applications.lifecycle import Actor
from app.core.codes.applications import DossierStatus
from app.core.codes.mail import MailCode, MailStatus
from app.core.codes.staff import StaffRole
from app.mail.outbox import mail_job_ids
from app.tables.backoffice import StaffCentre
from app.tables.catalog import Campaign, Centre, Programme, ProgrammePiece, RequiredPiece
from app.tables.mail import OutboxMail
from tests import admin_forms
from tests.admin_forms import (
    by_admin,
    done,
    events,
    post,
    queued_mails,
    refused,
)
from tests.factories import make_campaign, make_required_piece
from tests.factories_dossier import (
    make_open_programme,
    make_received_application,
)
from tests.factories_staff import make_staff

# The fixtures the admin form tests share.
admin = admin_forms.admin


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
        f" à {account.email} : échec de l'envoi → à envoyer ; il part à nouveau, avec le même "
        "identifiant de message."
    )
    row = await OutboxMail.select().where(OutboxMail.id == mail["id"]).first()
    assert (row["status"], row["attempts"], row["last_error"]) == ("queued", 0, "")
    assert len(await queued_mails(MailCode.STATUS_COMPLETE)) == 1  # the same row
    [event] = await events("mail_resent")
    assert by_admin(event, admin) and event["entity_id"] == mail["id"]
    assert event["data"]["before"] == "failed" and event["application_id"] == app_id
    job_id = (await mail_job_ids([mail["id"]]))[mail["id"]]
    assert await redis.exists(f"arq:job:{job_id}:resend:{event['id']}")
    assert await refused(admin, "renvoyer-mail", {"mail_id": mail["id"]}) == (
        f"Mail n° {mail['id']} : état « à envoyer » ; il part déjà, inutile de le renvoyer."
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
        "shift": "en jours",
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
