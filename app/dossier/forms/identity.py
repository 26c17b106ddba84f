"""« Informations personnelles » (guide §04.1)."""

from __future__ import annotations

from datetime import date

from app.core.code_labels import CIVILITY
from app.core.dates import french_date_text
from app.core.i18n import gettext as _
from app.dossier import field_labels as L
from app.dossier.fields import (
    Fields,
    FieldView,
    choice,
    choice_id,
    display_phone,
    french_date,
    phone,
    required_select,
    text,
    years_before,
)
from app.dossier.forms.places import country_field, departement_then_commune, in_france
from app.dossier.ine import is_valid_ine, normalise_ine
from app.dossier.lookups import (
    NATIONALITY_COLUMNS,
    Choice,
    departement_label,
    france_id,
    nationality_choices,
    nationality_label,
)
from app.dossier.queries import row_with
from app.tables.dossier import Candidate
from app.tables.refdata import Commune
from app.web.forms import Form

PLACE_BLOCK = "lieu-naissance"
NAME_MAX = 100


def civility_choices() -> list[Choice]:
    return [Choice(code.value, _(label)) for code, label in CIVILITY.items()]


def _id(value: int | None) -> str:
    return "" if value is None else str(value)


async def initial_values(candidate: dict) -> dict[str, str]:
    """The stored dossier as the form shows it. Born in France unless told otherwise:
    the guide's form starts on FRANCE."""
    country = candidate["birth_country"]
    if country is None and not candidate["birth_city_label"]:
        country = await france_id()
    return {
        "nationality": _id(candidate["nationality"]),
        "ine": candidate["ine"] or "",
        "civility": candidate["civility"] or "",
        "birth_name": candidate["birth_name"],
        "usual_name": candidate["usual_name"],
        "first_name": candidate["first_name"],
        "other_first_name": candidate["other_first_name"],
        "birth_date": french_date_text(candidate["birth_date"]),
        "birth_country": _id(country),
        "birth_departement": _id(candidate["birth_departement"]),
        "birth_commune": _id(candidate["birth_commune"]),
        "birth_city_label": candidate["birth_city_label"],
        "phone": display_phone(candidate["phone"]),
        "mobile": display_phone(candidate["mobile"]),
    }


async def displayed_values(candidate_id: int) -> dict[str, str]:
    """Locked fields are shown as text: the stored values with their labels."""
    row = await row_with(
        Candidate,
        candidate_id,
        **{f"nat_{name}": getattr(Candidate.nationality, name) for name in NATIONALITY_COLUMNS},
        country_name=Candidate.birth_country.name_fr,
        departement_code=Candidate.birth_departement.code,
        departement_name=Candidate.birth_departement.name,
        commune_name=Candidate.birth_commune.name,
    )
    civilities = {c.value: c.label for c in civility_choices()}
    nationality = ""
    if row["nationality"] is not None:
        nationality = nationality_label({name: row[f"nat_{name}"] for name in NATIONALITY_COLUMNS})
    departement = ""
    if row["departement_code"]:
        departement = departement_label(
            {"code": row["departement_code"], "name": row["departement_name"]}
        )
    return {
        "nationality": nationality,
        "ine": row["ine"] or "",
        "civility": civilities.get(row["civility"] or "", ""),
        "birth_name": row["birth_name"],
        "usual_name": row["usual_name"],
        "first_name": row["first_name"],
        "other_first_name": row["other_first_name"],
        "birth_date": french_date_text(row["birth_date"]),
        "birth_country": row["country_name"] or "",
        "birth_departement": departement,
        "birth_commune": row["commune_name"] or row["birth_city_label"],
        "birth_city_label": row["birth_city_label"],
        "phone": display_phone(row["phone"]),
        "mobile": display_phone(row["mobile"]),
    }


