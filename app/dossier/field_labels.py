"""Section names and field labels of the dossier, as the candidate guide (§04) words
them. Labels are French msgids, translated when a page or a message is built."""

from __future__ import annotations

from enum import StrEnum

from app.core.i18n import N_
from app.core.i18n import gettext as _


class Section(StrEnum):
    IDENTITY = "informations-personnelles"
    ADDRESS = "adresse"
    BAC = "baccalaureat"
    INTERNAL_STUDIES = "cursus-interne"
    PRIOR_STUDIES = "cursus-externe"
    INTERNSHIPS = "stages"
    EXPERIENCES = "experiences"


SECTION_TITLES = {
    Section.IDENTITY: N_("Informations personnelles"),
    Section.ADDRESS: N_("Adresse"),
    Section.BAC: N_("Baccalauréat"),
    Section.INTERNAL_STUDIES: N_("Cursus interne"),
    Section.PRIOR_STUDIES: N_("Cursus externe"),
    Section.INTERNSHIPS: N_("Stages"),
    Section.EXPERIENCES: N_("Expériences professionnelles"),
}

IDENTITY = {
    "nationality": N_("Nationalité"),
    "ine": N_("INE"),
    "civility": N_("Civilité"),
    "birth_name": N_("Nom patronymique"),
    "usual_name": N_("Nom usuel"),
    "first_name": N_("Prénom"),
    "other_first_name": N_("Autre prénom"),
    "birth_date": N_("Date naissance (jj/mm/aaaa)"),
    "birth_country": N_("Pays de naissance"),
    "birth_departement": N_("Département de naissance"),
    "birth_commune": N_("Ville de naissance"),
    "birth_city_label": N_("Ville de naissance"),
    "phone": N_("Téléphone"),
    "mobile": N_("Téléphone portable"),
}

ADDRESS = {
    "country": N_("Pays"),
    "line1": N_("Adresse"),
    "line2": N_("Complément d'adresse"),
    "line3": N_("Complément d'adresse (suite)"),
    "postal_code": N_("Code postal"),
    "commune": N_("Commune"),
    "foreign_city": N_("Ville"),
}

BAC = {
    "has_bac": N_("Avez-vous le baccalauréat ou une équivalence ?"),
    "no_bac": N_("Précisez votre situation"),
    "year": N_("Année d'obtention"),
    "serie": N_("Série du bac ou équivalence"),
    "mention": N_("Mention"),
    "country": N_("Pays d'obtention"),
    "departement": N_("Département"),
    "commune": N_("Commune"),
    "lycee": N_("Etablissement"),
    "establishment_label": N_("Etablissement"),
}

PRIOR_STUDY = {
    "country": N_("Pays"),
    "departement": N_("Département"),
    "commune": N_("Commune"),
    "establishment": N_("Etablissement"),
    "establishment_label": N_("Etablissement"),
    "year": N_("Année d'obtention"),
    "diploma_type": N_("Formation"),
    "label": N_("Libellé et niveau de la formation"),
    "outcome": N_("Obtenu"),
    "mention": N_("Mention"),
}

INTERNSHIP = {
    "year": N_("Année"),
    "duration": N_("Durée"),
    "hours_per_week": N_("Nombre d'heures/semaine"),
    "employer": N_("Employeur/organisme"),
    "description": N_("Descriptif"),
}

EXPERIENCE = {
    "year": N_("Année"),
    "title": N_("Intitulé"),
    "duration": N_("Durée"),
    "employer": N_("Employeur/organisme"),
    "description": N_("Descriptif"),
}


def section_title(section: Section) -> str:
    return _(SECTION_TITLES[section])


def label(labels: dict[str, str], name: str) -> str:
    return _(labels[name])
