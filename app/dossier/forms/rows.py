"""The many-rows sections: cursus externe (§04.4), stages and expériences (§04.5)."""

from __future__ import annotations

from datetime import date

from app.code_labels import STUDY_OUTCOME
from app.dossier import labels as L
from app.dossier.fields import (
    Choice,
    Fields,
    FieldView,
    choice,
    choice_id,
    text,
    whole_number,
    year,
)
from app.dossier.lookups import (
    commune_choices,
    country_choices,
    departement_choices,
    diploma_type_choices,
    france_id,
    mention_choices,
)
from app.web.forms import Form
from app.web.i18n import gettext as _

PRIOR_STUDY_BLOCK = "bloc-cursus"
OLDEST_YEARS = 100
MAX_HOURS_PER_WEEK = 80
# The textarea fields (kind="textarea" below): the only ones that may span lines.
MULTILINE_FIELDS = frozenset({"description"})


def _id(value: int | None) -> str:
    return "" if value is None else str(value)


def outcome_choices() -> list[Choice]:
    return [Choice(code.value, _(label)) for code, label in STUDY_OUTCOME.items()]


def year_bounds(today: date) -> tuple[int, int]:
    """From a century ago to next year (a year in progress may end next year)."""
    return today.year - OLDEST_YEARS, today.year + 1


# --- cursus externe ------------------------------------------------------------------


async def prior_study_values(row: dict | None) -> dict[str, str]:
    if row is None:
        return {"country": _id(await france_id())}
    return {
        "country": _id(row["country"]),
        "departement": _id(row["departement"]),
        "commune": _id(row["commune"]),
        "establishment_label": row["establishment_label"],
        "year": _id(row["year"]),
        "diploma_type": _id(row["diploma_type"]),
        "label": row["label"],
        "outcome": row["outcome"],
        "mention": _id(row["mention"]),
    }


async def prior_study_fields(values: dict[str, str]) -> Fields:
    def make(name: str, **options) -> FieldView:
        return FieldView(name=name, label=L.label(L.PRIOR_STUDY, name), **options)

    fields: Fields = {
        "country": make(
            "country",
            kind="select",
            required=True,
            choices=await country_choices(),
            empty_label=_("Sélectionnez un pays"),
            refreshes=PRIOR_STUDY_BLOCK,
        )
    }
    if values.get("country") and values["country"] == _id(await france_id()):
        departements = await departement_choices()
        fields["departement"] = make(
            "departement",
            kind="select",
            required=True,
            choices=departements,
            empty_label=_("Sélectionnez un département"),
            refreshes=PRIOR_STUDY_BLOCK,
        )
        chosen = values.get("departement", "")
        departement_id = int(chosen) if any(c.value == chosen for c in departements) else None
        fields["commune"] = make(
            "commune",
            kind="select",
            required=True,
            choices=await commune_choices(departement_id),
            empty_label=_("Sélectionnez une commune")
            if departement_id
            else _("Choisissez d'abord le département"),
        )
    fields["establishment_label"] = make(
        "establishment_label",
        required=True,
        maxlength=200,
        hint=_("Par exemple : Université de Toulouse"),
    )
    fields["year"] = make("year", required=True, maxlength=4, inputmode="numeric")
    fields["diploma_type"] = make(
        "diploma_type",
        kind="select",
        required=True,
        choices=await diploma_type_choices(),
        empty_label=_("Sélectionnez une formation"),
    )
    fields["label"] = make(
        "label",
        required=True,
        maxlength=255,
        hint=_(
            "Indiquez le libellé de la formation en respectant le modèle suivant : Niveau, "
            "Mention, Spécialité (s'il y a lieu), Parcours (s'il y a lieu). Exemple pour une "
            "première année de Master : M1, Droit de l'entreprise, Droit Social européen et "
            "comparé. Exemple pour une première année de DUT ou BTS : DUT1, "
            "Information-Communication ou BTS1, Information-Communication."
        ),
    )
    fields["outcome"] = make(
        "outcome",
        kind="select",
        required=True,
        choices=outcome_choices(),
        empty_label=_("Sélectionnez un résultat"),
    )
    fields["mention"] = make(
        "mention",
        kind="select",
        choices=await mention_choices(),
        empty_label=_("Sans mention ou non connue"),
    )
    return fields


def validate_prior_study(form: Form, fields: Fields, *, today: date) -> dict:
    first, last = year_bounds(today)
    return {
        "country": choice_id(form, fields["country"]),
        "departement": choice_id(form, fields["departement"]) if "departement" in fields else None,
        "commune": choice_id(form, fields["commune"]) if "commune" in fields else None,
        "establishment_label": text(form, fields["establishment_label"]),
        "year": year(form, fields["year"], first=first, last=last),
        "diploma_type": choice_id(form, fields["diploma_type"]),
        "label": text(form, fields["label"]),
        "outcome": choice(form, fields["outcome"]),
        "mention": choice_id(form, fields["mention"]),
    }


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
