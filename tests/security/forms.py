"""The portal's forms as a browser finds them: every ``<form method="post">`` (or
``method="get"``: the desk's filters and export) of every page, its action matched to a route of the route table, its fields with their kind and
the values offered (select options, radio and hidden values). No test lives here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

from tests.security.routes import Endpoint

CSRF_FIELD = "_csrf_token"


@dataclass
class Field:
    name: str
    kind: str  # text, select, file, radio, checkbox, hidden, submit, textarea...
    values: list[str] = field(default_factory=list)  # what the page offers


@dataclass
class Form:
    action: str
    fields: dict[str, Field] = field(default_factory=dict)

    def add(self, name: str, kind: str, value: str | None = None) -> None:
        if not name or name == CSRF_FIELD:
            return
        known = self.fields.setdefault(name, Field(name, kind))
        if value is not None and value not in known.values:
            known.values.append(value)


class _FormParser(HTMLParser):
    def __init__(self, page_url: str, method: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.method = method
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs) -> None:
        a = {name: value or "" for name, value in attrs}
        if tag == "form":
            if a.get("method", "get").lower() == self.method:
                self._form = Form(urlsplit(a.get("action") or self.page_url).path)
                self.forms.append(self._form)
            return
        if self._form is None:
            return
        if tag == "input":
            kind = a.get("type", "text").lower()
            offered = a.get("value") if kind in ("hidden", "radio", "checkbox", "submit") else None
            self._form.add(a.get("name", ""), kind, offered)
        elif tag == "button" and a.get("name"):
            self._form.add(a["name"], "submit", a.get("value", ""))
        elif tag == "textarea":
            self._form.add(a.get("name", ""), "textarea")
        elif tag == "select":
            self._select = a.get("name", "")
            self._form.add(self._select, "select")
        elif tag == "option" and self._select:
            self._form.add(self._select, "select", a.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def forms_of(html: str, page_url: str, method: str = "post") -> list[Form]:
    parser = _FormParser(page_url, method)
    parser.feed(html)
    return parser.forms


def path_pattern(endpoint: Endpoint) -> re.Pattern:
    """A regex matching the concrete paths of the endpoint's route."""
    parts = re.split(r"(\{\w+:\w+\})", endpoint.path)
    regex = "".join(
        ("-?[0-9]+" if part.endswith(":int}") else "[^/]+")
        if part.startswith("{")
        else re.escape(part)
        for part in parts
    )
    return re.compile(rf"\A{regex}\Z")


def merge_into(
    found: dict[str, Form], endpoints: list[Endpoint], forms: list[Form], method: str = "POST"
) -> None:
    """File each form under the key of the route its action reaches (fields of the
    same route seen on several pages are merged)."""
    for form in forms:
        for endpoint in endpoints:
            if endpoint.method == method and path_pattern(endpoint).match(form.action):
                known = found.setdefault(endpoint.key, Form(endpoint.path))
                for f in form.fields.values():
                    for value in f.values or [None]:
                        known.add(f.name, f.kind, value)
                break
