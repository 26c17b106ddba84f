"""The student-records interface: the demo directory, choosing an implementation, and
what the portal makes of a record (the read-only dossier, the account it finds)."""

from __future__ import annotations

import dataclasses
import json
from datetime import date

import pytest

from app.accounts import student_records
from app.accounts.cas_client import CasIdentity
from app.accounts.sso import SsoError, SsoRefused, create_account_from_records, sign_in_with_cas
from app.accounts.student_dossier import write_dossier_from_records
from app.accounts.student_records import (
    BacRecord,
    DemoStudentRecords,
    PostalAddress,
    StudentRecords,
    get_student_records,
    load_student_records,
)
from app.db import write_transaction
from app.tables.accounts import CandidateAccount
from app.tables.dossier import Address, Baccalaureate, Candidate, InternalStudy
from app.tables.refdata import BacMention, BacSerie, Commune, Country, Departement, Lycee
from tests.factories import make_account, make_campaign

DEMO = DemoStudentRecords()


async def ref_id(column, value, **extra) -> int:
    table = column._meta.table
    where = column == value
    for name, expected in extra.items():
        where = where & (getattr(table, name) == expected)
    return (await table.select(table.id).where(where).first())["id"]


# --- the demo directory -----------------------------------------------------------------


async def test_the_demo_directory_holds_the_three_students():
    assert [(r.cas_login, r.student_number) for r in DEMO.records()] == [
        ("cmartin", "22512345"),
        ("lbernard", "22208764"),
        ("ihaddad", "22003481"),
    ]


async def test_a_student_is_found_by_cas_login_with_everything_the_dossier_needs():
    record = await DEMO.find_by_cas_login("lbernard")
    assert record.student_number == "22208764"
    assert record.university_email == "lucas.bernard@etu.univ-toulouse.example"
    identity = record.identity
    assert (identity.civility, identity.birth_name, identity.first_name) == (
        "M",
        "BERNARD",
        "Lucas",
    )
    assert identity.birth_date == date(2004, 11, 2)
    assert (identity.birth_place.departement_code, identity.birth_place.commune_insee) == (
        "81",
        "81004",
    )
    assert identity.ine == "0812304598F"
    assert record.address == PostalAddress(
        country_cog="99100",
        line1="5 chemin de Larramet",
        line2="Résidence Les Pins, bâtiment B",
        postal_code="31170",
        commune_insee="31557",
    )
    assert record.bac == BacRecord(
        year=2022,
        serie_code="BG",
        mention_code="AB",
        country_cog="99100",
        departement_code="81",
        commune_insee="81004",
        lycee_uai="0810006S",
    )
    assert [(s.year, s.result) for s in record.internal_studies] == [
        (2022, "Admis"),
        (2023, "Admis"),
        (2024, "Admis"),
        (2025, "En cours"),
    ]


async def test_a_student_is_found_by_student_number():
    record = await DEMO.get("22003481")
    assert record.cas_login == "ihaddad"
    assert record.identity.birth_place.country_cog == "99350"
    assert record.identity.birth_place.commune_insee == ""


async def test_an_unknown_student_is_none():
    assert await DEMO.find_by_cas_login("nobody") is None
    assert await DEMO.get("00000000") is None
    assert await DEMO.find_by_cas_login("CMARTIN") is None  # CAS logins are exact


async def test_the_demo_file_can_be_another_one(tmp_path):
    data = json.loads(student_records.DEMO_STUDENTS_PATH.read_text(encoding="utf-8"))
    data["students"] = data["students"][:1]
    path = tmp_path / "students.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    records = DemoStudentRecords(path)
    assert [r.cas_login for r in records.records()] == ["cmartin"]
    assert await records.find_by_cas_login("lbernard") is None


# --- choosing the implementation ----------------------------------------------------------


def custom_records() -> StudentRecords:
    return DemoStudentRecords()


async def test_the_demo_directory_is_the_default():
    records = get_student_records()
    assert isinstance(records, DemoStudentRecords)
    assert isinstance(records, StudentRecords)
    assert get_student_records() is records  # one per process


async def test_a_university_adapter_is_named_module_colon_factory():
    records = load_student_records(f"{__name__}:custom_records")
    assert isinstance(records, DemoStudentRecords)


async def test_an_unknown_name_is_refused():
    with pytest.raises(RuntimeError, match="module:factory"):
        load_student_records("pegase")
    with pytest.raises(RuntimeError, match="did not return"):
        load_student_records("builtins:object")


async def test_the_demo_directory_is_refused_in_production(settings_override):
    assert settings_override(ENV="prod").env == "prod"
    load_student_records.cache_clear()
    try:
        with pytest.raises(RuntimeError, match="not in prod"):
            load_student_records("demo")
    finally:
        load_student_records.cache_clear()


# --- from a record to the dossier ---------------------------------------------------------


async def copy(login: str, record=None) -> Candidate:
    campaign = await make_campaign()
    account = await make_account(campaign)
    record = record or await DEMO.find_by_cas_login(login)
    async with write_transaction():
        candidate_id = await write_dossier_from_records(account.id, record)
    return await Candidate.objects().get(Candidate.id == candidate_id)


