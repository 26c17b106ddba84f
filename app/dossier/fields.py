"""What a dossier form field is, and the checks shared by every section.

A page is rendered from :class:`FieldView` objects (label, choices, lock), and the same
objects drive the server-side checks, so a message always names the field by the label
the candidate sees, and a submitted choice is accepted only when the page offered it
(a commune of the chosen département, a série open in the chosen year...).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import phonenumbers

from app.core.i18n import gettext as _
from app.dossier.lookups import Choice
from app.input_rules import is_ascii_digits
from app.web.forms import Form


@dataclass
class FieldView:
    name: str
    label: str
    kind: str = "text"  # text | select | textarea | radios
    required: bool = False
    hint: str = ""
    choices: list[Choice] = field(default_factory=list)
    empty_label: str = ""
    """First, empty option of a select."""
    autocomplete: str = ""
    inputmode: str = ""
    maxlength: int | None = None
    refreshes: str = ""
    """Id of the block re-rendered (htmx) when this field changes: dependent lists."""
    locked: str = ""
    """Why the candidate cannot change this field; empty when they can."""
    display: str = ""
    """The value shown instead of an input when the field is locked."""


Fields = dict[str, FieldView]


def required_select(
    make: Callable[..., FieldView], name: str, choices: list[Choice], empty_label: str, **options
) -> FieldView:
    """A drop-down list that must be answered, opening on ``empty_label``; ``make`` is
    the section's field maker (its labels and locks)."""
    return make(
        name, kind="select", required=True, choices=choices, empty_label=empty_label, **options
    )


def text(form: Form, f: FieldView) -> str:
    """The trimmed value; a message when required and empty or too long."""
    value = form.values.get(f.name, "").strip()
    if not value:
        if f.required:
            form.add_error(f.name, _("Le champ « %(label)s » est obligatoire.", label=f.label))
        return ""
    if f.maxlength and len(value) > f.maxlength:
        form.add_error(
            f.name,
            _(
                "Le champ « %(label)s » ne doit pas dépasser %(max)d caractères.",
                label=f.label,
                max=f.maxlength,
            ),
        )
    return value


def choice(form: Form, f: FieldView) -> str:
    """The chosen value, only when the page offered it."""
    value = form.values.get(f.name, "").strip()
    if not value:
        if f.required:
            form.add_error(f.name, _("Le champ « %(label)s » est obligatoire.", label=f.label))
        return ""
    if value not in {c.value for c in f.choices}:
        form.add_error(
            f.name,
            _("Choisissez une valeur de la liste pour le champ « %(label)s ».", label=f.label),
        )
        return ""
    return value


def choice_id(form: Form, f: FieldView) -> int | None:
    """A chosen reference row (the option values are ids)."""
    value = choice(form, f)
    return int(value) if value else None


def year(form: Form, f: FieldView, *, first: int, last: int) -> int | None:
    value = text(form, f)
    if not value or f.name in form.errors:
        return None
    if not re.fullmatch(r"\d{4}", value) or not first <= int(value) <= last:
        form.add_error(
            f.name,
            _(
                "Le champ « %(label)s » doit être une année entre %(first)d et %(last)d.",
                label=f.label,
                first=first,
                last=last,
            ),
        )
        return None
    return int(value)


def whole_number(form: Form, f: FieldView, *, low: int, high: int) -> int | None:
    value = text(form, f)
    if not value or f.name in form.errors:
        return None
    if not is_ascii_digits(value) or not low <= int(value) <= high:
        form.add_error(
            f.name,
            _(
                "Le champ « %(label)s » doit être un nombre entier entre %(low)d et %(high)d.",
                label=f.label,
                low=low,
                high=high,
            ),
        )
        return None
    return int(value)


def parse_french_date(value: str) -> date | None:
    """jj/mm/aaaa (also with - or . between the parts, as people type them)."""
    match = re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})", value.strip())
    if not match:
        return None
    day, month, year_ = (int(part) for part in match.groups())
    try:
        return date(year_, month, day)
    except ValueError:
        return None


def french_date(form: Form, f: FieldView) -> date | None:
    value = text(form, f)
    if not value or f.name in form.errors:
        return None
    parsed = parse_french_date(value)
    if parsed is None:
        form.add_error(
            f.name,
            _(
                "Le champ « %(label)s » doit être une date au format jj/mm/aaaa "
                "(par exemple 17/05/2004).",
                label=f.label,
            ),
        )
    return parsed


def years_before(day: date, years: int) -> date:
    """The same day ``years`` earlier (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


# Regions tried, in order, for a number typed in the national format: metropolitan
# France, then the overseas départements and collectivities with their own numbering.
PHONE_REGIONS = ("FR", "RE", "GP", "MQ", "GF", "YT", "PM", "BL", "MF", "NC", "PF", "WF")


def e164_phone(raw: str) -> str | None:
    """The number in E.164 (+33612345678), or None when it is not a valid number.

    International numbers (+ or 00) of any country are accepted: candidates from
    abroad have foreign phones.
    """
    value = raw.strip()
    if value.startswith("00"):
        value = "+" + value[2:]
    regions = (None,) if value.startswith("+") else PHONE_REGIONS
    for region in regions:
        try:
            number = phonenumbers.parse(value, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return None


def phone(form: Form, f: FieldView, *, stored: str) -> str:
    """A phone in E.164. The stored number is taken back as it is: the student-records
    system may hold numbers the library deems unassigned, and re-checking them would
    forbid saving anything else."""
    value = text(form, f)
    if not value or f.name in form.errors:
        return ""
    if stored and value in (stored, display_phone(stored)):
        return stored
    number = e164_phone(value)
    if number is None:
        form.add_error(
            f.name,
            _(
                "Le champ « %(label)s » n'est pas un numéro de téléphone valide "
                "(exemples : 06 12 34 56 78, 0692 12 34 56, +32 470 12 34 56).",
                label=f.label,
            ),
        )
        return ""
    return number


def display_phone(number: str) -> str:
    """E.164 shown the way people read it (06 12 34 56 78 for French numbers)."""
    if not number:
        return ""
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return number
    if parsed.country_code == 33:
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
