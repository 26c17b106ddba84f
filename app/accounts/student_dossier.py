"""A university student's dossier, copied from the student-records system at the first
sign-in: identity, address, bac and internal studies, flagged read-only."""

from __future__ import annotations

import structlog

from app.accounts.ine_claims import campaign_of_account, flag_external_holders, lock_ine
from app.accounts.student_records import (
    BacRecord,
    PostalAddress,
    StudentRecord,
)
from app.core.codes.dossier import Civility
from app.core.identity_key import identity_key
from app.tables.dossier import Address, Baccalaureate, Candidate, InternalStudy
from app.tables.refdata import BacMention, BacSerie, Commune, Country, Departement, Lycee

log = structlog.get_logger("app.accounts.sso")  # the same logger name as before the split


async def _ref_id(column, code: str, **extra) -> int | None:
    """The reference row with this code, or None (an unknown code leaves the field
    empty rather than refusing the student's sign-in)."""
    if not code:
        return None
    table = column._meta.table
    where = column == code
    for name, value in extra.items():
        where = where & (getattr(table, name) == value)
    row = await table.select(table.id).where(where).first()
    if row is None:
        log.warning("student_record_unknown_code", table=table._meta.tablename, code=code)
    return row["id"] if row else None


async def _commune_id(insee_code: str) -> int | None:
    # Records give today's commune; former communes share their INSEE code.
    return await _ref_id(Commune.insee_code, insee_code, kind="commune-actuelle")


async def _write_address(address: PostalAddress) -> int | None:
    country = await _ref_id(Country.cog_code, address.country_cog)
    if country is None:
        return None
    row = Address(
        country=country,
        line1=address.line1,
        line2=address.line2,
        line3=address.line3,
        postal_code=address.postal_code,
        commune=await _commune_id(address.commune_insee),
        foreign_city=address.foreign_city,
    )
    await row.save()
    return row.id


async def _write_bac(candidate_id: int, bac: BacRecord) -> None:
    serie = await _ref_id(BacSerie.code, bac.serie_code)
    if serie is None:
        return  # the série is required: the student enters the bac in the dossier
    await Baccalaureate.insert(
        Baccalaureate(
            candidate=candidate_id,
            year=bac.year,
            serie=serie,
            mention=await _ref_id(BacMention.code, bac.mention_code),
            country=await _ref_id(Country.cog_code, bac.country_cog),
            departement=await _ref_id(Departement.code, bac.departement_code),
            commune=await _commune_id(bac.commune_insee),
            lycee=await _ref_id(Lycee.uai, bac.lycee_uai),
            from_student_records=True,
        )
    )


async def write_dossier_from_records(account_id: int, record: StudentRecord) -> int:
    """The Candidate row (identity, address), the bac and the internal studies, flagged
    as coming from the student-records system (read-only). Call in a transaction.

    The imported INE wins over an external account of the campaign holding it: that
    account is flagged for staff (``app.accounts.ine_claims``), the import goes on."""
    identity, place = record.identity, record.identity.birth_place
    ine = identity.ine or None
    campaign_id = await campaign_of_account(account_id)
    if ine:
        await lock_ine(campaign_id, ine)
    candidate = Candidate(
        account=account_id,
        civility=identity.civility if identity.civility in set(Civility) else None,
        birth_name=identity.birth_name,
        usual_name=identity.usual_name,
        first_name=identity.first_name,
        other_first_name=identity.other_first_name,
        birth_date=identity.birth_date,
        nationality=await _ref_id(Country.cog_code, identity.nationality_cog),
        birth_country=await _ref_id(Country.cog_code, place.country_cog),
        birth_departement=await _ref_id(Departement.code, place.departement_code),
        birth_commune=await _commune_id(place.commune_insee),
        birth_city_label=place.city_label,
        ine=ine,
        identity_key=identity_key(identity.birth_name, identity.first_name, identity.birth_date),
        phone=identity.phone,
        mobile=identity.mobile,
        address=await _write_address(record.address) if record.address else None,
        from_student_records=True,
    )
    await candidate.save()
    if ine:
        await flag_external_holders(
            campaign_id=campaign_id, ine=ine, student_candidate_id=candidate.id
        )
    if record.bac is not None:
        await _write_bac(candidate.id, record.bac)
    if record.internal_studies:
        await InternalStudy.insert(
            *(
                InternalStudy(
                    candidate=candidate.id,
                    year=study.year,
                    programme_code=study.programme_code,
                    programme_label=study.programme_label,
                    mark=study.mark,
                    mention=study.mention,
                    result=study.result,
                )
                for study in record.internal_studies
            )
        )
    return candidate.id
