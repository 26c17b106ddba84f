"""French reference data (see refdata/README.md for sources and licences)."""

from __future__ import annotations

from piccolo.columns import Boolean, ForeignKey, Integer, OnDelete, Text, Varchar
from piccolo.columns.readable import Readable
from piccolo.constraints import Unique
from piccolo.table import Table

from app.db import one_of


class Country(
    Table,
    tablename="ref_country",
    help_text="Pays et territoires (code officiel géographique de l'Insee).",
):
    """INSEE COG country or territory (code 99xxx; France is 99100)."""

    cog_code = Varchar(length=5, unique=True)
    iso2 = Varchar(length=2, null=True, default=None, index=True)
    iso3 = Varchar(length=3, null=True, default=None)
    name_fr = Varchar(length=100)
    name_en = Varchar(length=100, null=True, default=None)
    nationality_fr = Varchar(length=100, null=True, default=None)
    nationality_en = Varchar(length=100, null=True, default=None)
    kind = Varchar(length=10, default="country")

    kind_check = one_of("kind", ["country", "territory", "historical"])

    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s", columns=[cls.name_fr])


class Departement(
    Table, tablename="ref_departement", help_text="Départements et collectivités d'outre-mer."
):
    code = Varchar(length=3, unique=True)
    name = Varchar(length=100)
    region_code = Varchar(length=3, null=True, default=None)
    zone = Varchar(length=5)

    zone_check = one_of("zone", ["metro", "drom", "com"])

    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s — %s", columns=[cls.code, cls.name])


class Commune(
    Table,
    tablename="ref_commune",
    help_text="Communes (y compris déléguées, associées et arrondissements).",
):
    """A commune, including former (déléguée, associée) ones and arrondissements."""

    insee_code = Varchar(length=5, index=True)
    kind = Varchar(length=25)
    name = Varchar(length=100, index=True)
    departement = ForeignKey(Departement, on_delete=OnDelete.restrict, index=True, null=False)
    postal_codes = Varchar(length=200, default="")
    parent_code = Varchar(length=5, null=True, default=None)
    former_codes = Text(default="")

    commune_code_kind_unique = Unique(["insee_code", "kind"])
    kind_check = one_of(
        "kind",
        ["commune-actuelle", "commune-deleguee", "commune-associee", "arrondissement-municipal"],
    )

    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s (%s)", columns=[cls.name, cls.departement.code])


class Lycee(Table, tablename="ref_lycee", help_text="Lycées (répertoire des établissements)."):
    uai = Varchar(length=8, unique=True)
    name = Varchar(length=200, index=True)
    city = Varchar(length=100, default="")
    postal_code = Varchar(length=10, default="", index=True)
    country_iso2 = Varchar(length=2, default="FR")

    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s (%s)", columns=[cls.name, cls.city])


class BacSerie(
    Table, tablename="ref_bac_serie", help_text="Séries du baccalauréat et équivalences."
):
    code = Varchar(length=10, unique=True)
    label = Varchar(length=200)
    kind = Varchar(length=1)
    first_year = Integer(null=True, default=None)
    last_year = Integer(null=True, default=None)
    verified = Boolean(default=False)

    kind_check = one_of("kind", ["G", "T", "P", "X", "E"])

    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s", columns=[cls.label])


class BacMention(Table, tablename="ref_bac_mention", help_text="Mentions (bac et diplômes)."):
    code = Varchar(length=5, unique=True)
    label = Varchar(length=100)
    min_average = Integer(null=True, default=None)

    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s", columns=[cls.label])


class DiplomaType(
    Table, tablename="ref_diploma_type", help_text="Types de formation des cursus externes."
):
    code = Varchar(length=5, unique=True)
    label = Varchar(length=200)

    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s", columns=[cls.label])
