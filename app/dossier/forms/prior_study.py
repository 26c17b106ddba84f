"""Cursus externe (guide §04.4): post-bac studies elsewhere, one row per year.

In France the "Etablissement" is chosen from the reference list (the commune's first,
then the rest of the département), as the bac's lycée is; its name is typed only for
an establishment absent from the list (universities are not in it yet) and abroad.
"""

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
from app.dossier.forms.row_sections import RowForm, outcome_choices, year_bounds
from app.dossier.lookups import Choice, france_id
from app.dossier.school_lookups import diploma_type_choices, lycee_choices, mention_choices
from app.tables.refdata import Lycee
from app.web.forms import Form

PRIOR_STUDY_BLOCK = "bloc-cursus"
OTHER_ESTABLISHMENT = "autre"
"""The establishment list's last option: one that is not in the list."""
ESTABLISHMENT_LABEL_MAX = 200  # PriorStudy.establishment_label


def _id(value: int | None) -> str:
    return "" if value is None else str(value)


async def prior_study_values(row: dict | None) -> dict[str, str]:
    if row is None:
        return {"country": _id(await france_id())}
    in_france = _id(row["country"]) == _id(await france_id())
    establishment = _id(row["establishment"])
    if in_france and not establishment and row["establishment_label"]:
        establishment = OTHER_ESTABLISHMENT  # typed before the list existed, or not in it
    return {
        "country": _id(row["country"]),
        "departement": _id(row["departement"]),
        "commune": _id(row["commune"]),
        "establishment": establishment,
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

    fields: Fields = {"country": await country_field(make, refreshes=PRIOR_STUDY_BLOCK)}
    if await in_france(values.get("country")):
        await _french_place(fields, values, make)
    else:
        fields["establishment_label"] = make(
            "establishment_label",
            required=True,
            maxlength=ESTABLISHMENT_LABEL_MAX,
            hint=_("Par exemple : Université de Toulouse"),
        )
    fields["year"] = make("year", required=True, maxlength=4, inputmode="numeric")
    fields["diploma_type"] = F.required_select(
        make, "diploma_type", await diploma_type_choices(), _("Sélectionnez une formation")
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
    fields["outcome"] = F.required_select(
        make, "outcome", outcome_choices(), _("Sélectionnez un résultat")
    )
    fields["mention"] = make(
        "mention",
        kind="select",
        choices=await mention_choices(),
        empty_label=_("Sans mention ou non connue"),
    )
    return fields


async def _french_place(fields: Fields, values: dict, make) -> None:
    """Département → commune → établissement, each list narrowed by the previous
    choice (each refreshes the block: htmx swaps it, the refresh button without JS)."""
    departement_id, commune_id = await departement_then_commune(
        fields, values, make, refreshes=PRIOR_STUDY_BLOCK, commune_refreshes=PRIOR_STUDY_BLOCK
    )
    lycees = await lycee_choices(commune_id=commune_id, departement_id=departement_id)
    if departement_id and not lycees:
        # No establishment of this département in the list (some overseas
        # collectivities): the name is typed.
        fields["establishment_label"] = make(
            "establishment_label", required=True, maxlength=ESTABLISHMENT_LABEL_MAX
        )
        return
    grouped = any(c.group for c in lycees)  # then every option sits in an optgroup
    other = Choice(
        OTHER_ESTABLISHMENT,
        _("Autre établissement (absent de la liste)"),
        group=_("Établissement absent de la liste") if grouped else "",
    )
    fields["establishment"] = F.required_select(
        make,
        "establishment",
        [*lycees, other] if departement_id else [],
        after_departement(departement_id, _("Sélectionnez un établissement")),
        refreshes=PRIOR_STUDY_BLOCK,
    )
    if values.get("establishment") == OTHER_ESTABLISHMENT:
        fields["establishment_label"] = FieldView(
            name="establishment_label",
            label=_("Nom de l'établissement"),
            required=True,
            maxlength=ESTABLISHMENT_LABEL_MAX,
            hint=_("Par exemple : Université de Toulouse"),
        )


async def _establishment(form: Form, fields: Fields) -> dict:
    """The establishment columns: a row of the list, with its name kept as the label
    (which the lists, the review desk and the exports show), or a typed name."""
    if "establishment" not in fields:
        return {
            "establishment": None,
            "establishment_label": text(form, fields["establishment_label"]),
        }
    chosen = choice(form, fields["establishment"])
    if chosen == OTHER_ESTABLISHMENT:
        if "establishment_label" not in fields:
            return {"establishment": None, "establishment_label": ""}
        return {
            "establishment": None,
            "establishment_label": text(form, fields["establishment_label"]),
        }
    if not chosen:
        return {"establishment": None, "establishment_label": ""}
    row = await Lycee.select(Lycee.name).where(Lycee.id == int(chosen)).first()
    return {"establishment": int(chosen), "establishment_label": row["name"] if row else ""}


async def validate_prior_study(form: Form, fields: Fields, *, today: date) -> dict:
    first, last = year_bounds(today)
    return {
        "country": choice_id(form, fields["country"]),
        "departement": choice_id(form, fields["departement"]) if "departement" in fields else None,
        "commune": choice_id(form, fields["commune"]) if "commune" in fields else None,
        **await _establishment(form, fields),
        "year": year(form, fields["year"], first=first, last=last),
        "diploma_type": choice_id(form, fields["diploma_type"]),
        "label": text(form, fields["label"]),
        "outcome": choice(form, fields["outcome"]),
        "mention": choice_id(form, fields["mention"]),
    }


PRIOR_STUDY_FORM = RowForm(prior_study_values, prior_study_fields, validate_prior_study)
