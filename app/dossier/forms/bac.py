"""« Baccalauréat » (guide §04.3): the bac or an equivalence, or "sans bac" (0000)."""

from __future__ import annotations

from datetime import date

from app.core.i18n import gettext as _
from app.dossier import field_labels as L
from app.dossier import fields as F
from app.dossier.fields import Fields, FieldView, choice, choice_id, text, year
from app.dossier.forms.places import (
    after_departement,
    country_field,
    departement_then_commune,
    in_france,
)
from app.dossier.lookups import Choice, departement_label, france_id
from app.dossier.queries import row_with
from app.dossier.school_lookups import (
    lycee_choices,
    mention_choices,
    no_bac_serie_id,
    serie_choices,
)
from app.input_rules import is_ascii_digits
from app.tables.dossier import Baccalaureate
from app.web.forms import Form

BLOCK = "bloc-bac"
HAS_BAC, NO_BAC = "oui", "non"
LABEL_MAX = 200
OLDEST_BAC_YEARS = 100


def _id(value: int | None) -> str:
    return "" if value is None else str(value)


async def initial_values(bac: dict | None) -> dict[str, str]:
    if bac is None:
        return {}
    if bac["serie"] == await no_bac_serie_id():
        return {"has_bac": NO_BAC, "no_bac": _id(bac["serie"])}
    return {
        "has_bac": HAS_BAC,
        "year": _id(bac["year"]),
        "serie": _id(bac["serie"]),
        "mention": _id(bac["mention"]),
        "country": _id(bac["country"]),
        "departement": _id(bac["departement"]),
        "commune": _id(bac["commune"]),
        "lycee": _id(bac["lycee"]),
        "establishment_label": bac["establishment_label"],
    }


async def displayed_values(bac_id: int) -> dict[str, str]:
    """An imported bac is shown as text."""
    row = await row_with(
        Baccalaureate,
        bac_id,
        serie_code=Baccalaureate.serie.code,
        serie_label=Baccalaureate.serie.label,
        mention_label=Baccalaureate.mention.label,
        country_name=Baccalaureate.country.name_fr,
        departement_code=Baccalaureate.departement.code,
        departement_name=Baccalaureate.departement.name,
        commune_name=Baccalaureate.commune.name,
        lycee_name=Baccalaureate.lycee.name,
    )
    no_bac = row["serie_code"] == "0000"
    departement = ""
    if row["departement_code"]:
        departement = departement_label(
            {"code": row["departement_code"], "name": row["departement_name"]}
        )
    return {
        "has_bac": _("Je n'ai pas le Bac") if no_bac else _("J'ai le Bac ou une équivalence"),
        "no_bac": no_bac_label() if no_bac else "",
        "year": _id(row["year"]),
        "serie": row["serie_label"],
        "mention": row["mention_label"] or "",
        "country": row["country_name"] or "",
        "departement": departement,
        "commune": row["commune_name"] or "",
        "lycee": row["lycee_name"] or row["establishment_label"],
        "establishment_label": row["establishment_label"],
    }


def no_bac_label() -> str:
    """The one situation offered without the bac, worded as the guide shows it
    (§04.3: "Sélectionnez 0000-sans bac et enregistrez")."""
    return _("0000-sans bac")


async def _no_bac_field(make) -> FieldView:
    """ "Précisez votre situation": a list holding only 0000, to be chosen, as in the
    guide; its value is the série's id, like the série list's."""
    serie_id = await no_bac_serie_id()
    return F.required_select(
        make,
        "no_bac",
        [] if serie_id is None else [Choice(str(serie_id), no_bac_label())],
        _("Sélectionnez votre situation"),
    )


def _valid_year(value: str, today: date) -> int | None:
    value = value.strip()
    if len(value) == 4 and is_ascii_digits(value):
        number = int(value)
        if today.year - OLDEST_BAC_YEARS <= number <= today.year:
            return number
    return None


