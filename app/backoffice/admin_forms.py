"""The admin's forms (piccolo-admin ``FormConfig``): each calls one domain function with
the signed-in staff member as actor and answers with what changed or the rule's message."""

from __future__ import annotations

from piccolo_admin.endpoints import FormConfig

from app.backoffice.forms_campaign import campaign_forms
from app.backoffice.forms_decisions import decision_forms
from app.backoffice.forms_pieces import piece_forms
from app.backoffice.forms_staff import staff_form_configs


def form_configs() -> list[FormConfig]:
    return [*piece_forms(), *decision_forms(), *campaign_forms(), *staff_form_configs()]
