"""Plain HTML forms: read what was typed, collect one or more messages per field.

Pages re-render the form with the typed values (never passwords) and an error
summary; they answer 200 so htmx swaps the page like a browser without JS shows it.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from litestar import Request

from app.core.i18n import gettext as _
from app.web.inputs import has_control_characters, without_control_characters

SECRET_FIELDS = frozenset({"password", "password_confirm", "new_password"})


@dataclass
class Form:
    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)

    def add_error(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    def require(self, name: str, message: str) -> str:
        value = self.values.get(name, "")
        if not value.strip():
            self.add_error(name, message)
        return value

    @property
    def ok(self) -> bool:
        return not self.errors

    def redisplayed(self) -> dict[str, str]:
        """Values to show again: everything typed except secrets."""
        return {k: v for k, v in self.values.items() if k not in SECRET_FIELDS}


def control_characters_message() -> str:
    return _(
        "Ce champ contenait des caractères non autorisés (caractères de contrôle ou retours "
        "à la ligne) : ils ont été retirés. Vérifiez la saisie puis validez à nouveau."
    )


async def read_form(request: Request, *, multiline: Collection[str] = ()) -> Form:
    """The text fields of a posted form, each checked for control characters.

    Every field is single-line unless named in ``multiline`` (a description, a note):
    those may hold line breaks (and TAB, like every field). A field holding a control
    character (NUL, DEL, C1...) or a line break where none belongs gets a message, and
    its value is kept without those characters, so the page shows what was typed.
    A field whose name holds such characters is no field of ours: it is dropped.
    """
    return checked_form(await request.form(), multiline=multiline)


def checked_form(data, *, multiline: Collection[str] = ()) -> Form:
    """:func:`read_form` for form data already read (pages that also need its repeated
    fields)."""
    form = Form()
    for name, value in data.items():
        if not isinstance(value, str) or name == "_csrf_token" or has_control_characters(name):
            continue
        allows_lines = name in multiline
        form.values[name] = without_control_characters(value, multiline=allows_lines)
        if has_control_characters(value, multiline=allows_lines):
            form.add_error(name, control_characters_message())
    return form
