"""The university's student-records system (Apogée, Pégase...), as the portal sees it.

A university student's identity, address, bac and internal studies are read from there
at the first SSO sign-in, and are read-only in the dossier (DESIGN.md §4). The portal
only needs two look-ups, described by :class:`StudentRecords`; an implementation turns
the records system's answers into the dataclasses below, whose codes are those of the
reference tables (INSEE COG countries, départements, communes, bac séries, mentions,
lycée UAI).

The implementation is chosen by name with the ``STUDENT_RECORDS`` setting: ``demo``
(the fictitious students of ``demo_students.json``, development only) or
``package.module:factory`` for a university's own adapter (see :data:`BACKENDS`).
"""

from __future__ import annotations

import importlib
import json
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from app.settings import get_settings

DEMO_STUDENTS_PATH = Path(__file__).resolve().parent / "demo_students.json"
DEFAULT_BACKEND = "demo"


@dataclass(frozen=True, kw_only=True)
class Place:
    """Where a birth, a bac or an address is; the same three codes locate each."""

    country_cog: str
    """INSEE COG code of the country (``99100`` = France)."""
    departement_code: str = ""
    """In France: the département code; ``""`` abroad."""
    commune_insee: str = ""
    """In France: the commune's INSEE code; ``""`` abroad."""


@dataclass(frozen=True, kw_only=True)
class BirthPlace(Place):
    city_label: str = ""
    """The birth city as printed (the only place information abroad)."""


@dataclass(frozen=True)
class Identity:
    civility: str
    """``M`` or ``MME`` (``app.core.codes.dossier.Civility``)."""
    birth_name: str
    """Nom patronymique, upper case."""
    first_name: str
    birth_date: date
    birth_place: BirthPlace
    nationality_cog: str
    """INSEE COG code of the country of nationality."""
    usual_name: str = ""
    other_first_name: str = ""
    ine: str = ""
    """11 characters with a valid key (``app.dossier.ine``), or ``""``."""
    phone: str = ""
    """E.164 (``+33...``) or ``""``."""
    mobile: str = ""


@dataclass(frozen=True, kw_only=True)
class PostalAddress(Place):
    """The postal address (``departement_code`` stays ``""``: the commune locates it)."""

    line1: str
    line2: str = ""
    line3: str = ""
    postal_code: str = ""
    foreign_city: str = ""
    """Abroad: the city; ``""`` in France."""


@dataclass(frozen=True, kw_only=True)
class BacRecord(Place):
    """The bac, where its lycée is (``country_cog``: where the bac was obtained)."""

    year: int
    serie_code: str
    mention_code: str = ""
    lycee_uai: str = ""


@dataclass(frozen=True)
class InternalStudyRecord:
    year: int
    """First calendar year of the academic year (2025 = 2025/2026)."""
    programme_label: str
    programme_code: str = ""
    """The university's own programme code."""
    mark: str = ""
    """The year's average as printed (``"13.45"``); ``""`` while in progress."""
    mention: str = ""
    result: str = ""
    """As the records system says it: ``Admis``, ``Ajourné``, ``En cours``..."""


@dataclass(frozen=True)
class StudentRecord:
    student_number: str
    cas_login: str
    identity: Identity
    university_email: str
    address: PostalAddress | None = None
    bac: BacRecord | None = None
    internal_studies: tuple[InternalStudyRecord, ...] = ()
    """Oldest first."""


@runtime_checkable
class StudentRecords(Protocol):
    """What the portal asks the student-records system. ``None``: no such student."""

    async def find_by_cas_login(self, login: str) -> StudentRecord | None: ...

    async def get(self, student_number: str) -> StudentRecord | None: ...


def _record_from_json(item: dict[str, Any]) -> StudentRecord:
    """One student of ``demo_students.json`` (schema in ``demo_students.md``)."""
    place = item["birth_place"]
    address = item.get("address")
    bac = item.get("bac")
    return StudentRecord(
        student_number=item["student_number"],
        cas_login=item["cas_login"],
        university_email=item["university_email"],
        identity=Identity(
            civility=item["civility"],
            birth_name=item["birth_name"],
            usual_name=item["usual_name"],
            first_name=item["first_name"],
            other_first_name=item["other_first_name"],
            birth_date=date.fromisoformat(item["birth_date"]),
            birth_place=BirthPlace(
                country_cog=place["country_cog"],
                departement_code=place["departement_code"],
                commune_insee=place["commune_insee"],
                city_label=place["city_label"],
            ),
            nationality_cog=item["nationality_cog"],
            ine=item["ine"],
            phone=item["phone"],
            mobile=item["mobile"],
        ),
        address=PostalAddress(**address) if address else None,
        bac=BacRecord(**bac) if bac else None,
        internal_studies=tuple(
            InternalStudyRecord(**study)
            for study in sorted(item["internal_studies"], key=lambda s: s["year"])
        ),
    )


class DemoStudentRecords:
    """The development directory: the fictitious students of ``demo_students.json``."""

    def __init__(self, path: Path = DEMO_STUDENTS_PATH) -> None:
        self.path = path
        self._by_login: dict[str, StudentRecord] | None = None

    def _load(self) -> dict[str, StudentRecord]:
        # Read once per instance: the file is small and never changes while serving.
        if self._by_login is None:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            records = [_record_from_json(item) for item in data["students"]]
            self._by_login = {record.cas_login: record for record in records}
        return self._by_login

    def records(self) -> list[StudentRecord]:
        return list(self._load().values())

    async def find_by_cas_login(self, login: str) -> StudentRecord | None:
        return self._load().get(login)

    async def get(self, student_number: str) -> StudentRecord | None:
        return next((r for r in self._load().values() if r.student_number == student_number), None)


BACKENDS = {"demo": DemoStudentRecords}
"""Built-in implementations by ``STUDENT_RECORDS`` name; any other value is a
``package.module:factory`` path whose factory, called without arguments, returns a
:class:`StudentRecords`."""


def _configured_name() -> str:
    return get_settings().student_records or DEFAULT_BACKEND


@cache
def load_student_records(name: str) -> StudentRecords:
    """The implementation called ``name`` (one instance per process)."""
    if name in BACKENDS:
        if name == "demo" and get_settings().is_prod:
            raise RuntimeError("STUDENT_RECORDS=demo holds fictitious students: not in prod")
        return BACKENDS[name]()
    module_name, _, attribute = name.partition(":")
    if not attribute:
        raise RuntimeError(
            f"STUDENT_RECORDS must be one of {sorted(BACKENDS)} or 'module:factory', not {name!r}"
        )
    factory = getattr(importlib.import_module(module_name), attribute)
    records = factory()
    if not isinstance(records, StudentRecords):
        raise RuntimeError(f"{name} did not return a StudentRecords implementation")
    return records


def get_student_records() -> StudentRecords:
    """The configured student-records system."""
    return load_student_records(_configured_name())