async def build_fields(
    values: dict[str, str], locks: dict[str, str], shown: dict[str, str]
) -> Fields:
    """The fields in page order; the birth place depends on the chosen country and
    département (lists narrowed on refresh)."""

    def make(name: str, **options) -> FieldView:
        view = FieldView(name=name, label=L.label(L.IDENTITY, name), **options)
        if name in locks:
            view.locked, view.display = locks[name], shown.get(name, "")
        return view

    fields: Fields = {}
    fields["nationality"] = required_select(
        make,
        "nationality",
        await nationality_choices() if "nationality" not in locks else [],
        _("Sélectionnez votre nationalité"),
    )
    fields["ine"] = make(
        "ine",
        maxlength=20,
        hint=_(
            "L'INE correspond au code INE et sa clé (tout attaché : sans espace, ni tiret). "
            "Vous le trouverez sur vos derniers relevés de notes, votre carte étudiante ou "
            "votre relevé de notes du baccalauréat. Sans diplôme français, laissez ce champ vide."
        ),
    )
    fields["civility"] = required_select(
        make, "civility", civility_choices(), _("Sélectionnez une civilité")
    )
    fields["birth_name"] = make(
        "birth_name", required=True, maxlength=NAME_MAX, autocomplete="family-name"
    )
    fields["usual_name"] = make("usual_name", maxlength=NAME_MAX)
    fields["first_name"] = make(
        "first_name", required=True, maxlength=NAME_MAX, autocomplete="given-name"
    )
    fields["other_first_name"] = make(
        "other_first_name", maxlength=NAME_MAX, autocomplete="additional-name"
    )
    fields["birth_date"] = make(
        "birth_date", required=True, hint=_("Par exemple : 17/05/2004"), autocomplete="bday"
    )
    place_locked = "birth_country" in locks
    fields["birth_country"] = await country_field(
        make, name="birth_country", refreshes=PLACE_BLOCK, locked=place_locked
    )
    if await in_france(values.get("birth_country")):
        await departement_then_commune(
            fields,
            values,
            make,
            refreshes=PLACE_BLOCK,
            departement="birth_departement",
            commune="birth_commune",
            commune_hint=_("Les anciennes communes (fusionnées depuis) figurent dans la liste."),
            locked=place_locked,
        )
    elif values.get("birth_country"):
        fields["birth_city_label"] = make("birth_city_label", required=True, maxlength=NAME_MAX)
    fields["phone"] = make("phone", autocomplete="tel", inputmode="tel", maxlength=30)
    fields["mobile"] = make("mobile", autocomplete="tel", inputmode="tel", maxlength=30)
    return fields


def _birth_date(form: Form, f: FieldView, today: date) -> date | None:
    born = french_date(form, f)
    if born is None:
        return None
    oldest, youngest = years_before(today, 100), years_before(today, 10)
    if not oldest <= born <= youngest:
        form.add_error(
            f.name,
            _(
                "Le champ « %(label)s » doit être une date comprise entre le %(first)s et le "
                "%(last)s : il faut avoir entre 10 et 100 ans.",
                label=f.label,
                first=french_date_text(oldest),
                last=french_date_text(youngest),
            ),
        )
        return None
    return born


async def _birth_place(form: Form, fields: Fields) -> dict:
    """In France a département and a commune of the list (the commune's name is kept
    as the city label); abroad the city as typed."""
    place = {
        "birth_country": choice_id(form, fields["birth_country"]),
        "birth_departement": None,
        "birth_commune": None,
        "birth_city_label": "",
    }
    if "birth_commune" in fields:
        place["birth_departement"] = choice_id(form, fields["birth_departement"])
        commune = choice_id(form, fields["birth_commune"])
        if commune is not None:
            row = await Commune.select(Commune.name).where(Commune.id == commune).first()
            place["birth_commune"], place["birth_city_label"] = commune, row["name"]
    elif "birth_city_label" in fields:
        place["birth_city_label"] = text(form, fields["birth_city_label"])
    return place


async def validate(form: Form, fields: Fields, stored: dict, *, today: date) -> dict:
    """The typed values of the editable fields (Candidate columns); messages in ``form``."""
    editable = {name: f for name, f in fields.items() if not f.locked}
    changes: dict = {}
    if "nationality" in editable:
        changes["nationality"] = choice_id(form, editable["nationality"])
    if "ine" in editable:
        raw = text(form, editable["ine"])
        ine = normalise_ine(raw)
        if ine and not is_valid_ine(ine):
            form.add_error(
                "ine",
                _(
                    "Le champ « %(label)s » n'est pas valide : il faut les 11 caractères de "
                    "l'INE, clé comprise (par exemple 0123456789M).",
                    label=editable["ine"].label,
                ),
            )
        changes["ine"] = ine or None
    if "civility" in editable:
        changes["civility"] = choice(form, editable["civility"]) or None
    for name in ("birth_name", "usual_name"):
        if name in editable:
            changes[name] = text(form, editable[name]).upper()
    for name in ("first_name", "other_first_name"):
        if name in editable:
            changes[name] = text(form, editable[name])
    if "birth_date" in editable:
        changes["birth_date"] = _birth_date(form, editable["birth_date"], today)
    if "birth_country" in editable:
        changes.update(await _birth_place(form, fields))
    for name in ("phone", "mobile"):
        if name in editable:
            changes[name] = phone(form, editable[name], stored=stored[name])
    return changes
