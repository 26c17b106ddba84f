"""The dossier as its pages read it, in one plain SQL statement compiled once.

The overview page (/dossier) and the completeness check of the offer page need the
account's candidate row, its address (with the commune and country names), its bac
(with the series label), the row count of each many-rows section and the two
reference ids the rules compare with (France, "sans bac"). Built with Piccolo, that
was five queries whose SQL was rebuilt on every request (issue 13's profile); here it
is one statement, written once for SQLite and PostgreSQL (``app.sql``). Candidate,
address and bac are one per account (unique keys), so the joins never multiply rows.
Nothing here writes.
"""

from __future__ import annotations

from dataclasses import dataclass

from piccolo.table import Table

from app.dossier.lookups import FRANCE_COG, NO_BAC_CODE
from app.sql import ReadStatement
from app.tables.accounts import CandidateAccount
from app.tables.applications import Application
from app.tables.dossier import (
    Address,
    Baccalaureate,
    Candidate,
    InternalStudy,
    Internship,
    PriorStudy,
    WorkExperience,
)
from app.tables.refdata import BacSerie, Commune, Country

# Each joined row's columns come back under a prefix: the tables share column names.
_PREFIXES = {"c": Candidate, "ad": Address, "b": Baccalaureate}

COUNTED = {
    "live_applications": Application,
    "internal": InternalStudy,
    "prior": PriorStudy,
    "internships": Internship,
    "experiences": WorkExperience,
}
"""Rows per section of the dossier (live applications: not cancelled)."""


def _columns(alias: str, table: type[Table]) -> list[str]:
    return [
        f"{alias}.{name} AS {alias}__{name}"
        for name in (column._meta.db_column_name for column in table._meta.columns)
    ]


def _count(name: str, table: type[Table]) -> str:
    live = " AND cancelled_at IS NULL" if table is Application else ""
    return (
        f"(SELECT COUNT(*) FROM {table._meta.tablename} WHERE candidate = c.id{live}) AS n__{name}"
    )


_DOSSIER_COLUMNS = [
    "acc.login AS account_login",
    "acc.email AS account_email",
    "acc.pending_email AS account_pending_email",
    *(column for alias, table in _PREFIXES.items() for column in _columns(alias, table)),
    "com.name AS ad__commune_name",
    "cty.name_fr AS ad__country_name",
    "s.label AS b__serie_label",
    *(_count(name, table) for name, table in COUNTED.items()),
    f"(SELECT id FROM {Country._meta.tablename} WHERE cog_code = {{}}) AS ref_france",
    f"(SELECT id FROM {BacSerie._meta.tablename} WHERE code = {{}}) AS ref_no_bac",
]
_DOSSIER_FROM = f"""
FROM {CandidateAccount._meta.tablename} acc
LEFT JOIN {Candidate._meta.tablename} c ON c.account = acc.id
LEFT JOIN {Address._meta.tablename} ad ON ad.id = c.address
LEFT JOIN {Commune._meta.tablename} com ON com.id = ad.commune
LEFT JOIN {Country._meta.tablename} cty ON cty.id = ad.country
LEFT JOIN {Baccalaureate._meta.tablename} b ON b.candidate = c.id
LEFT JOIN {BacSerie._meta.tablename} s ON s.id = b.serie
WHERE acc.id = {{}}
"""
_DOSSIER = ReadStatement(f"SELECT {', '.join(_DOSSIER_COLUMNS)} {_DOSSIER_FROM}")

# The offer page also needs the candidate's live applications (programme → application):
# they come as more rows of the same statement, NULL in every column of the dossier
# (one round trip instead of two; a join would repeat the dossier's columns per row).
_NO_DOSSIER = ", ".join(["NULL"] * len(_DOSSIER_COLUMNS))
_DOSSIER_AND_LIVE_APPLICATIONS = ReadStatement(
    f"SELECT NULL AS live_application, NULL AS live_programme, {', '.join(_DOSSIER_COLUMNS)}"
    f" {_DOSSIER_FROM} UNION ALL SELECT a.id, a.programme, {_NO_DOSSIER}"
    f" FROM {Application._meta.tablename} a JOIN {Candidate._meta.tablename} c"
    " ON c.id = a.candidate WHERE c.account = {} AND a.cancelled_at IS NULL"
)


@dataclass(frozen=True)
class DossierRows:
    account: dict
    """login, email, pending_email."""
    candidate: dict | None
    address: dict | None
    """With ``commune_name`` and ``country_name``."""
    bac: dict | None
    """With ``serie_label``."""
    counts: dict[str, int]
    """Per ``COUNTED`` name."""
    france: int | None
    no_bac: int | None


# Per prefix: (column name in the row, name in the part), joined columns included.
_PARTS = {
    alias: [
        (f"{alias}__{name}", name)
        for name in (
            [column._meta.db_column_name for column in table._meta.columns]
            + {"ad": ["commune_name", "country_name"], "b": ["serie_label"]}.get(alias, [])
        )
    ]
    for alias, table in _PREFIXES.items()
}


def _part(row: dict, prefix: str) -> dict | None:
    if row[f"{prefix}__id"] is None:
        return None
    return {name: row[key] for key, name in _PARTS[prefix]}


async def dossier_rows(account_id: int) -> DossierRows | None:
    """The account's dossier rows in one query; None when there is no such account."""
    rows = await _DOSSIER.rows(FRANCE_COG, NO_BAC_CODE, account_id)
    return _dossier_of(rows[0]) if rows else None


async def dossier_rows_and_live_applications(
    account_id: int,
) -> tuple[DossierRows | None, dict[int, int]]:
    """:func:`dossier_rows` and the account's applications not cancelled (programme id →
    application id), in one query."""
    rows = await _DOSSIER_AND_LIVE_APPLICATIONS.rows(
        FRANCE_COG, NO_BAC_CODE, account_id, account_id
    )
    dossier = next((_dossier_of(row) for row in rows if row["live_application"] is None), None)
    live = {
        row["live_programme"]: row["live_application"]
        for row in rows
        if row["live_application"] is not None
    }
    return dossier, live


def _dossier_of(row: dict) -> DossierRows:
    return DossierRows(
        account={
            "login": row["account_login"],
            "email": row["account_email"],
            "pending_email": row["account_pending_email"],
        },
        candidate=_part(row, "c"),
        address=_part(row, "ad"),
        bac=_part(row, "b"),
        counts={name: int(row[f"n__{name}"]) for name in COUNTED},
        france=row["ref_france"],
        no_bac=row["ref_no_bac"],
    )
