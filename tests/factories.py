"""Small async factories for tests: saved Piccolo rows with unique, sensible defaults.

Every keyword overrides a column. Parents are given as rows (or ids). Dates are placed
around ``app.clock.today()``, so with the ``clock`` fixture they follow the moved clock:
a programme made by default is open today.

    campaign = await make_campaign()
    piece = await make_required_piece(campaign)
    programme = await make_programme(await make_commission(await make_centre(campaign)),
                                     pieces=[piece])
    candidate = await make_candidate(await make_account(campaign))
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any, TypeVar

from piccolo.table import Table

from app import clock
from app.core.codes.applications import ProcessingType
from app.core.codes.dossier import Civility
from app.tables.accounts import CandidateAccount
from app.tables.catalog import (
    Campaign,
    Centre,
    Commission,
    Programme,
    ProgrammePiece,
    RequiredPiece,
)
from app.tables.dossier import Candidate

T = TypeVar("T", bound=Table)

_sequence = itertools.count(1)
_LOGIN_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _next() -> int:
    return next(_sequence)


def _id(row: Table | dict | int) -> int:
    if isinstance(row, Table):
        return row.id
    if isinstance(row, dict):
        return row["id"]
    return row


def _login(number: int) -> str:
    """An 8-character dossier number from 0-9A-Z, unique per number."""
    digits = []
    for _ in range(7):
        number, digit = divmod(number, len(_LOGIN_ALPHABET))
        digits.append(_LOGIN_ALPHABET[digit])
    return "T" + "".join(reversed(digits))  # "T" keeps them apart from drawn numbers


async def _save(table: type[T], values: dict[str, Any]) -> T:
    row = table(**values)
    await row.save()
    return row


async def make_campaign(**overrides: Any) -> Campaign:
    """An active campaign (only one may be active: pass ``active=False`` for others)."""
    n = _next()
    today = clock.today()
    return await _save(
        Campaign,
        {
            "code": f"CAMP{n}",
            "label_fr": f"Campagne de test {n}",
            "label_en": f"Test campaign {n}",
            "academic_year": f"{today.year}/{today.year + 1}",
            "start_date": today - timedelta(days=60),
            "end_date": today + timedelta(days=180),
            "active": True,
            **overrides,
        },
    )


async def make_centre(campaign: Campaign | int, **overrides: Any) -> Centre:
    n = _next()
    return await _save(
        Centre,
        {
            "campaign": _id(campaign),
            "code": f"CENTRE{n}",
            "label": f"DEMANDE DE CESURE - CENTRE {n}",
            "position": n,
            "contact_email": f"centre{n}@univ.example",
            "address_lines": "118 route de Narbonne",
            "postal_code": "31062",
            "city": "TOULOUSE",
            **overrides,
        },
    )


async def make_commission(centre: Centre | int, **overrides: Any) -> Commission:
    n = _next()
    return await _save(
        Commission,
        {
            "centre": _id(centre),
            "code": f"COMM{n}",
            "label": f"Commission {n}",
            "email": f"commission{n}@univ.example",
            "address_lines": "118 route de Narbonne",
            "postal_code": "31062",
            "city": "TOULOUSE",
            "signatory": "La présidence de la commission",
            **overrides,
        },
    )


async def make_required_piece(campaign: Campaign | int, **overrides: Any) -> RequiredPiece:
    n = _next()
    return await _save(
        RequiredPiece,
        {
            "campaign": _id(campaign),
            "code": f"PIECE{n}",
            "label_fr": f"Pièce justificative {n}",
            "label_en": f"Document {n}",
            "position": n,
            **overrides,
        },
    )


async def make_programme(
    commission: Commission | int,
    pieces: Iterable[RequiredPiece | int] = (),
    **overrides: Any,
) -> Programme:
    """A programme whose deposit window is open today (AC, online documents)."""
    n = _next()
    today = clock.today()
    deposit_end: date = overrides.get("deposit_end", today + timedelta(days=28))
    programme = await _save(
        Programme,
        {
            "commission": _id(commission),
            "code": f"PROG{n}",
            "label": f"GESTION CESURE TEST {n} (ANNEE)",
            "group_label": "DEMANDE DE CESURE",
            "online_documents": True,
            "processing_type": ProcessingType.CONTROLLED.value,
            "deposit_start": today - timedelta(days=7),
            "deposit_end": deposit_end,
            "return_date": deposit_end + timedelta(days=7),
            **overrides,
        },
    )
    for piece in pieces:
        await _save(ProgrammePiece, {"programme": programme.id, "piece": _id(piece)})
    return programme


async def make_account(campaign: Campaign | int, **overrides: Any) -> CandidateAccount:
    """An activated account with a validated email and no password (set
    ``password_hash`` for a password sign-in)."""
    n = _next()
    now = clock.now()
    values = {
        "campaign": _id(campaign),
        "login": _login(n),
        "email": f"candidat{n}@example.org",
        "last_name": f"DUPONT{n}",
        "first_name": "Camille",
        "activated_at": now,
        "email_validated_at": now,
        **overrides,
    }
    values["email"] = values["email"].lower()  # stored lower-cased (unique ignoring case)
    return await _save(CandidateAccount, values)


async def make_candidate(account: CandidateAccount, **overrides: Any) -> Candidate:
    """The account's personal information, without reference-data links (nationality,
    birth place: pass them when the test loaded the reference data)."""
    return await _save(
        Candidate,
        {
            "account": account.id,
            "civility": Civility.MRS.value,
            "birth_name": account.last_name.upper(),
            "first_name": account.first_name,
            "birth_date": date(2004, 5, 17),
            "birth_city_label": "Toulouse",
            **overrides,
        },
    )
