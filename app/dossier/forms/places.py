"""The places of the dossier (birth place, address, bac, prior study): the country, and
in France the département → commune cascade. The commune list holds the chosen
département's communes only, and a choice counts only when its list offered it (a
commune of another département, typed by hand, is no choice)."""

from __future__ import annotations

from collections.abc import Callable

from app.core.i18n import gettext as _
from app.dossier.fields import Fields, FieldView, required_select
from app.dossier.lookups import (
    Choice,
    commune_choices,
    country_choices,
    departement_choices,
    france_id,
)


async def country_field(
    make: Callable[..., FieldView], *, refreshes: str, locked: bool = False, **options
) -> FieldView:
    """The country list (France first); choosing one refreshes the block ``refreshes``,
    which shows the fields of a place in France or abroad."""
    return required_select(
        make,
        options.pop("name", "country"),
        [] if locked else await country_choices(),
        _("Sélectionnez un pays"),
        refreshes=refreshes,
        **options,
    )


async def in_france(chosen: str | None) -> bool:
    """Whether the chosen country is France."""
    return bool(chosen) and chosen == str(await france_id())


def after_departement(departement_id: int | None, empty_label: str) -> str:
    """The first option of a list narrowed by the département: until one is chosen, it
    says to choose it first."""
    return empty_label if departement_id else _("Choisissez d'abord le département")


def offered_id(value: str, choices: list[Choice]) -> int | None:
    """The id chosen, when the list offered it; None otherwise."""
    return int(value) if any(c.value == value for c in choices) else None


async def departement_then_commune(
    fields: Fields,
    values: dict[str, str],
    make: Callable[..., FieldView],
    *,
    refreshes: str,
    departement: str = "departement",
    commune: str = "commune",
    commune_refreshes: str = "",
    commune_hint: str = "",
    locked: bool = False,
) -> tuple[int | None, int | None]:
    """Add the two select fields (named ``departement`` and ``commune``) to ``fields``
    and return the chosen département's and commune's ids. Choosing a département
    refreshes the block ``refreshes`` (htmx swaps it, the refresh button without JS),
    which narrows the communes; a locked place offers no list."""
    departements = [] if locked else await departement_choices()
    fields[departement] = required_select(
        make, departement, departements, _("Sélectionnez un département"), refreshes=refreshes
    )
    departement_id = offered_id(values.get(departement, ""), departements)
    communes = [] if locked else await commune_choices(departement_id)
    fields[commune] = required_select(
        make,
        commune,
        communes,
        after_departement(departement_id, _("Sélectionnez une commune")),
        refreshes=commune_refreshes,
        hint=commune_hint,
    )
    return departement_id, offered_id(values.get(commune, ""), communes)
