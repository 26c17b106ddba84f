"""Factories for the application tests: a dossier complete enough to apply, decision
types, stored files.

``make_complete_dossier`` needs the reference data: load it once per module with a
module-scoped fixture calling ``app.refdata.load.load_reference_data()`` (the test
harness keeps the ``ref_*`` tables between tests).

    account = await make_account(campaign)
    await make_complete_dossier(account)
    change = await lifecycle.apply(account_id=account.id, programme_id=programme.id)
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from app.applications import lifecycle
from app.core.codes.applications import Verdict
from app.core.codes.dossier import Civility
from app.documents.storage import store_upload
from app.tables.accounts import CandidateAccount
from app.tables.catalog import Campaign, DecisionType, Programme, RefusalReason, RequiredPiece
from app.tables.dossier import Address, Baccalaureate, Candidate
from app.tables.refdata import BacSerie, Commune, Country, Departement, Lycee
from tests.factories import _next, make_account, make_centre, make_commission, make_programme
from tests.fixtures.files import JPEG as JPEG  # re-exported: small valid files
from tests.fixtures.files import PDF as PDF


async def _ref_id(table, **where: Any) -> int:
    condition = None
    for name, value in where.items():
        term = getattr(table, name) == value
        condition = term if condition is None else condition & term
    row = await table.select(table.id).where(condition).first()
    assert row is not None, f"reference row {table.__name__} {where} missing: load_reference_data()"
    return row["id"]


async def make_complete_dossier(account: CandidateAccount) -> Candidate:
    """The account's identity, address and bac, complete (born and living in Toulouse,
    bac général 2022): ``dossier_completeness(account.id).ok`` is true."""
    france = await _ref_id(Country, cog_code="99100")
    toulouse = await _ref_id(Commune, insee_code="31555", kind="commune-actuelle")
    haute_garonne = await _ref_id(Departement, code="31")
    address = Address(
        country=france, line1="12 rue des Lois", postal_code="31000", commune=toulouse
    )
    await address.save()
    identity = {
        "civility": Civility.MRS.value,
        "birth_name": account.last_name.upper(),
        "first_name": account.first_name,
        "birth_date": date(2004, 5, 17),
        "nationality": france,
        "birth_country": france,
        "birth_departement": haute_garonne,
        "birth_commune": toulouse,
        "birth_city_label": "Toulouse",
        "address": address.id,
    }
    candidate = await Candidate.objects().get(Candidate.account == account.id)
    if candidate is None:
        candidate = Candidate(account=account.id, **identity)
    else:
        for name, value in identity.items():
            setattr(candidate, name, value)
    await candidate.save()
    await Baccalaureate(
        candidate=candidate.id,
        year=2022,
        serie=await _ref_id(BacSerie, code="BG"),
        country=france,
        departement=haute_garonne,
        commune=toulouse,
        lycee=await _ref_id(Lycee, uai="0310036W"),
    ).save()
    return candidate


async def make_decision_type(verdict: Verdict, **overrides: Any) -> DecisionType:
    n = _next()
    values = {
        "code": f"{verdict.value}{n}",
        "label_fr": f"Avis {verdict.value} {n}",
        "label_en": f"Decision {verdict.value} {n}",
        "verdict": verdict.value,
        **overrides,
    }
    row = DecisionType(**values)
    await row.save()
    return row


async def make_refusal_reason(**overrides: Any) -> RefusalReason:
    n = _next()
    values = {"code": f"MOTIF{n}", "label_fr": f"Motif {n}", "label_en": f"Reason {n}", **overrides}
    row = RefusalReason(**values)
    await row.save()
    return row


async def stored_pdf(account: CandidateAccount | int, name: str = "piece.pdf") -> int:
    """A PDF stored for this account, as an upload leaves it; returns the file id."""
    owner = account if isinstance(account, int) else account.id
    return await store_upload(owner_account_id=owner, filename=name, data=PDF)


async def make_applicant(campaign: Campaign | int, **account: Any) -> CandidateAccount:
    """An activated account whose dossier is complete: it may apply."""
    row = await make_account(campaign, **account)
    await make_complete_dossier(row)
    return row


async def make_open_programme(
    campaign: Campaign | int,
    pieces: Iterable[RequiredPiece | int] = (),
    *,
    commission: dict[str, Any] | None = None,
    centre: dict[str, Any] | None = None,
    **programme: Any,
) -> Programme:
    """A programme open today, in a centre and commission of its own."""
    owner = await make_commission(
        await make_centre(campaign, **(centre or {})), **(commission or {})
    )
    return await make_programme(owner, pieces=pieces, **programme)


async def make_received_application(
    campaign: Campaign | int, programme: Programme | None = None, **programme_overrides: Any
) -> tuple[CandidateAccount, int]:
    """A candidate's application, transmitted (RE), to ``programme`` or to a new one
    without pieces; returns (account, application id)."""
    if programme is None:
        programme = await make_open_programme(campaign, **programme_overrides)
    account = await make_applicant(campaign)
    change = await lifecycle.apply(account_id=account.id, programme_id=programme.id)
    actor = lifecycle.Actor.candidate(account.id)
    await lifecycle.transmit(application_id=change.application_id, actor=actor)
    return account, change.application_id


async def decide(
    application_id: int,
    decision_type: DecisionType,
    *,
    rank: int | None = None,
    validate: bool = True,
    **fields: Any,
) -> int:
    """Staff enter (and by default validate) a decision; returns its id."""
    staff = lifecycle.Actor.staff(1)
    decision_id = await lifecycle.enter_decision(
        application_id=application_id,
        decision_type_id=decision_type.id,
        rank=rank,
        actor=staff,
        **fields,
    )
    if validate:
        await lifecycle.validate_decision(decision_id=decision_id, actor=staff)
    return decision_id
