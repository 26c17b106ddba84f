"""The admin's staff account forms (issue 10, item 5): thin endpoints over
app.backoffice.staff_accounts, then the mails handed to the worker after commit.

Fields are text with defaults (``form_support.text_type``: no control character, a
length, French messages, shown next to the field); the domain function checks the rest
and answers in French, naming the field. A ``StaffError`` is raised again as
``ValueError``, which piccolo-admin shows as the form's message.
"""

from __future__ import annotations

from piccolo_admin.endpoints import FormConfig
from pydantic import BaseModel, Field
from starlette.requests import Request

from app.backoffice.form_support import enqueue_after, form, text_type
from app.backoffice.staff_accounts import (
    ROLE_LABELS,
    NewStaff,
    create_staff_account,
    send_password_link,
)
from app.backoffice.staff_members import StaffError
from app.core.codes.staff import StaffRole

STAFF_FORMS = "Comptes du personnel"  # not "Personnels": the tables' group has that name

# piccolo-admin 1.14 draws a custom form's fields as plain inputs (no select for an enum,
# no field description): role and language are text, checked by the domain function in
# French, their titles list the codes, and the form's description says what each is.
ROLE_CODES = "; ".join(f"{role.value} = {label}" for role, label in ROLE_LABELS.items())
ROLE_TITLE = "Rôle (" + ", ".join(role.value for role in StaffRole) + ")"
LANGUAGE_TITLE = "Langue du courriel (fr ou en)"


class NewStaffForm(BaseModel):
    username: text_type(100) = Field("", title="Identifiant")
    email: text_type(254) = Field("", title="Adresse mail")
    first_name: text_type(100) = Field("", title="Prénom")
    last_name: text_type(100) = Field("", title="Nom")
    role: text_type(20) = Field(StaffRole.CENTRE_MANAGER.value, title=ROLE_TITLE)
    centres: text_type(1000) = Field("", title="Centres (codes, séparés par des virgules)")
    commissions: text_type(1000) = Field("", title="Commissions (codes, séparés par des virgules)")
    language: text_type(2) = Field("fr", title=LANGUAGE_TITLE)


class PasswordLinkForm(BaseModel):
    username: text_type(100) = Field("", title="Identifiant du personnel")
    language: text_type(2) = Field("fr", title=LANGUAGE_TITLE)


def _actor_id(request: Request) -> int:
    # piccolo-api's session middleware puts the signed-in BaseUser on the request.
    return request.user.user.id


async def create_staff_endpoint(request: Request, data: NewStaffForm) -> str:
    try:
        created = await create_staff_account(
            _actor_id(request),
            NewStaff(
                username=data.username,
                email=data.email,
                first_name=data.first_name,
                last_name=data.last_name,
                role=data.role,
                centre_codes=[data.centres],
                commission_codes=[data.commissions],
                language=data.language,
            ),
        )
    except StaffError as error:
        raise ValueError(str(error)) from None
    await enqueue_after(request, created.mail_ids)
    return (
        f"Compte « {data.username} » créé ({ROLE_LABELS[StaffRole(data.role)]}) : un lien "
        f"d'activation est envoyé à {data.email.lower()}."
    )


async def password_link_endpoint(request: Request, data: PasswordLinkForm) -> str:
    try:
        mail_ids = await send_password_link(
            _actor_id(request), data.username, language=data.language
        )
    except StaffError as error:
        raise ValueError(str(error)) from None
    await enqueue_after(request, mail_ids)
    return f"Un lien pour choisir un mot de passe est envoyé à « {data.username} »."


def staff_form_configs() -> list[FormConfig]:
    return [
        form(
            "Créer un compte personnel",
            "creer-personnel",
            NewStaffForm,
            create_staff_endpoint,
            STAFF_FORMS,
            "Crée l'identifiant, le rôle et les centres ou commissions d'un personnel, "
            "puis lui envoie un lien pour choisir son mot de passe (personne d'autre ne "
            f"le connaît). Rôle : {ROLE_CODES}. Centres (gestionnaire de centre) ou "
            "commissions (membre de commission) : leurs codes dans la campagne active, "
            "séparés par des virgules. Seul l'administrateur technique crée un "
            "administrateur technique ou un membre de la scolarité centrale.",
        ),
        form(
            "Réinitialiser le mot de passe d'un personnel",
            "lien-mot-de-passe-personnel",
            PasswordLinkForm,
            password_link_endpoint,
            STAFF_FORMS,
            "Envoie au personnel un lien pour choisir un nouveau mot de passe ; l'ancien "
            "reste valable jusque-là. Un compte jamais activé reçoit de nouveau son lien "
            "d'activation ; un compte désactivé n'en reçoit pas.",
        ),
    ]
