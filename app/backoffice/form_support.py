"""What the admin's forms share: their fields' rules, the signed-in staff member as
actor, the mails handed to the worker after commit, and how they name an application.

piccolo-admin validates a form's pydantic model (a 422 whose messages the form shows
next to the field) and shows the ``ValueError`` an endpoint raises as the form's error:
the rules' messages are French, and name the field or the row.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from enum import StrEnum
from typing import Annotated, Any

from piccolo_admin.endpoints import FormConfig
from pydantic import AfterValidator, BeforeValidator, Field, WithJsonSchema
from starlette.requests import Request

from app.applications.queries import ApplicationView, application_view
from app.core.actor import Actor
from app.input_rules import MAX_ID, MIN_ID, has_control_characters
from app.mail.outbox import enqueue_mails

SURROGATES = re.compile("[\ud800-\udfff]")
FORM_GROUP_FILES = "Dossiers des candidats"
FORM_GROUP_DECISIONS = "Décisions"
FORM_GROUP_SYSTEM = "Campagnes et mails"


def id_field(title: str, description: str) -> Any:
    """A row id: what a PostgreSQL ``integer`` column holds."""
    return Field(title=title, description=description, ge=MIN_ID, le=MAX_ID)


def _text_rule(max_length: int, *, multiline: bool):
    def check(value: str) -> str:
        # A lone surrogate ("\ud800" in JSON) cannot be encoded for the database either.
        if has_control_characters(value, multiline=multiline) or SURROGATES.search(value):
            raise ValueError("Ce texte contient des caractères non autorisés.")
        value = value.strip()
        if len(value) > max_length:
            raise ValueError(f"Ce texte ne peut pas dépasser {max_length} caractères.")
        return value

    return AfterValidator(check)


def text_type(max_length: int, *, multiline: bool = False) -> Any:
    """``str`` checked as typed text: no control character (a NUL byte fails every
    PostgreSQL query), at most ``max_length`` characters once trimmed. French messages:
    pydantic's own are English, hence the check here rather than ``max_length=``."""
    return Annotated[
        str,
        _text_rule(max_length, multiline=multiline),
        Field(json_schema_extra={"maxLength": max_length}),
    ]


def _folded(text: str) -> str:
    """ "Refusée", "refusee", " REFUSÉE " are one answer."""
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def choice_type(choices: type[StrEnum]) -> Any:
    """A choice among French values. piccolo-admin's form page shows every field as an
    input of its JSON type: no drop-down list, no per-field description (only the
    title). So the title lists the values and the field takes them typed loosely
    (case and accents aside); anything else is refused naming the values."""
    by_folded = {_folded(member.value): member for member in choices}
    values = ", ".join(member.value for member in choices)

    def pick(value: Any) -> Any:
        if isinstance(value, str):
            member = by_folded.get(_folded(value))
            if member is not None:
                return member
        raise ValueError(f"Choisissez parmi : {values}.")

    # A plain string in the schema: the page knows no "$ref" to an enum.
    schema = {"type": "string", "enum": [member.value for member in choices]}
    return Annotated[choices, BeforeValidator(pick), WithJsonSchema(schema)]


def choice_title(title: str, choices: type[StrEnum]) -> str:
    return f"{title} ({' ou '.join(member.value for member in choices)})"


def actor_of(request: Request) -> Actor:
    """The signed-in staff member: piccolo's BaseUser, set by piccolo-api's session
    middleware on every admin API request."""
    return Actor.staff(request.user.user.id)


async def enqueue_after(request: Request, mail_ids: Iterable[int]) -> None:
    """After commit: the mails' jobs, on the portal's Redis client. The admin runs
    mounted in the portal (Litestar keeps itself in the scope); elsewhere, or with
    Redis down, the mails stay queued for the worker's recovery job."""
    portal = request.scope.get("litestar_app")
    redis = getattr(getattr(portal, "state", None), "redis", None)
    ids = list(mail_ids)
    if redis is not None and ids:
        await enqueue_mails(redis, ids)


def candidate_name(view: ApplicationView) -> str:
    return f"{view.last_name.upper()} {view.first_name} ({view.login})".strip()


def application_label(view: ApplicationView) -> str:
    """ "candidature n° 12 de MARTIN Léa (AB12CD34) à « Césure en licence 3 »" """
    return f"candidature n° {view.id} de {candidate_name(view)} à « {view.programme_label} »"


async def application_or_refuse(application_id: int) -> ApplicationView:
    view = await application_view(application_id)
    if view is None:
        raise ValueError(f"Candidature : aucune candidature n° {application_id}.")
    return view


def sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def form(name: str, slug: str, model, endpoint, group: str, description: str) -> FormConfig:
    """A FormConfig with an ASCII slug: piccolo derives it from the name, accents and
    apostrophes included, and it goes into the admin's URLs."""
    config = FormConfig(
        name=name,
        pydantic_model=model,
        endpoint=endpoint,
        description=description,
        form_group=group,
    )
    config.slug = slug
    return config
