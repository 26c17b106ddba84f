"""Labels of the codes shown in the desk's exports and counts, in the request's language.

The codes stay in the database and the URLs; only their labels translate.
"""

from __future__ import annotations

from app.core.code_labels import ANSWER
from app.core.codes.applications import Answer
from app.core.i18n import gettext as _


def answer_label(code: str | None) -> str:
    """The candidate's answer; empty while there is none."""
    if not code:
        return ""
    return _(ANSWER[Answer(code)])


def yes_no(value: bool | None) -> str:
    """Oui / Non; empty when the question does not arise (no decision yet)."""
    if value is None:
        return ""
    return _("Oui") if value else _("Non")
