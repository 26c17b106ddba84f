"""Admin forms on a candidate's file: a piece's status, the dossier's status, and the
candidate's own return and confirmation dates."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from piccolo_admin.endpoints import FormConfig
from pydantic import BaseModel, Field
from starlette.requests import Request

from app.applications.lifecycle_base import LifecycleRefused, Refusal
from app.applications.queries import current_pieces
from app.applications.staff_dates import (
    EARLIEST_YEAR,
    LATEST_YEAR,
    set_confirmation_date_override,
    set_return_date_override,
)
from app.applications.staff_dossier import COMMENT_MAX, set_dossier_status, set_piece_status
from app.backoffice.form_support import (
    FORM_GROUP_FILES,
    actor_of,
    application_label,
    application_or_refuse,
    choice_title,
    choice_type,
    enqueue_after,
    form,
    id_field,
    sentence,
    text_type,
)
from app.core.code_labels import DOSSIER_STATUS, PIECE_STATUS
from app.core.codes.applications import DossierStatus, PieceStatus

APPLICATION_ID = id_field(
    "N° de la candidature", "Le numéro (id) de la candidature, dans la table Candidatures."
)
CANCELLED = "la candidature est annulée : plus rien n'y change."


class PieceChoice(StrEnum):
    VALIDATED = "Validée"
    REFUSED = "Refusée"


PIECE_CHOICE = {
    PieceChoice.VALIDATED: PieceStatus.VALIDATED,
    PieceChoice.REFUSED: PieceStatus.REFUSED,
}


class PieceStatusForm(BaseModel):
    application_id: int = APPLICATION_ID
    piece_id: int = id_field(
        "N° de la pièce demandée (pas celui du dépôt)",
        "Le numéro (id) de la pièce dans la table Pièces demandées (pas celui du dépôt).",
    )
    status: choice_type(PieceChoice) = Field(  # type: ignore[valid-type]
        title=choice_title("Nouveau statut", PieceChoice), description="Validée ou refusée."
    )
    comment: text_type(COMMENT_MAX, multiline=True) = Field(  # type: ignore[valid-type]
        default="",
        title=f"Commentaire ({COMMENT_MAX} caractères au plus, lu par le candidat)",
        description=f"Lu par le candidat (mail et page), {COMMENT_MAX} caractères au plus.",
    )


async def piece_status(request: Request, data: PieceStatusForm) -> str:
    view = await application_or_refuse(data.application_id)
    pieces = {p.piece_id: p for p in await current_pieces(view.id)}
    piece = pieces.get(data.piece_id)
    if piece is None:
        raise ValueError(
            f"Pièce : la pièce n° {data.piece_id} n'est pas demandée pour la "
            f"{application_label(view)}."
        )
    label = piece.label_fr
    if not view.live:
        raise ValueError(f"Pièce « {label} » : {CANCELLED}")
    if piece.status is PieceStatus.WAITING:
        raise ValueError(
            f"Pièce « {label} » : le candidat ne l'a pas déposée ; elle ne peut être ni "
            "validée ni refusée."
        )
    status = PIECE_CHOICE[data.status]
    if status is PieceStatus.REFUSED and not data.comment:
        # The candidate reads it in the mail: a refusal without a reason helps no one.
        raise ValueError("Commentaire : indiquez au candidat pourquoi la pièce est refusée.")
    try:
        change = await set_piece_status(
            application_id=view.id,
            piece_id=piece.piece_id,
            status=status,
            comment=data.comment,
            actor=actor_of(request),
        )
    except LifecycleRefused as refused:
        raise ValueError(f"Pièce « {label} » : {refusal_text(refused.reason)}") from None
    await enqueue_after(request, change.mail_ids)
    if piece.status is status and piece.comment == data.comment:
        return f"Rien à changer : la pièce « {label} » est déjà {data.status.value.lower()}."
    mailed = " Le candidat est prévenu par mail." if change.mail_ids else ""
    return (
        f"{sentence(application_label(view))} : pièce « {label} » "
        f"{PIECE_STATUS[piece.status]} → {data.status.value}.{mailed}"
    )


def refusal_text(reason: Refusal) -> str:
    if reason is Refusal.NOT_FOUND:
        return "introuvable."
    if reason is Refusal.CAMPAIGN_ARCHIVED:
        return "la campagne de ce dossier est archivée : il n'est plus modifiable."
    return "ce changement n'est pas possible dans l'état actuel du dossier (réessayez)."


class DossierChoice(StrEnum):
    INCOMPLETE = "Incomplet"
    COMPLETE = "Complet"


DOSSIER_CHOICE = {
    DossierChoice.INCOMPLETE: DossierStatus.INCOMPLETE,
    DossierChoice.COMPLETE: DossierStatus.COMPLETE,
}


class DossierStatusForm(BaseModel):
    application_id: int = APPLICATION_ID
    status: choice_type(DossierChoice) = Field(  # type: ignore[valid-type]
        title=choice_title("Nouveau statut du dossier", DossierChoice),
        description="Incomplet (le candidat peut compléter et transmettre à nouveau) ou complet.",
    )


async def dossier_status(request: Request, data: DossierStatusForm) -> str:
    view = await application_or_refuse(data.application_id)
    status = DOSSIER_CHOICE[data.status]
    before = DOSSIER_STATUS[view.status]
    if not view.live:
        raise ValueError(f"Statut du dossier : {CANCELLED}")
    if view.status is status:
        raise ValueError(f"Statut du dossier : le dossier est déjà {before.lower()}.")
    if view.status is DossierStatus.WAITING:
        raise ValueError(
            "Statut du dossier : le candidat n'a pas encore transmis son dossier "
            "(en attente) ; il ne peut être déclaré ni incomplet ni complet."
        )
    try:
        change = await set_dossier_status(
            application_id=view.id, status=status, actor=actor_of(request)
        )
    except LifecycleRefused as refused:
        raise ValueError(f"Statut du dossier : {refusal_text(refused.reason)}") from None
    await enqueue_after(request, change.mail_ids)
    return (
        f"{sentence(application_label(view))} : dossier {before} → {data.status.value}. "
        "Le candidat est prévenu par mail."
    )


class DateChoice(StrEnum):
    RETURN = "Retour"
    CONFIRMATION = "Confirmation"


DATE_NAME = {
    DateChoice.RETURN: "Date limite de retour du dossier",
    DateChoice.CONFIRMATION: "Date limite de confirmation",
}


class DateOverrideForm(BaseModel):
    application_id: int = APPLICATION_ID
    which: choice_type(DateChoice) = Field(  # type: ignore[valid-type]
        title="Quelle date (retour ou confirmation)", description="La date propre au candidat."
    )
    value: date | None = Field(
        default=None,
        title="Nouvelle date (vide : celle de la formation)",
        description="Vide : le candidat revient à la date de la formation.",
    )


def _day(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else "date de la formation"


async def date_override(request: Request, data: DateOverrideForm) -> str:
    view = await application_or_refuse(data.application_id)
    field = DATE_NAME[data.which]
    if data.value is not None and not EARLIEST_YEAR <= data.value.year <= LATEST_YEAR:
        raise ValueError(f"{field} : l'année doit être entre {EARLIEST_YEAR} et {LATEST_YEAR}.")
    if not view.live:
        raise ValueError(f"{field} : {CANCELLED}")
    confirmation = data.which is DateChoice.CONFIRMATION
    if confirmation and view.answer is not None:
        raise ValueError(f"{field} : le candidat a déjà répondu ; cette date ne compte plus.")
    before = view.confirmation_date_override if confirmation else view.return_date_override
    call = set_confirmation_date_override if confirmation else set_return_date_override
    try:
        await call(
            application_id=view.id, value=data.value, expected=before, actor=actor_of(request)
        )
    except LifecycleRefused as refused:
        raise ValueError(f"{field} : {refusal_text(refused.reason)}") from None
    if before == data.value:
        return f"Rien à changer : {field.lower()} est déjà {_day(before)}."
    return f"{sentence(application_label(view))} : {field.lower()} {_day(before)} → {_day(data.value)}."


def piece_forms() -> list[FormConfig]:
    return [
        form(
            "Statut d'une pièce",
            "statut-piece",
            PieceStatusForm,
            piece_status,
            FORM_GROUP_FILES,
            "Valide ou refuse une pièce que le candidat a déposée (pas une pièce en attente). "
            "Un refus demande un commentaire, envoyé par mail au candidat. Une candidature "
            "annulée ne change plus. Chaque changement est inscrit au journal.",
        ),
        form(
            "Statut d'un dossier",
            "statut-dossier",
            DossierStatusForm,
            dossier_status,
            FORM_GROUP_FILES,
            "Déclare complet ou incomplet un dossier transmis (réceptionné, incomplet ou "
            "complet). Incomplet rouvre le dossier au candidat jusqu'à sa date limite de "
            "retour. Le candidat est prévenu par mail ; le changement est inscrit au journal.",
        ),
        form(
            "Date limite d'un candidat",
            "date-limite-candidat",
            DateOverrideForm,
            date_override,
            FORM_GROUP_FILES,
            "Donne à un candidat sa propre date limite de retour ou de confirmation (vide : "
            "celle de la formation). Pas pour une candidature annulée, ni la confirmation "
            "d'un candidat qui a déjà répondu. L'ancienne et la nouvelle date sont inscrites "
            "au journal.",
        ),
    ]
