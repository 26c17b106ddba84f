"""The admin's staff account forms (issue 10, item 5): thin endpoints over
app.backoffice.staff_accounts, then the mails handed to the worker after commit.

Fields are plain text with defaults so that pydantic refuses next to nothing (its
messages are English); the domain function checks each field and answers in French,
naming it. A ``StaffError`` is raised again as ``ValueError``, which piccolo-admin shows
as the form's message.
"""

from __future__ import annotations

from piccolo_admin.endpoints import FormConfig
from pydantic import BaseModel, Field
from starlette.requests import Request

from app.backoffice.codes import StaffRole
from app.backoffice.staff import StaffError
from app.backoffice.staff_accounts import (
    ROLE_LABELS,
    NewStaff,
    create_staff_account,
    send_password_link,
)
from app.mail.outbox import enqueue_mails
from app.settings import get_settings
from app.web.sessions import redis_client

STAFF_FORMS = "Comptes du personnel"  # not "Personnels": the tables' group has that name


# piccolo-admin 1.14 draws a custom form's fields as plain inputs (no select for an enum,
# no field description): role and language are text, checked by the domain function in
# French, and the form's description, which is shown, lists the role codes.
ROLE_CODES = "; ".join(f"{role.value} = {label}" for role, label in ROLE_LABELS.items())


class NewStaffForm(BaseModel):
    username: str = Field("", title="Identifiant")
    email: str = Field("", title="Adresse mail")
    first_name: str = Field("", title="Prénom")
    last_name: str = Field("", title="Nom")
    role: str = Field(StaffRole.CENTRE_MANAGER.value, title="Rôle")
    centres: str = Field("", title="Centres")
    commissions: str = Field("", title="Commissions")
    language: str = Field("fr", title="Langue du courriel (fr ou en)")


class PasswordLinkForm(BaseModel):
    username: str = Field("", title="Identifiant du personnel")
    language: str = Field("fr", title="Langue du courriel (fr ou en)")


def _actor_id(request: Request) -> int:
    # piccolo-api's session middleware puts the signed-in BaseUser on the request.
    return request.user.user.id


async def _hand_to_worker(mail_ids: list[int]) -> None:
    """After commit. The admin is not the portal's app: no shared Redis pool here. Redis
    being down loses nothing: the worker's recovery job sends queued mails later."""
    redis = redis_client(get_settings().redis_url)
    try:
        await enqueue_mails(redis, mail_ids)
    finally:
        await redis.aclose()


async def create_staff_endpoint(request: Request, data: NewStaffForm) -> str:
    try:
        created = await create_staff_account(
            _actor_id(request),
            NewStaff(
                username=data.username,
                email=data.email,
                first_name=data.first_name,
                last_name=data.last_name,
                role=data.role.strip(),
                centre_codes=[data.centres],
                commission_codes=[data.commissions],
                language=data.language.strip(),
            ),
        )
    except StaffError as error:
        raise ValueError(str(error)) from None
    await _hand_to_worker(created.mail_ids)
    return (
        f"Compte « {data.username.strip()} » créé ({ROLE_LABELS[StaffRole(data.role.strip())]}) : un lien "
        f"d'activation est envoyé à {data.email.strip().lower()}."
    )


async def password_link_endpoint(request: Request, data: PasswordLinkForm) -> str:
    try:
        mail_ids = await send_password_link(
            _actor_id(request), data.username, language=data.language.strip()
        )
    except StaffError as error:
        raise ValueError(str(error)) from None
    await _hand_to_worker(mail_ids)
    return f"Un lien pour choisir un mot de passe est envoyé à « {data.username.strip()} »."


def staff_form_configs() -> list[FormConfig]:
    return [
        FormConfig(
            name="Créer un compte personnel",
            pydantic_model=NewStaffForm,
            endpoint=create_staff_endpoint,
            description=(
                "Crée l'identifiant, le rôle et les centres ou commissions d'un personnel, "
                "puis lui envoie un lien pour choisir son mot de passe (personne d'autre ne "
                f"le connaît). Rôle : {ROLE_CODES}. Centres (gestionnaire de centre) ou "
                "commissions (membre de commission) : leurs codes dans la campagne active, "
                "séparés par des virgules. Seul l'administrateur technique crée un "
                "administrateur technique ou un membre de la scolarité centrale."
            ),
            form_group=STAFF_FORMS,
        ),
        FormConfig(
            name="Réinitialiser le mot de passe d'un personnel",
            pydantic_model=PasswordLinkForm,
            endpoint=password_link_endpoint,
            description=(
                "Envoie au personnel un lien pour choisir un nouveau mot de passe ; "
                "l'ancien reste valable jusque-là. Un compte jamais activé reçoit de "
                "nouveau son lien d'activation."
            ),
            form_group=STAFF_FORMS,
        ),
    ]