async def build_fields(
    values: dict[str, str], *, today: date, locked: str = "", shown: dict | None = None
) -> Fields:
    shown = shown or {}

    def make(name: str, **options) -> FieldView:
        view = FieldView(name=name, label=L.label(L.BAC, name), **options)
        if locked:
            view.locked, view.display = locked, shown.get(name, "")
        return view

    fields: Fields = {
        "has_bac": make(
            "has_bac",
            kind="radios",
            required=True,
            choices=[
                Choice(HAS_BAC, _("J'ai le Bac ou une équivalence")),
                Choice(NO_BAC, _("Je n'ai pas le Bac")),
            ],
            refreshes=BLOCK,
        )
    }
    if values.get("has_bac") == NO_BAC:
        fields["no_bac"] = await _no_bac_field(make)
    if values.get("has_bac") != HAS_BAC:
        return fields
    if "country" not in values and not locked:
        # The details appear once "J'ai le Bac" is chosen: France preselected, as in
        # the guide's forms (written into the form's values so the page shows it).
        values["country"] = _id(await france_id())
    bac_year = _valid_year(values.get("year", ""), today)
    fields["year"] = make("year", required=True, maxlength=4, inputmode="numeric", refreshes=BLOCK)
    fields["serie"] = make(
        "serie",
        kind="select",
        required=True,
        choices=[] if locked else await serie_choices(bac_year),
        empty_label=_("Sélectionnez une série")
        if bac_year
        else _("Saisissez d'abord l'année d'obtention"),
        hint=_("La liste de série du bac se met à jour avec l'année d'obtention."),
    )
    fields["mention"] = make(
        "mention",
        kind="select",
        choices=[] if locked else await mention_choices(),
        empty_label=_("Sans mention ou non connue"),
    )
    fields["country"] = await country_field(make, refreshes=BLOCK, locked=bool(locked))
    country = values.get("country", "")
    if await in_france(country):
        await _french_place(fields, values, make, locked)
    elif country:
        fields["establishment_label"] = make(
            "establishment_label", required=True, maxlength=LABEL_MAX
        )
    return fields


async def _french_place(fields: Fields, values: dict, make, locked: str) -> None:
    """Département → commune → lycée, each list narrowed by the previous choice."""
    departement_id, commune_id = await departement_then_commune(
        fields, values, make, refreshes=BLOCK, commune_refreshes=BLOCK, locked=bool(locked)
    )
    lycees = (
        await lycee_choices(commune_id=commune_id, departement_id=departement_id)
        if departement_id and not locked
        else []
    )
    if departement_id and not lycees and not locked:
        # No lycée of this département in the reference list (some overseas
        # collectivities): the establishment is typed.
        fields["establishment_label"] = make(
            "establishment_label", required=True, maxlength=LABEL_MAX
        )
        return
    fields["lycee"] = F.required_select(
        make, "lycee", lycees, after_departement(departement_id, _("Sélectionnez un établissement"))
    )


async def validate(form: Form, fields: Fields, *, today: date) -> dict:
    """The typed Baccalaureate columns; messages in ``form``."""
    situation = choice(form, fields["has_bac"])
    empty = {
        "year": None,
        "mention": None,
        "country": None,
        "departement": None,
        "commune": None,
        "lycee": None,
        "establishment_label": "",
    }
    if situation == NO_BAC:
        serie = choice_id(form, fields["no_bac"]) if "no_bac" in fields else None
        return {**empty, "serie": serie} if serie else {}
    if situation != HAS_BAC:
        return {}
    changes = dict(empty)
    changes["year"] = year(
        form, fields["year"], first=today.year - OLDEST_BAC_YEARS, last=today.year
    )
    serie = fields["serie"]
    chosen = form.values.get("serie", "").strip()
    if changes["year"] and chosen and chosen not in {c.value for c in serie.choices}:
        form.add_error(
            "serie",
            _(
                "Le champ « %(label)s » : cette série n'était pas délivrée en %(year)d, "
                "choisissez-en une de la liste.",
                label=serie.label,
                year=changes["year"],
            ),
        )
        changes["serie"] = None
    elif changes["year"] or not chosen:
        changes["serie"] = choice_id(form, serie)
    changes["mention"] = choice_id(form, fields["mention"])
    changes["country"] = choice_id(form, fields["country"])
    for name in ("departement", "commune", "lycee"):
        if name in fields:
            changes[name] = choice_id(form, fields[name])
    if "establishment_label" in fields:
        changes["establishment_label"] = text(form, fields["establishment_label"])
    return changes
