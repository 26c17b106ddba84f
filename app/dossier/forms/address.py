"""« Adresse » (guide §04.2): in France, lines, postal code and a commune of that postal
code; abroad, the country, lines and the city as typed."""

from __future__ import annotations

import re

from app.core.i18n import gettext as _
from app.dossier import field_labels as L
from app.dossier.fields import Fields, FieldView, choice_id, required_select, text
from app.dossier.forms.places import country_field, in_france
from app.dossier.lookups import communes_for_postal_code, france_id
from app.input_rules import is_ascii_digits
from app.web.forms import Form

BLOCK = "bloc-adresse"
LINE_MAX = 100


async def initial_values(address: dict | None) -> dict[str, str]:
    if address is None:
        return {"country": str(await france_id() or "")}
    return {
        "country": str(address["country"]),
        "line1": address["line1"],
        "line2": address["line2"],
        "line3": address["line3"],
        "postal_code": address["postal_code"],
        "commune": "" if address["commune"] is None else str(address["commune"]),
        "foreign_city": address["foreign_city"],
    }


def _postal_code(value: str) -> str:
    return re.sub(r"\s+", "", value)


async def build_fields(values: dict[str, str]) -> Fields:
    def make(name: str, **options) -> FieldView:
        return FieldView(name=name, label=L.label(L.ADDRESS, name), **options)

    fields: Fields = {
        "country": await country_field(make, refreshes=BLOCK, autocomplete="off"),
        "line1": make(
            "line1",
            required=True,
            maxlength=LINE_MAX,
            autocomplete="address-line1",
            hint=_("Numéro et voie, par exemple : 12 rue des Lois"),
        ),
        "line2": make("line2", maxlength=LINE_MAX, autocomplete="address-line2"),
        "line3": make("line3", maxlength=LINE_MAX, autocomplete="address-line3"),
    }
    country = values.get("country", "")
    if await in_france(country):
        code = _postal_code(values.get("postal_code", ""))
        communes = await communes_for_postal_code(code)
        if len(code) == 5 and is_ascii_digits(code):
            empty = (
                _("Sélectionnez une commune")
                if communes
                else _("Aucune commune ne correspond à ce code postal")
            )
        else:
            empty = _("Saisissez d'abord le code postal")
        fields["postal_code"] = make(
            "postal_code",
            required=True,
            maxlength=10,  # "31 000" is typed too
            inputmode="numeric",
            autocomplete="postal-code",
            refreshes=BLOCK,
        )
        fields["commune"] = required_select(make, "commune", communes, empty)
    elif country:
        fields["foreign_city"] = make(
            "foreign_city",
            required=True,
            maxlength=LINE_MAX,
            autocomplete="address-level2",
            hint=_("Avec le code postal s'il y en a un."),
        )
    return fields


def validate(form: Form, fields: Fields) -> dict:
    """The typed Address columns; messages in ``form``."""
    changes: dict = {
        "country": choice_id(form, fields["country"]),
        "line1": text(form, fields["line1"]),
        "line2": text(form, fields["line2"]),
        "line3": text(form, fields["line3"]),
        "postal_code": "",
        "commune": None,
        "foreign_city": "",
    }
    if "postal_code" in fields:
        code = _postal_code(text(form, fields["postal_code"]))
        if code and not re.fullmatch(r"\d{5}", code):
            form.add_error(
                "postal_code",
                _(
                    "Le champ « %(label)s » doit contenir 5 chiffres.",
                    label=fields["postal_code"].label,
                ),
            )
            code = ""
        changes["postal_code"] = code
        commune = fields["commune"]
        chosen = form.values.get("commune", "").strip()
        if code and chosen and chosen not in {c.value for c in commune.choices}:
            form.add_error(
                "commune",
                _(
                    "Le champ « %(label)s » doit être une commune du code postal %(code)s.",
                    label=commune.label,
                    code=code,
                ),
            )
        elif code or not chosen:
            changes["commune"] = choice_id(form, commune)
    elif "foreign_city" in fields:
        changes["foreign_city"] = text(form, fields["foreign_city"])
    return changes
