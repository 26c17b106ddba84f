"""Candidates ready for deadline day, written set-based: one open programme asking for
``pieces`` documents, and ``count`` activated accounts (one password for all), each with
a complete dossier and an application waiting for its pieces.

Used by ``bench/uploads.py`` and ``bench/deadline_day.py`` in a process whose
environment points at the bench database (reference data loaded). Rows go in with a
few multi-row INSERTs per table (``CHUNK`` rows each), not one lifecycle call per
candidate: 2,000 applicants take seconds instead of minutes. The rows are those
``lifecycle.apply`` writes (application AT, one AT piece row per asked piece), without
its mail and audit event, which the benchmark does not measure.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.accounts.passwords import hash_password
from app.clock import now
from app.core.codes.applications import DossierStatus, PieceStatus, ProcessingType
from app.core.codes.dossier import Civility
from app.tables.accounts import CandidateAccount
from app.tables.applications import Application, SubmittedPiece
from app.tables.catalog import Campaign
from app.tables.dossier import Address, Baccalaureate, Candidate
from app.tables.refdata import BacSerie, Commune, Country, Departement, Lycee
from tests.factories import (
    make_campaign,
    make_centre,
    make_commission,
    make_programme,
    make_required_piece,
)

PASSWORD = "Deadline-day-2026"
CHUNK = 500


@dataclass(frozen=True)
class Seeded:
    programme_id: int
    piece_ids: list[int]
    # (login, application id) per candidate, in creation order
    candidates: list[tuple[str, int]]


async def _ref_id(table, **where) -> int:
    condition = None
    for name, value in where.items():
        term = getattr(table, name) == value
        condition = term if condition is None else condition & term
    row = await table.select(table.id).where(condition).first()
    assert row is not None, f"{table.__name__} {where}: load the reference data first"
    return row["id"]


async def _insert(table, rows: list) -> list[int]:
    """Insert in chunks; the new ids, in order."""
    ids: list[int] = []
    for start in range(0, len(rows), CHUNK):
        inserted = await table.insert(*rows[start : start + CHUNK]).returning(table.id)
        ids.extend(row["id"] for row in inserted)
    return ids


def login_of(n: int) -> str:
    """Dossier numbers BENCH000, BENCH001...: 8 characters from 0-9A-Z."""
    return f"B{n:07d}"


async def seed_candidates(count: int, *, pieces: int) -> Seeded:
    campaign: Campaign = await make_campaign()
    commission = await make_commission(await make_centre(campaign))
    asked = [await make_required_piece(campaign, label_fr=f"Pièce {n + 1}") for n in range(pieces)]
    programme = await make_programme(commission, asked, code="DEADLINE")
    france = await _ref_id(Country, cog_code="99100")
    toulouse = await _ref_id(Commune, insee_code="31555", kind="commune-actuelle")
    haute_garonne = await _ref_id(Departement, code="31")
    serie = await _ref_id(BacSerie, code="BG")
    lycee = await _ref_id(Lycee, uai="0310036W")
    password_hash = hash_password(PASSWORD)
    moment = now()
    logins = [login_of(n) for n in range(count)]

    account_ids = await _insert(
        CandidateAccount,
        [
            CandidateAccount(
                campaign=campaign.id,
                login=login,
                email=f"{login.lower()}@example.org",
                last_name=f"DUPONT{n}",
                first_name="Camille",
                password_hash=password_hash,
                activated_at=moment,
                email_validated_at=moment,
            )
            for n, login in enumerate(logins)
        ],
    )
    address_ids = await _insert(
        Address,
        [
            Address(country=france, line1="12 rue des Lois", postal_code="31000", commune=toulouse)
            for _ in range(count)
        ],
    )
    candidate_ids = await _insert(
        Candidate,
        [
            Candidate(
                account=account_id,
                civility=Civility.MRS.value,
                birth_name=f"DUPONT{n}",
                first_name="Camille",
                birth_date=date(2004, 5, 17),
                nationality=france,
                birth_country=france,
                birth_departement=haute_garonne,
                birth_commune=toulouse,
                birth_city_label="Toulouse",
                address=address_id,
            )
            for n, (account_id, address_id) in enumerate(zip(account_ids, address_ids, strict=True))
        ],
    )
    await _insert(
        Baccalaureate,
        [
            Baccalaureate(
                candidate=candidate_id,
                year=2022,
                serie=serie,
                country=france,
                departement=haute_garonne,
                commune=toulouse,
                lycee=lycee,
            )
            for candidate_id in candidate_ids
        ],
    )
    application_ids = await _insert(
        Application,
        [
            Application(
                candidate=candidate_id,
                programme=programme.id,
                status=DossierStatus.WAITING.value,
                processing_type=ProcessingType.CONTROLLED.value,
                processing_type_validated=True,
                created_at=moment,
                status_changed_at=moment,
            )
            for candidate_id in candidate_ids
        ],
    )
    await _insert(
        SubmittedPiece,
        [
            SubmittedPiece(
                application=application_id,
                piece=piece.id,
                status=PieceStatus.WAITING.value,
                changed_at=moment,
            )
            for application_id in application_ids
            for piece in asked
        ],
    )
    return Seeded(
        programme_id=programme.id,
        piece_ids=[piece.id for piece in asked],
        candidates=list(zip(logins, application_ids, strict=True)),
    )
