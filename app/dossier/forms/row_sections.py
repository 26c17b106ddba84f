"""The many-rows sections: stages and expériences (§04.5), and what cursus externe
(§04.4, ``prior_study``) shares with them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date

from app.core.code_labels import STUDY_OUTCOME
from app.core.i18n import gettext as _
from app.dossier import field_labels as L
from app.dossier.fields import Fields, FieldView, text, whole_number, year
from app.dossier.lookups import Choice
from app.web.forms import Form

OLDEST_YEARS = 100
MAX_HOURS_PER_WEEK = 80
# The textarea fields (kind="textarea" below): the only ones that may span lines.
MULTILINE_FIELDS = frozenset({"description"})


@dataclass(frozen=True)
class RowForm:
    """The three functions behind one row form: the row's values as typed text,
    the fields to show for those values, and their validation into column values
    (awaitable when it must read reference data, as cursus externe does)."""

    values: Callable[[dict | None], Awaitable[dict[str, str]]]
    fields: Callable[[dict[str, str]], Awaitable[Fields]]
    validate: Callable[..., dict | Awaitable[dict]]


def _id(value: int | None) -> str:
    return "" if value is None else str(value)


def outcome_choices() -> list[Choice]:
    return [Choice(code.value, _(label)) for code, label in STUDY_OUTCOME.items()]


def year_bounds(today: date) -> tuple[int, int]:
    """From a century ago to next year (a year in progress may end next year)."""
    return today.year - OLDEST_YEARS, today.year + 1


# --- stages ------------------------------------------------------------------------


async def internship_values(row: dict | None) -> dict[str, str]:
    if row is None:
        return {}
    return {
        "year": _id(row["year"]),
        "duration": row["duration"],
        "hours_per_week": _id(row["hours_per_week"]),
        "employer": row["employer"],
        "description": row["description"],
    }


async def internship_fields(values: dict[str, str]) -> Fields:
    """No dependent list here: ``values`` is taken for a uniform signature."""

    def make(name: str, **options) -> FieldView:
        return FieldView(name=name, label=L.label(L.INTERNSHIP, name), **options)

    return {
        "year": make("year", required=True, maxlength=4, inputmode="numeric"),
        "duration": make("duration", required=True, maxlength=50, hint=_("Par exemple : 2 mois")),
        "hours_per_week": make("hours_per_week", maxlength=3, inputmode="numeric"),
        "employer": make("employer", required=True, maxlength=100),
        "description": make("description", kind="textarea", required=True, maxlength=500),
    }


def validate_internship(form: Form, fields: Fields, *, today: date) -> dict:
    first, last = year_bounds(today)
    return {
        "year": year(form, fields["year"], first=first, last=last),
        "duration": text(form, fields["duration"]),
        "hours_per_week": whole_number(
            form, fields["hours_per_week"], low=1, high=MAX_HOURS_PER_WEEK
        ),
        "employer": text(form, fields["employer"]),
        "description": text(form, fields["description"]),
    }


INTERNSHIP_FORM = RowForm(internship_values, internship_fields, validate_internship)


# --- expériences professionnelles --------------------------------------------------


async def experience_values(row: dict | None) -> dict[str, str]:
    if row is None:
        return {}
    return {
        "year": _id(row["year"]),
        "title": row["title"],
        "duration": row["duration"],
        "employer": row["employer"],
        "description": row["description"],
    }


async def experience_fields(values: dict[str, str]) -> Fields:
    """No dependent list here: ``values`` is taken for a uniform signature."""

    def make(name: str, **options) -> FieldView:
        return FieldView(name=name, label=L.label(L.EXPERIENCE, name), **options)

    return {
        "year": make("year", required=True, maxlength=4, inputmode="numeric"),
        "title": make("title", required=True, maxlength=100),
        "duration": make(
            "duration", required=True, maxlength=50, hint=_("Par exemple : 6 mois (CDD)")
        ),
        "employer": make("employer", required=True, maxlength=100),
        "description": make("description", kind="textarea", maxlength=500),
    }


def validate_experience(form: Form, fields: Fields, *, today: date) -> dict:
    first, last = year_bounds(today)
    return {
        "year": year(form, fields["year"], first=first, last=last),
        "title": text(form, fields["title"]),
        "duration": text(form, fields["duration"]),
        "employer": text(form, fields["employer"]),
        "description": text(form, fields["description"]),
    }


EXPERIENCE_FORM = RowForm(experience_values, experience_fields, validate_experience)
