"""Mail templates in the admin (issue 8, defect 7): a template that cannot render is
refused on save, with the part and line of the error, instead of failing every mail of
its code afterwards. The code, language and variable list of a row are the
application's; staff edit the subject and the bodies, and neither add nor delete rows
(a missing template would fail its mails too).
"""

from __future__ import annotations

from typing import Any

from piccolo_api.crud.endpoints import PiccoloCRUD
from piccolo_api.crud.validators import Validators
from starlette.requests import Request

from app.backoffice.validators import combined, fixed_rows, form_label, refusal
from app.core.codes.mail import MailCode
from app.mail.template_check import check_template
from app.tables.mail import MailTemplate

CODES = frozenset(code.value for code in MailCode)
EDITABLE = (MailTemplate.subject, MailTemplate.body_html, MailTemplate.body_text)
REASON = (
    "chaque courriel de l'application a son modèle, en français et en anglais, avec les "
    "variables que l'application lui fournit."
)


async def refuse_broken_template(piccolo_crud: PiccoloCRUD, request: Request) -> None:
    """The template as it would be saved (sent parts over stored ones) must render."""
    data: dict[str, Any] = await request.json()
    try:
        row_id = int(request.path_params["row_id"])
    except (KeyError, ValueError):
        return  # piccolo-api answers malformed requests itself
    stored = await MailTemplate.select().where(MailTemplate.id == row_id).first()
    if stored is None or stored["code"] not in CODES:
        return
    parts = {
        column._meta.name: _text(data.get(column._meta.name, stored[column._meta.name]))
        for column in EDITABLE
    }
    problem = check_template(code=MailCode(stored["code"]), **parts)
    if problem is None:
        return
    label = form_label(MailTemplate._meta.get_column_by_name(problem.part))
    where = f", ligne {problem.line}" if problem.line else ""
    raise refusal(
        f"Modèle refusé : « {label} »{where} : {problem.message}.", allow="GET, PATCH, PUT"
    )


def _text(value: Any) -> str:
    # Not a string (null, a number): piccolo-api's model refuses it or turns it into one.
    return value if isinstance(value, str) else str(value or "")


def mail_template_rules() -> Validators:
    return combined(
        fixed_rows(editable=EDITABLE, reason=REASON),
        Validators(patch_single=[refuse_broken_template], put_single=[refuse_broken_template]),
    )
