"""A large campaign for the benchmarks: 100,000 applications by default, written set-based.

Not a test. Into a database already migrated with the reference data loaded (``--setup``
runs ``app.cli migrate`` and ``load-refdata`` first)::

    .venv/bin/python bench/large_campaign.py --database-url postgres://…/ecesure_bench \
        [--applications 100000] [--expired-accounts 0] [--setup]

One new campaign (active when no other is): 8 centres × 3 commissions × 5 programmes,
three required pieces asked by every programme; candidates with their account, dossier
(identity, nationality, bac), 1 to 4 applications each (2 on average), the pieces rows,
decisions, audit events and mails in the proportions of ``large_campaign_rows``; plus,
with ``--expired-accounts``, unactivated accounts past their purge date (each with its
candidate row, activation token, mail, audit event and dossier number).

The programmes' dates are spread around today so that the daily jobs find work: return
dates from 2 days ago to 9 days ahead (reminders due on two thirds of them), fixed
confirmation dates from 3 days ago to 5 days ahead (answer reminders and automatic
withdrawals due on a third each); one programme in four manages a waiting list.

Writes are ``COPY`` on PostgreSQL (asyncpg), one prepared ``executemany`` per batch on
SQLite, all in one transaction. Other benchmarks import :func:`generate`.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from app.applications.latest_decision import RECOUNT as DECISIONS  # noqa: E402
from app.applications.piece_counter import RECOUNT  # noqa: E402
from bench import large_campaign_rows as rows  # noqa: E402
from bench.bulk_sink import BulkSink  # noqa: E402

CENTRES, COMMISSIONS, PROGRAMMES = 8, 3, 5
PIECES = ("Pièce d'identité", "Relevé de notes", "Lettre de motivation")
VERDICTS = {"FA": "Avis favorable", "DE": "Avis défavorable", "LC": "Liste complémentaire",
            "LA": "Liste d'attente", "PR": "Présélection"}  # fmt: skip
ID_TABLES = [
    "campaign",
    "centre",
    "commission",
    "programme",
    "required_piece",
    "programme_piece",
    "decision_type",
    "candidate_account",
    "candidate",
    "baccalaureate",
    "application",
    "submitted_piece",
    "decision",
    "audit_event",
    "outbox_mail",
    "account_token",
    "dossier_number_history",
]


@dataclass(frozen=True)
class Generated:
    campaign_id: int
    centre_ids: list[int]
    commission_ids: list[int]
    programme_ids: list[int]
    written: dict[str, int]
    seconds: float


def setup_database(database_url: str) -> None:
    """Schema, mail templates and reference data, through the portal's own commands."""
    env = {**os.environ, "DATABASE_URL": database_url, "PYTHONPATH": str(ROOT)}
    for command in ("migrate", "load-refdata"):
        subprocess.run([sys.executable, "-m", "app.cli", command], cwd=ROOT, env=env,
                       check=True, stdout=subprocess.DEVNULL)  # fmt: skip


def paris_today() -> date:
    return datetime.now(ZoneInfo("Europe/Paris")).date()


async def _catalogue(sink: BulkSink, ids: rows.Ids, today: date) -> tuple:
    """Campaign, centres, commissions, programmes, pieces; the decision types by verdict."""
    campaign = ids.take("campaign")
    active = not (await sink.fetch("SELECT id FROM campaign WHERE active"))
    await sink.insert(
        "campaign",
        ["id", "code", "label_fr", "label_en", "academic_year", "start_date", "end_date", "active"],
        [(campaign, f"BENCH{campaign}", f"Campagne de mesure {campaign}",
          f"Benchmark campaign {campaign}", "2026/2027", today - timedelta(days=90),
          today + timedelta(days=270), active)],
    )  # fmt: skip
    centres, commissions, programmes, with_list = [], [], [], []
    for c in range(CENTRES):
        centre = ids.take("centre")
        centres.append((centre, campaign, f"C{c}", f"Centre de mesure {c + 1}", c))
        for m in range(COMMISSIONS):
            commission = ids.take("commission")
            commissions.append((commission, centre, f"M{m}", f"Commission {c + 1}.{m + 1}",
                                f"commission{commission}@univ.example"))  # fmt: skip
            for p in range(PROGRAMMES):
                n = len(programmes)
                back = today + timedelta(days=n % 12 - 2)
                confirm = today + timedelta(days=n % 9 - 3)
                programmes.append((ids.take("programme"), commission, f"P{p}",
                                   f"Formation {n + 1:03d} de mesure", True, "AC",
                                   n % 4 == 0, today - timedelta(days=40),
                                   min(back, today + timedelta(days=1)) - timedelta(days=3),
                                   back, confirm))  # fmt: skip
                with_list.append(n % 4 == 0)
    await sink.insert("centre", ["id", "campaign", "code", "label", "position"], centres)
    await sink.insert("commission", ["id", "centre", "code", "label", "email"], commissions)
    await sink.insert(
        "programme",
        ["id", "commission", "code", "label", "active", "processing_type", "waiting_list", "deposit_start", "deposit_end", "return_date", "confirmation_date"],
        programmes,
    )  # fmt: skip
    pieces = [(ids.take("required_piece"), campaign, f"BP{i}", label, label, i)
              for i, label in enumerate(PIECES)]  # fmt: skip
    await sink.insert("required_piece", ["id", "campaign", "code", "label_fr", "label_en", "position"],
                      pieces)  # fmt: skip
    await sink.insert(
        "programme_piece",
        ["id", "programme", "piece"],
        [(ids.take("programme_piece"), p[0], piece[0]) for p in programmes for piece in pieces],
    )
    verdict_types = {}
    for verdict, label in VERDICTS.items():
        found = await sink.fetch(
            f"SELECT MIN(id) FROM decision_type WHERE verdict = '{verdict}' AND active"
        )
        if found[0][0] is None:
            type_id = ids.take("decision_type")
            await sink.insert("decision_type", ["id", "code", "label_fr", "label_en", "verdict"],
                              [(type_id, f"BENCH_{verdict}", label, label, verdict)])  # fmt: skip
            verdict_types[verdict] = type_id
        else:
            verdict_types[verdict] = found[0][0]
    return (campaign, [c[0] for c in centres], [m[0] for m in commissions],
            [p[0] for p in programmes], [p[0] for p in pieces], verdict_types)  # fmt: skip


