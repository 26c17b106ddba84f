"""The candidate's dossier: identity, address, bac, studies, internships, jobs."""

from __future__ import annotations

from piccolo.columns import (
    Boolean,
    Date,
    ForeignKey,
    Integer,
    OnDelete,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.readable import Readable
from piccolo.constraints import Check, Unique
from piccolo.table import Table

from app.core.code_labels import CivilityChoices, StudyOutcomeChoices
from app.core.codes.dossier import Civility, StudyOutcome
from app.db import one_of
from app.tables.accounts import CandidateAccount
from app.tables.refdata import (
    BacMention,
    BacSerie,
    Commune,
    Country,
    Departement,
    DiplomaType,
    Lycee,
)


class Address(Table, help_text="Adresse postale du candidat."):
    """In France: lines, postal code and commune; abroad: country, lines, city text."""

    country = ForeignKey(Country, on_delete=OnDelete.restrict, null=False)
    line1 = Varchar(length=100, default="")
    line2 = Varchar(length=100, default="")
    line3 = Varchar(length=100, default="")
    postal_code = Varchar(length=10, default="")
    commune = ForeignKey(Commune, null=True, on_delete=OnDelete.restrict)
    foreign_city = Varchar(length=100, default="")

    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(
            template="%s %s %s%s",
            columns=[cls.line1, cls.postal_code, cls.commune.name, cls.foreign_city],
        )


class Candidate(Table, help_text="Identité du candidat (une par compte)."):
    """Candidat: one per account, personal information."""

    account = ForeignKey(CandidateAccount, on_delete=OnDelete.cascade, unique=True, null=False)
    civility = Varchar(length=3, choices=CivilityChoices, null=True, default=None)
    birth_name = Varchar(length=100, default="")
    usual_name = Varchar(length=100, default="")
    first_name = Varchar(length=100, default="")
    other_first_name = Varchar(length=100, default="")
    birth_date = Date(null=True, default=None)
    nationality = ForeignKey(Country, null=True, on_delete=OnDelete.restrict)
    birth_country = ForeignKey(Country, null=True, on_delete=OnDelete.restrict)
    birth_departement = ForeignKey(Departement, null=True, on_delete=OnDelete.restrict)
    birth_commune = ForeignKey(Commune, null=True, on_delete=OnDelete.restrict)
    birth_city_label = Varchar(length=100, default="")
    ine = Varchar(
        length=11,
        null=True,
        default=None,
        index=True,
        help_text="Identifiant national étudiant (11 caractères).",
    )
    phone = Varchar(length=20, default="")  # E.164
    mobile = Varchar(length=20, default="")  # E.164
    address = ForeignKey(Address, null=True, on_delete=OnDelete.set_null)
    from_student_records = Boolean(
        default=False,
        help_text="Identité reprise du logiciel de scolarité : le candidat ne la modifie pas.",
    )  # identity read-only
    # Written with the identity (app.core.identity_key): the desk finds possible
    # duplicates by one indexed equality instead of normalising names in a loop.
    identity_key = Varchar(
        length=255,
        null=True,
        default=None,
        index=True,
        help_text="Nom de naissance, prénom et date de naissance sans accents ni majuscules "
        "(recherche des doublons).",
    )
    ine_held_by_student_at = Timestamptz(
        null=True,
        default=None,
        help_text="Un étudiant de l'université a apporté le même INE à cette date : "
        "compte à vérifier.",
    )

    civility_check = one_of("civility", Civility, nullable=True)

    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(
            template="%s %s (%s)", columns=[cls.birth_name, cls.first_name, cls.account.login]
        )


class Baccalaureate(Table, help_text="Baccalauréat ou équivalence du candidat."):
    """The candidate's one bac, or "sans bac" (série 0000)."""

    candidate = ForeignKey(Candidate, on_delete=OnDelete.cascade, unique=True, null=False)
    year = Integer(null=True, default=None)
    serie = ForeignKey(BacSerie, on_delete=OnDelete.restrict, null=False)
    mention = ForeignKey(BacMention, null=True, on_delete=OnDelete.restrict)
    country = ForeignKey(Country, null=True, on_delete=OnDelete.restrict)
    departement = ForeignKey(Departement, null=True, on_delete=OnDelete.restrict)
    commune = ForeignKey(Commune, null=True, on_delete=OnDelete.restrict)
    lycee = ForeignKey(Lycee, null=True, on_delete=OnDelete.restrict)
    establishment_label = Varchar(length=200, default="")  # abroad: free text
    from_student_records = Boolean(
        default=False,
        help_text="Bac repris du logiciel de scolarité : le candidat ne le modifie pas.",
    )

    year_check = Check("year IS NULL OR (year >= 1900 AND year <= 2100)")

    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(
            template="%s %s (%s)", columns=[cls.serie.label, cls.year, cls.candidate.birth_name]
        )


class PriorStudy(Table, help_text="Cursus externe : études après le bac, hors de l'université."):
    """Cursus externe (post-bac studies elsewhere)."""

    candidate = ForeignKey(Candidate, on_delete=OnDelete.cascade, index=True, null=False)
    year = Integer()
    country = ForeignKey(Country, on_delete=OnDelete.restrict, null=False)
    departement = ForeignKey(Departement, null=True, on_delete=OnDelete.restrict)
    commune = ForeignKey(Commune, null=True, on_delete=OnDelete.restrict)
    establishment_label = Varchar(length=200, default="")
    establishment = ForeignKey(
        Lycee,
        null=True,
        on_delete=OnDelete.restrict,
        help_text="Établissement choisi dans la liste de référence (études en France).",
    )
    diploma_type = ForeignKey(DiplomaType, null=True, on_delete=OnDelete.restrict)
    label = Varchar(length=255)
    outcome = Varchar(length=1, choices=StudyOutcomeChoices)
    mention = ForeignKey(BacMention, null=True, on_delete=OnDelete.restrict)

    outcome_check = one_of("outcome", StudyOutcome)

    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(
            template="%s %s (%s)", columns=[cls.label, cls.year, cls.candidate.birth_name]
        )


class InternalStudy(
    Table, help_text="Cursus interne : inscriptions lues dans le logiciel de scolarité."
):
    """Cursus interne: read-only rows from the student-records system."""

    candidate = ForeignKey(Candidate, on_delete=OnDelete.cascade, index=True, null=False)
    year = Integer()
    programme_code = Varchar(length=30, default="")
    programme_label = Varchar(length=300)
    mark = Varchar(length=10, default="")
    mention = Varchar(length=50, default="")
    result = Varchar(length=50, default="")

    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(
            template="%s %s (%s)", columns=[cls.programme_label, cls.year, cls.candidate.birth_name]
        )


class Internship(Table, help_text="Stages déclarés par le candidat."):
    candidate = ForeignKey(Candidate, on_delete=OnDelete.cascade, index=True, null=False)
    year = Integer()
    duration = Varchar(length=50)
    hours_per_week = Integer(null=True, default=None)
    employer = Varchar(length=100)
    description = Varchar(length=500, default="")

    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(
            template="%s %s (%s)", columns=[cls.employer, cls.year, cls.candidate.birth_name]
        )


class WorkExperience(Table, help_text="Expériences professionnelles déclarées par le candidat."):
    candidate = ForeignKey(Candidate, on_delete=OnDelete.cascade, index=True, null=False)
    year = Integer()
    title = Varchar(length=100)
    duration = Varchar(length=50)
    employer = Varchar(length=100)
    description = Varchar(length=500, default="")

    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(
            template="%s %s (%s)", columns=[cls.title, cls.year, cls.candidate.birth_name]
        )


class DuplicateDismissal(
    Table, help_text="Paires de dossiers marquées « pas un doublon » par la scolarité centrale."
):
    """Two dossiers staff said belong to two different people: the pair no longer shows
    as a possible duplicate. Stored with the lower candidate id first."""

    candidate_low = ForeignKey(Candidate, on_delete=OnDelete.cascade, index=True, null=False)
    candidate_high = ForeignKey(Candidate, on_delete=OnDelete.cascade, index=True, null=False)
    dismissed_by = Integer(null=True, default=None)  # piccolo user id of the staff member
    dismissed_at = Timestamptz(default=TimestamptzNow())

    pair_unique = Unique(["candidate_low", "candidate_high"])
    ordered = Check("candidate_low < candidate_high")

    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(
            template="%s / %s",
            columns=[cls.candidate_low.birth_name, cls.candidate_high.birth_name],
        )
