"""The demo's transmitted application: a candidate of SANTE-MED whose dossier the demo
``commission`` user can review and decide on, and who can then sign in and confirm.

Made as the candidate's pages make it: the lifecycle applies, gives every piece (a
one-page PDF) and transmits, so the desk shows the same rows, audit trail and mails as
for a real candidate. Idempotent: the account is found by its dossier number; once the
application is transmitted a later run leaves it alone (and whatever staff did to it).
It needs the reference data (the dossier's nationality, birth place and bac) and a
deposit window open today (the development dates): without them it is skipped, and
the summary says why.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from typing import Any

from pypdf import PdfWriter

from app import clock
from app.accounts.passwords import hash_password
from app.applications import lifecycle
from app.applications.lifecycle_base import LifecycleRefused
from app.core.codes.applications import DossierStatus, PieceStatus
from app.core.codes.dossier import Civility
from app.core.identity_key import identity_key
from app.documents.storage import store_upload
from app.mail.default_templates import install_default_templates
from app.tables.accounts import CandidateAccount, DossierNumberHistory
from app.tables.applications import Application, SubmittedPiece
from app.tables.catalog import Campaign, Programme
from app.tables.dossier import Address, Baccalaureate, Candidate
from app.tables.refdata import BacSerie, Commune, Country, Departement, Lycee


@dataclass(frozen=True)
class DemoCandidate:
    login: str  # the dossier number, 8 characters
    password: str
    email: str
    first_name: str
    last_name: str
    programme_code: str  # a SANTE-MED programme


async def _ref_id(table, **where: Any) -> int | None:
    conditions = [getattr(table, name) == value for name, value in where.items()]
    row = await table.select(table.id).where(*conditions).first()
    return row["id"] if row else None


async def _places() -> dict[str, int] | None:
    """The reference rows of the demo dossier; None when the reference data is not
    loaded."""
    places = {
        "france": await _ref_id(Country, cog_code="99100"),
        "toulouse": await _ref_id(Commune, insee_code="31555", kind="commune-actuelle"),
        "haute_garonne": await _ref_id(Departement, code="31"),
        "serie": await _ref_id(BacSerie, code="BG"),
        "lycee": await _ref_id(Lycee, uai="0310036W"),
    }
    return None if None in places.values() else places


async def _dossier(account_id: int, candidate: DemoCandidate, places: dict[str, int]) -> None:
    """Identity, address and bac of a candidate born and living in Toulouse (bac
    général 2022): complete enough to apply."""
    if await Candidate.exists().where(Candidate.account == account_id):
        return
    france, toulouse = places["france"], places["toulouse"]
    address = Address(
        country=france, line1="12 rue des Lois", postal_code="31000", commune=toulouse
    )
    await address.save()
    row = Candidate(
        account=account_id,
        civility=Civility.MRS.value,
        birth_name=candidate.last_name.upper(),
        first_name=candidate.first_name,
        birth_date=date(2004, 5, 17),
        identity_key=identity_key(candidate.last_name, candidate.first_name, date(2004, 5, 17)),
        nationality=france,
        birth_country=france,
        birth_departement=places["haute_garonne"],
        birth_commune=toulouse,
        birth_city_label="Toulouse",
        address=address.id,
    )
    await row.save()
    await Baccalaureate(
        candidate=row.id,
        year=2022,
        serie=places["serie"],
        country=france,
        departement=places["haute_garonne"],
        commune=toulouse,
        lycee=places["lycee"],
    ).save()


async def _account(campaign_id: int, candidate: DemoCandidate) -> int:
    """The demo account: activated, with a password for /connexion."""
    found = (
        await CandidateAccount.select(CandidateAccount.id)
        .where(CandidateAccount.login == candidate.login)
        .first()
    )
    if found:
        return found["id"]
    now = clock.now()
    [row] = await CandidateAccount.insert(
        CandidateAccount(
            campaign=campaign_id,
            login=candidate.login,
            email=candidate.email.lower(),
            last_name=candidate.last_name,
            first_name=candidate.first_name,
            password_hash=hash_password(candidate.password),
            activated_at=now,
            email_validated_at=now,
        )
    )
    # Never reissued to someone else.
    if not await DossierNumberHistory.exists().where(DossierNumberHistory.login == candidate.login):
        await DossierNumberHistory.insert(DossierNumberHistory(login=candidate.login))
    return row["id"]


def one_page_pdf() -> bytes:
    """A blank A4 page: something the desk's viewer can show."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


async def ensure_demo_application(candidate: DemoCandidate, campaign_code: str) -> str:
    """Bring the demo application to « transmitted » if it is not there yet; returns
    "created", "present" or why it was skipped."""
    campaign = await Campaign.select(Campaign.id).where(Campaign.code == campaign_code).first()
    programme = (
        await Programme.select(Programme.id)
        .where(
            (Programme.code == candidate.programme_code)
            & (Programme.commission.centre.campaign == campaign["id"])
        )
        .first()
    )
    places = await _places()
    if places is None:
        return "skipped: reference data not loaded (load-refdata)"
    account_id = await _account(campaign["id"], candidate)
    await _dossier(account_id, candidate, places)
    await install_default_templates()  # the lifecycle mails the candidate (missing ones only)
    found = (
        await Application.select(Application.id, Application.status)
        .where(
            (Application.candidate.account == account_id)
            & (Application.programme == programme["id"])
            & Application.cancelled_at.is_null()
        )
        .first()
    )
    outcome = "present"
    try:
        if found is None:
            change = await lifecycle.apply(account_id=account_id, programme_id=programme["id"])
            found = {"id": change.application_id, "status": DossierStatus.WAITING.value}
            outcome = "created"
        if found["status"] != DossierStatus.WAITING.value:
            return outcome  # transmitted already: staff's to handle now
        actor = lifecycle.Actor.candidate(account_id)
        waiting = await SubmittedPiece.select(SubmittedPiece.piece).where(
            (SubmittedPiece.application == found["id"])
            & SubmittedPiece.superseded_at.is_null()
            & (SubmittedPiece.status == PieceStatus.WAITING.value)
        )
        for row in waiting:
            file_id = await store_upload(
                owner_account_id=account_id, filename="piece-demo.pdf", data=one_page_pdf()
            )
            await lifecycle.submit_piece(
                application_id=found["id"], piece_id=row["piece"], file_id=file_id, actor=actor
            )
        await lifecycle.transmit(application_id=found["id"], actor=actor)
    except LifecycleRefused as refused:
        # Typically the guide's dates: the deposit window is not open today.
        return f"skipped: {refused.reason.value} (try the development dates)"
    return "created"