async def generate(
    database_url: str,
    *,
    applications: int = 100_000,
    expired_accounts: int = 0,
    seed: int = 13,
    today: date | None = None,
) -> Generated:
    """Write one large campaign into ``database_url`` and say what was written."""
    started = time.perf_counter()
    today = today or paris_today()
    async with BulkSink(database_url) as sink:
        ids = rows.Ids({table: await sink.next_id(table) for table in ID_TABLES})
        # Dossier numbers are never reissued, even once their account is purged.
        issued = await sink.fetch(
            "SELECT MAX(login) FROM (SELECT login FROM dossier_number_history UNION ALL"
            " SELECT login FROM candidate_account) AS l WHERE login LIKE 'B%'"
        )
        ids.next["login"] = rows.login_number(issued[0][0]) + 1
        campaign, centres, commissions, programmes, pieces, types = await _catalogue(
            sink, ids, today
        )
        countries = [r[0] for r in await sink.fetch("SELECT id FROM ref_country")]
        series = [r[0] for r in await sink.fetch("SELECT id FROM ref_bac_serie")]
        if not countries or not series:
            raise SystemExit("no reference data: run with --setup (or app.cli load-refdata)")
        draw = rows.Draw(random.Random(seed), ids, campaign, programmes, pieces, types,
                         countries, series)  # fmt: skip
        people = (applications + 1) // 2
        account_rows = list(rows.accounts(draw, people, activated=True))
        await sink.insert("candidate_account", rows.ACCOUNT_COLUMNS, account_rows)
        candidate_rows = list(rows.candidates(draw, account_rows))
        await sink.insert("candidate", rows.CANDIDATE_COLUMNS, candidate_rows)
        await sink.insert(
            "baccalaureate", rows.BAC_COLUMNS, rows.baccalaureates(draw, candidate_rows)
        )
        await sink.insert("application", rows.APPLICATION_COLUMNS,
                          rows.applications(draw, candidate_rows, applications))  # fmt: skip
        await sink.insert("submitted_piece", rows.PIECE_COLUMNS, rows.pieces(draw))
        await sink.fetch(RECOUNT)  # application.pieces_to_review, as the portal keeps it
        await sink.insert("decision", rows.DECISION_COLUMNS, rows.decisions(draw))
        await sink.fetch(DECISIONS)  # application.current_decision, as the portal keeps it
        await sink.insert("audit_event", rows.AUDIT_COLUMNS, rows.audit_events(draw))
        await sink.insert("outbox_mail", rows.MAIL_COLUMNS, rows.application_mails(draw))
        if expired_accounts:
            expired = list(rows.accounts(draw, expired_accounts, activated=False))
            await sink.insert("candidate_account", rows.ACCOUNT_COLUMNS, expired)
            await sink.insert("candidate", rows.CANDIDATE_COLUMNS, rows.candidates(draw, expired))
            columns = {"account_token": rows.TOKEN_COLUMNS, "outbox_mail": rows.MAIL_COLUMNS,
                       "audit_event": rows.AUDIT_COLUMNS,
                       "dossier_number_history": rows.HISTORY_COLUMNS}  # fmt: skip
            for table, table_rows in rows.signup_rows(draw, expired).items():
                await sink.insert(table, columns[table], table_rows)
        await sink.finish()
        written = dict(sink.written)
    if sink.postgres:  # fresh statistics: the planner must see 100k rows, not 0
        import asyncpg

        connection = await asyncpg.connect(database_url)
        try:
            await connection.execute("ANALYZE")
        finally:
            await connection.close()
    return Generated(campaign, centres, commissions, programmes, written,
                     time.perf_counter() - started)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"), required=False)
    parser.add_argument("--applications", type=int, default=100_000)
    parser.add_argument("--expired-accounts", type=int, default=0)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--setup", action="store_true", help="migrate and load reference data")
    args = parser.parse_args()
    if not args.database_url:
        parser.error("--database-url (or DATABASE_URL) is required")
    if args.setup:
        setup_database(args.database_url)
    result = asyncio.run(generate(args.database_url, applications=args.applications,
                                  expired_accounts=args.expired_accounts, seed=args.seed))  # fmt: skip
    for table, count in result.written.items():
        print(f"{table:24} {count:>9,}")
    print(f"campaign {result.campaign_id}: {sum(result.written.values()):,} rows "
          f"in {result.seconds:.1f} s")  # fmt: skip


if __name__ == "__main__":
    main()
