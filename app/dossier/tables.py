"""The candidate's dossier: identity, address, bac, studies, internships, jobs."""

from __future__ import annotations

from piccolo.columns import (
    Boolean,
    Date,
    ForeignKey,
    Integer,
    OnDelete,
    Varchar,
)
from piccolo.constraints import Check
from piccolo.table import Table

from app.accounts.tables import CandidateAccount
from app.db import one_of
from app.dossier.codes import Civility, StudyOutcome
from app.refdata.tables import (
    BacMention,
    BacSerie,
    Commune,
    Country,
    Departement,
    DiplomaType,
    Lycee,
)


class Address(Table):
    """In France: lines, postal code and commune; abroad: country, lines, city text."""

    country = ForeignKey(Country, on_delete=OnDelete.restrict, null=False)
    line1 = Varchar(length=100, default="")
    line2 = Varchar(length=100, default="")
    line3 = Varchar(length=100, default="")
    postal_code = Varchar(length=10, default="")
    commune = ForeignKey(Commune, null=True, on_delete=OnDelete.restrict)
    foreign_city = Varchar(length=100, default="")


class Candidate(Table):
    """Candidat: one per account, personal information."""

    account = ForeignKey(CandidateAccount, on_delete=OnDelete.cascade, unique=True, null=False)
    civility = Varchar(length=3, choices=Civility, null=True, default=None)
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
    ine = Varchar(length=11, null=True, default=None, index=True)
    phone = Varchar(length=20, default="")  # E.164
    mobile = Varchar(length=20, default="")  # E.164
    address = ForeignKey(Address, null=True, on_delete=OnDelete.set_null)
    from_student_records = Boolean(default=False)  # identity read-only

    civility_check = one_of("civility", Civility, nullable=True)


class Baccalaureate(Table):
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
    from_student_records = Boolean(default=False)

    year_check = Check("year IS NULL OR (year >= 1900 AND year <= 2100)")


class PriorStudy(Table):
    """Cursus externe (post-bac studies elsewhere)."""

    candidate = ForeignKey(Candidate, on_delete=OnDelete.cascade, index=True, null=False)
    year = Integer()
    country = ForeignKey(Country, on_delete=OnDelete.restrict, null=False)
    departement = ForeignKey(Departement, null=True, on_delete=OnDelete.restrict)
    commune = ForeignKey(Commune, null=True, on_delete=OnDelete.restrict)
    establishment_label = Varchar(length=200, default="")
    diploma_type = ForeignKey(DiplomaType, null=True, on_delete=OnDelete.restrict)
    label = Varchar(length=255)
    outcome = Varchar(length=1, choices=StudyOutcome)
    mention = ForeignKey(BacMention, null=True, on_delete=OnDelete.restrict)

    outcome_check = one_of("outcome", StudyOutcome)


class InternalStudy(Table):
    """Cursus interne: read-only rows from the student-records system."""

    candidate = ForeignKey(Candidate, on_delete=OnDelete.cascade, index=True, null=False)
    year = Integer()
    programme_code = Varchar(length=30, default="")
    programme_label = Varchar(length=300)
    mark = Varchar(length=10, default="")
    mention = Varchar(length=50, default="")
    result = Varchar(length=50, default="")


class Internship(Table):
    candidate = ForeignKey(Candidate, on_delete=OnDelete.cascade, index=True, null=False)
    year = Integer()
    duration = Varchar(length=50)
    hours_per_week = Integer(null=True, default=None)
    employer = Varchar(length=100)
    description = Varchar(length=500, default="")


class WorkExperience(Table):
    candidate = ForeignKey(Candidate, on_delete=OnDelete.cascade, index=True, null=False)
    year = Integer()
    title = Varchar(length=100)
    duration = Varchar(length=50)
    employer = Varchar(length=100)
    description = Varchar(length=500, default="")