async def test_the_dossier_is_copied_with_reference_links(refdata):
    candidate = await copy("lbernard")
    assert candidate.from_student_records is True
    assert (candidate.civility, candidate.birth_name, candidate.first_name) == (
        "M",
        "BERNARD",
        "Lucas",
    )
    assert candidate.birth_date == date(2004, 11, 2)
    france = await ref_id(Country.cog_code, "99100")
    assert (candidate.nationality, candidate.birth_country) == (france, france)
    assert candidate.birth_departement == await ref_id(Departement.code, "81")
    assert candidate.birth_commune == await ref_id(
        Commune.insee_code, "81004", kind="commune-actuelle"
    )
    assert (candidate.ine, candidate.phone, candidate.mobile) == (
        "0812304598F",
        "+33536490102",
        "+33639980102",
    )
    address = await Address.objects().get(Address.id == candidate.address)
    assert (address.country, address.postal_code, address.line2) == (
        france,
        "31170",
        "Résidence Les Pins, bâtiment B",
    )
    assert address.commune == await ref_id(Commune.insee_code, "31557", kind="commune-actuelle")
    bac = await Baccalaureate.objects().get(Baccalaureate.candidate == candidate.id)
    assert bac.from_student_records is True
    assert (bac.year, bac.serie, bac.mention, bac.lycee) == (
        2022,
        await ref_id(BacSerie.code, "BG"),
        await ref_id(BacMention.code, "AB"),
        await ref_id(Lycee.uai, "0810006S"),
    )
    studies = (
        await InternalStudy.select(
            InternalStudy.year, InternalStudy.programme_code, InternalStudy.mark
        )
        .where(InternalStudy.candidate == candidate.id)
        .order_by(InternalStudy.year)
    )
    assert [s["programme_code"] for s in studies] == [
        "F2SMH-L1-STAPS",
        "F2SMH-L2-STAPS",
        "F2SMH-L3-ES",
        "F2SMH-M1-EOPS",
    ]
    assert studies[1]["mark"] == "13.45"


async def test_a_student_born_abroad_has_no_french_birth_place(refdata):
    candidate = await copy("ihaddad")
    morocco = await ref_id(Country.cog_code, "99350")
    assert (candidate.birth_country, candidate.nationality) == (morocco, morocco)
    assert (candidate.birth_departement, candidate.birth_commune) == (None, None)
    assert candidate.birth_city_label == "Casablanca"


async def test_unknown_codes_leave_fields_empty_instead_of_failing(refdata):
    record = await DEMO.find_by_cas_login("cmartin")
    odd = dataclasses.replace(
        record,
        address=dataclasses.replace(record.address, country_cog="99999"),
        bac=dataclasses.replace(record.bac, serie_code="NOPE"),
        identity=dataclasses.replace(record.identity, nationality_cog="99998", civility="X"),
    )
    candidate = await copy("cmartin", odd)
    assert (candidate.address, candidate.nationality, candidate.civility) == (None, None, None)
    assert not await Baccalaureate.exists().where(Baccalaureate.candidate == candidate.id)
    assert await InternalStudy.count().where(InternalStudy.candidate == candidate.id) == 1


# --- from a CAS identity to the account ---------------------------------------------------


async def test_a_renamed_cas_login_finds_the_account_by_student_number(refdata):
    await make_campaign()
    first = await sign_in_with_cas(
        CasIdentity("cmartin", {"supannEtuId": "22512345"}), language="fr"
    )
    renamed = CasIdentity("camille.martin", {"supannEtuId": "22512345"})
    again = await sign_in_with_cas(renamed, language="fr")
    assert (again.account_id, again.created, first.created) == (first.account_id, False, True)
    account = await CandidateAccount.objects().get(CandidateAccount.id == first.account_id)
    assert account.cas_login == "camille.martin"
    assert account.last_login_at is not None


async def test_a_student_missing_from_the_records_is_refused(refdata):
    await make_campaign()
    with pytest.raises(SsoRefused) as refused:
        await sign_in_with_cas(CasIdentity("stranger", {"supannEtuId": "1"}), language="fr")
    assert refused.value.reason is SsoError.NOT_IN_RECORDS
    assert await CandidateAccount.count() == 0


async def test_creating_an_existing_students_account_again_writes_nothing(refdata):
    await make_campaign()
    record = await DEMO.find_by_cas_login("cmartin")
    email = record.university_email
    first = await create_account_from_records(
        record, cas_login="cmartin", email=email, language="fr"
    )
    again = await create_account_from_records(
        record, cas_login="cmartin", email=email, language="fr"
    )
    assert (first is not None, again) == (True, None)
    assert (await CandidateAccount.count(), await Candidate.count()) == (1, 1)


class OneStudent:
    """A StudentRecords of one's own: what a university adapter looks like."""

    def __init__(self, record) -> None:
        self.record = record

    async def find_by_cas_login(self, login):
        return self.record if login == self.record.cas_login else None

    async def get(self, student_number):
        return self.record if student_number == self.record.student_number else None


async def test_a_record_without_any_email_is_refused(refdata):
    await make_campaign()
    record = dataclasses.replace(await DEMO.find_by_cas_login("cmartin"), university_email="")
    with pytest.raises(SsoRefused) as refused:
        await sign_in_with_cas(CasIdentity("cmartin"), language="fr", records=OneStudent(record))
    assert refused.value.reason is SsoError.NO_EMAIL
    # The CAS "mail" attribute stands in when the records have no address.
    outcome = await sign_in_with_cas(
        CasIdentity("cmartin", {"mail": "Camille@Univ.example"}),
        language="en",
        records=OneStudent(record),
    )
    account = await CandidateAccount.objects().get(CandidateAccount.id == outcome.account_id)
    assert (account.email, account.language, outcome.created) == (
        "camille@univ.example",
        "en",
        True,
    )
