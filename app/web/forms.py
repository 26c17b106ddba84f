"""Plain HTML forms: read what was typed, collect one or more messages per field.

Pages re-render the form with the typed values (never passwords) and an error
summary; they answer 200 so htmx swaps the page like a browser without JS shows it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from litestar import Request

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


async def read_form(request: Request) -> Form:
    data = await request.form()
    return Form(values={k: v for k, v in data.items() if isinstance(v, str) and k != "_csrf_token"})
