"""Who may change what in the dossier (guide §04.6, DESIGN.md §4).

- Once the candidate has made an application (one not cancelled), the personal
  information (« Informations personnelles ») is frozen; the email stays changeable
  through /compte/adresse-mail. Address, bac and studies stay editable, as in the guide.
- A university student's civil-status fields come from the student-records system and
  are never editable here, like eCandidat's fields "from Apogée"; their nationality and
  INE are too once the records gave them. The records may lack either, and the guide
  asks every candidate to complete them, so an empty one can be filled in. The phones
  are contact details: the student keeps them up to date, like the email.
- A bac imported from the records is read-only.
"""

from __future__ import annotations

from app.core.i18n import gettext as _

IDENTITY_FIELDS = (
    "nationality",
    "ine",
    "civility",
    "birth_name",
    "usual_name",
    "first_name",
    "other_first_name",
    "birth_date",
    "birth_country",
    "birth_departement",
    "birth_commune",
    "birth_city_label",
    "phone",
    "mobile",
)
LOCKED_ONCE_IMPORTED = frozenset({"nationality", "ine"})
CONTACT_FIELDS = frozenset({"phone", "mobile"})
CIVIL_STATUS_FIELDS = frozenset(IDENTITY_FIELDS) - LOCKED_ONCE_IMPORTED - CONTACT_FIELDS


class DossierLocked(Exception):
    """A change of locked data was asked for; nothing was written."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def application_reason() -> str:
    return _(
        "Vous avez déposé une candidature : vos informations personnelles ne sont plus "
        "modifiables. Votre adresse mail reste modifiable."
    )


def archived_reason() -> str:
    return _("La campagne de votre dossier est close et archivée : il n'est plus modifiable.")


def records_reason() -> str:
    return _(
        "Donnée issue du logiciel de scolarité de l'université : elle n'est pas modifiable "
        "ici. Adressez-vous à votre scolarité pour la faire corriger."
    )


def identity_locks(candidate: dict, *, has_application: bool) -> dict[str, str]:
    """The locked identity fields of ``candidate`` (a Candidate row), with the reason."""
    if has_application:
        return dict.fromkeys(IDENTITY_FIELDS, application_reason())
    if not candidate["from_student_records"]:
        return {}
    locked = set(CIVIL_STATUS_FIELDS)
    locked |= {name for name in LOCKED_ONCE_IMPORTED if candidate[name]}
    return {name: records_reason() for name in IDENTITY_FIELDS if name in locked}


def bac_lock(bac: dict | None) -> str:
    """Why the bac cannot be changed, or ""."""
    return records_reason() if bac and bac["from_student_records"] else ""


def refused_changes(
    stored: dict, changes: dict, locks: dict[str, str], *, has_application: bool
) -> str:
    """The reason to refuse ``changes`` (typed column values), or "" when every locked
    field keeps its stored value. Personal information frozen by an application
    refuses any save."""
    if has_application and changes:
        return application_reason()
    for name, value in changes.items():
        if name in locks and stored.get(name) != value:
            return locks[name]
    return ""
