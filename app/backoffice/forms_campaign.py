"""Admin forms of the central office's year and mail: open the next campaign, send an
outbox mail again."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated

from piccolo_admin.endpoints import FormConfig
from pydantic import AfterValidator, BaseModel, Field
from starlette.requests import Request

from app.backoffice.admin_audit import offer_edited
from app.backoffice.form_support import (
    FORM_GROUP_SYSTEM,
    actor_of,
    choice_title,
    choice_type,
    form,
    id_field,
    text_type,
)
from app.backoffice.next_campaign import (
    NextCampaignRefusal,
    NextCampaignRefused,
    open_next_campaign,
)
from app.core.code_labels import MAIL_STATUS
from app.core.codes.mail import MailStatus
from app.messages.resend import ResendRefusal, ResendRefused, enqueue_resent, resend_mail
from app.tables.catalog import Campaign


def mail_status(value: str) -> str:
    return MAIL_STATUS[MailStatus(value)].lower()


class ResendForm(BaseModel):
    mail_id: int = id_field("N° du mail", "Le numéro (id) du mail, dans la table Mails envoyés.")


async def resend(request: Request, data: ResendForm) -> str:
    try:
        resent = await resend_mail(mail_id=data.mail_id, actor=actor_of(request))
    except ResendRefused as refused:
        raise ValueError(_resend_refusal(data.mail_id, refused)) from None
    redis = getattr(getattr(request.scope.get("litestar_app"), "state", None), "redis", None)
    if redis is not None:
        await enqueue_resent(redis, resent)
    return (
        f"Mail n° {resent.mail_id} « {resent.subject} » à {resent.to_address} : "
        f"{mail_status(resent.before)} → {mail_status(MailStatus.QUEUED)} ; il part à nouveau, "
        "avec le même identifiant de message."
    )


def _resend_refusal(mail_id: int, refused: ResendRefused) -> str:
    if refused.reason is ResendRefusal.NOT_FOUND:
        return f"Mail : aucun mail n° {mail_id}."
    if refused.reason is ResendRefusal.ON_ITS_WAY:
        status = mail_status(refused.status)
        return f"Mail n° {mail_id} : état « {status} » ; il part déjà, inutile de le renvoyer."
    return (
        f"Mail n° {mail_id} : son modèle n'a pas pu être rendu, il n'y a rien à envoyer. "
        "Corrigez le modèle de mail."
    )


ACADEMIC_YEAR = re.compile(r"\A(\d{4})/(\d{4})\Z")
CAMPAIGN_CODE = re.compile(r"\A[A-Za-z0-9_-]+\Z")


def _academic_year(value: str) -> str:
    match = ACADEMIC_YEAR.match(value)
    if not match or int(match[2]) != int(match[1]) + 1:
        raise ValueError("Année universitaire : écrivez-la comme 2027/2028.")
    return value


def _code(value: str) -> str:
    if not CAMPAIGN_CODE.match(value):
        raise ValueError("Code : lettres, chiffres, tirets et soulignés seulement.")
    return value


class Shift(StrEnum):
    ONE_YEAR = "Un an"
    DAYS = "En jours"


class NextCampaignForm(BaseModel):
    campaign_id: int = id_field(
        "N° de la campagne à archiver", "Le numéro (id) de la campagne, dans la table Campagnes."
    )
    code: Annotated[text_type(20), AfterValidator(_code)] = Field(  # type: ignore[valid-type]
        title="Code de la nouvelle campagne (unique, ex. 2027)", description="Unique, ex. 2027."
    )
    label_fr: text_type(200) = Field(  # type: ignore[valid-type]
        title="Libellé en français", description="Ex. Campagne 2027-2028."
    )
    label_en: text_type(200) = Field(  # type: ignore[valid-type]
        default="", title="Libellé en anglais", description="Ex. 2027-2028 campaign."
    )
    academic_year: Annotated[text_type(9), AfterValidator(_academic_year)] = Field(  # type: ignore[valid-type]
        title="Année universitaire (ex. 2027/2028)",
        description="Celle des césures autorisées, ex. 2027/2028.",
    )
    shift: choice_type(Shift) = Field(  # type: ignore[valid-type]
        default=Shift.ONE_YEAR,
        title=choice_title("Décaler les dates", Shift),
        description="Toutes les dates (campagne, formations) avancent d'un an, ou du nombre "
        "de jours indiqué.",
    )
    days: int | None = Field(
        default=None,
        ge=1,
        le=3660,
        title="Nombre de jours (si « En jours »)",
        description="Si décalage en jours.",
    )


async def next_campaign(request: Request, data: NextCampaignForm) -> str:
    if not data.label_fr:
        raise ValueError("Libellé en français : il est obligatoire.")
    if data.shift is Shift.DAYS and data.days is None:
        raise ValueError("Nombre de jours : indiquez de combien de jours décaler les dates.")
    if data.shift is Shift.ONE_YEAR and data.days is not None:
        raise ValueError("Nombre de jours : laissez-le vide pour un décalage d'un an.")
    old = await Campaign.select(Campaign.code).where(Campaign.id == data.campaign_id).first()
    try:
        result = await open_next_campaign(
            campaign_id=data.campaign_id,
            code=data.code,
            label_fr=data.label_fr,
            label_en=data.label_en,
            academic_year=data.academic_year,
            shift_days=data.days if data.shift is Shift.DAYS else None,
            actor=actor_of(request),
        )
    except NextCampaignRefused as refused:
        raise ValueError(_next_refusal(data, refused.reason)) from None
    await offer_edited(request.scope, Campaign)
    copied = result.copied
    return (
        f"Campagne {old['code']} archivée ; campagne {data.code} « {data.label_fr} » ouverte "
        f"et active, avec {copied['centre']} centre(s), {copied['commission']} commission(s), "
        f"{copied['programme']} formation(s) et {copied['required_piece']} pièce(s) "
        "demandée(s) copiées, dates décalées."
    )


def _next_refusal(data: NextCampaignForm, reason: NextCampaignRefusal) -> str:
    if reason is NextCampaignRefusal.NOT_FOUND:
        return f"Campagne : aucune campagne n° {data.campaign_id}."
    if reason is NextCampaignRefusal.ARCHIVED:
        return f"Campagne : la campagne n° {data.campaign_id} est déjà archivée."
    if reason is NextCampaignRefusal.NOT_ACTIVE:
        return (
            f"Campagne : la campagne n° {data.campaign_id} n'est pas la campagne active ; "
            "seule la campagne active s'archive pour ouvrir la suivante."
        )
    return f"Code : une campagne de code « {data.code} » existe déjà."


def campaign_forms() -> list[FormConfig]:
    return [
        form(
            "Renvoyer un mail",
            "renvoyer-mail",
            ResendForm,
            resend,
            FORM_GROUP_SYSTEM,
            "Remet en file un mail envoyé ou en échec, qui part à nouveau avec le même "
            "identifiant de message. Pas un mail déjà en file ou en cours d'envoi, ni un mail "
            "dont le modèle n'a pas pu être rendu. Inscrit au journal.",
        ),
        form(
            "Ouvrir la campagne suivante",
            "campagne-suivante",
            NextCampaignForm,
            next_campaign,
            FORM_GROUP_SYSTEM,
            "Archive la campagne active et ouvre la suivante, active à sa place, en copiant ses "
            "centres, commissions, formations, pièces demandées et périmètres des gestionnaires, "
            "dates décalées d'un an ou du nombre de jours indiqué. Les comptes et candidatures "
            "restent dans l'ancienne campagne. Tout ou rien ; inscrit au journal.",
        ),
    ]
