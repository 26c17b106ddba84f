"""Shared parts of the dossier pages: modes of a form post, page responses.

A section form is posted in one of three modes, by a browser without JavaScript or by
htmx (which then keeps only a part of the same full page, with hx-select):

- ``refresh``: re-render with the dependent lists narrowed (nothing is saved);
- ``validate``: check everything, show the messages (htmx keeps one field's block);
- save: check, then call the service, then redirect (post/redirect/get).
"""

from __future__ import annotations

from enum import StrEnum

from litestar.status_codes import HTTP_403_FORBIDDEN

from app.core.i18n import N_
from app.core.i18n import gettext as _
from app.dossier.field_labels import section_title
from app.web.forms import Form
from app.web.templating import Template


class Mode(StrEnum):
    REFRESH = "refresh"
    VALIDATE = "validate"
    SAVE = "save"


def mode_of(form: Form) -> Mode:
    if form.values.get("refresh"):
        return Mode.REFRESH
    if form.values.get("validate"):
        return Mode.VALIDATE
    return Mode.SAVE


def dossier_page(name: str, *, status_code: int = 200, **context) -> Template:
    return Template(
        template_name=f"dossier/{name}.html",
        context={"section_title": section_title, **context},
        status_code=status_code,
    )


def refused(reason: str, back_url: str) -> Template:
    """A change of locked data: said plainly, nothing written."""
    return dossier_page("refused", status_code=HTTP_403_FORBIDDEN, reason=reason, back_url=back_url)


SAVED_MESSAGES = {
    "informations-personnelles": N_("Vos informations personnelles ont été enregistrées."),
    "adresse": N_("Votre adresse a été enregistrée."),
    "baccalaureat": N_("Votre baccalauréat a été enregistré."),
    "ligne": N_("La ligne a été enregistrée."),
    "suppression": N_("La ligne a été supprimée."),
    "adresse-mail": N_("Votre adresse mail est validée."),
}


def saved_message(key: str | None) -> str:
    return _(SAVED_MESSAGES[key]) if key in SAVED_MESSAGES else ""
