"""Operator commands: ``python -m app.cli COMMAND`` (``--help`` lists them).

- ``migrate``        run every Piccolo migration forwards
- ``load-refdata``   load or refresh the French reference data (idempotent)
- ``load-demo``      create or refresh the demo campaign, staff and students (dev only)
- ``create-staff``   create or update a staff login with its role and scopes
- ``setup``          migrate + load-refdata + load-demo (the demo is skipped in prod)
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from piccolo.apps.migrations.commands.forwards import run_forwards
from piccolo.engine import engine_finder
from piccolo.engine.postgres import PostgresEngine

from app.backoffice.staff_members import StaffError, upsert_staff_user
from app.core.codes.staff import StaffRole
from app.demo.data import DemoSummary
from app.demo.seed import load_demo_data
from app.mail.default_templates import install_default_templates
from app.refdata.load import load_reference_data
from app.settings import PROJECT_ROOT, get_settings


class CommandError(Exception):
    """A command failed for a reason the operator can act on."""


@asynccontextmanager
async def database() -> AsyncIterator[None]:
    """Open PostgreSQL's connection pool for the command (SQLite has none)."""
    engine = engine_finder()
    if not isinstance(engine, PostgresEngine):
        yield
        return
    await engine.start_connection_pool(min_size=1, max_size=4)
    try:
        yield
    finally:
        await engine.close_connection_pool()


async def migrate() -> None:
    """Schema, then the shipped mail templates (missing ones only: staff edits stay)."""
    if get_settings().is_sqlite:
        # WAL lets the web process read while the worker writes (kept in the file).
        await engine_finder().run_ddl("PRAGMA journal_mode = WAL")
    result = await run_forwards("all")
    if not result.success:
        raise CommandError(f"migrations failed: {result.message}")
    print("Migrations applied.")
    installed = await install_default_templates()
    print(f"Mail templates: {installed} installed (existing ones kept).")


async def load_refdata() -> None:
    counts = await load_reference_data()
    print("Reference data loaded: " + ", ".join(f"{n} {name}" for name, n in counts.items()))


def _dates_line(summary: DemoSummary) -> str:
    d = summary.dates

    def fr(day) -> str:
        return day.strftime("%d/%m/%Y")

    return (
        f"deposit {fr(d.deposit_start)} → {fr(d.deposit_end)}, return {fr(d.return_date)}, "
        f"jury {fr(d.jury_date)}, publication {fr(d.publication_date)}, "
        f"confirmation {fr(d.confirmation_date)}"
    )


def print_demo_summary(summary: DemoSummary) -> None:
    created = ", ".join(f"{n} {kind}" for kind, n in sorted(summary.created.items()))
    print(f"Demo campaign {summary.campaign_code} « {summary.campaign_label} » (active)")
    print(f"  {_dates_line(summary)}")
    print("  " + ", ".join(f"{n} {kind.replace('_', ' ')}" for kind, n in summary.counts.items()))
    print(f"  created by this run: {created or 'nothing (already up to date)'}")
    print("Staff logins (back office):")
    for staff in summary.staff:
        scopes = [f"centre {code}" for code in staff.centre_codes]
        scopes += [f"commission {code}" for code in staff.commission_codes]
        scope = f" — {', '.join(scopes)}" if scopes else ""
        print(f"  {staff.username:<14} {staff.password:<26} role {staff.role.value}{scope}")
    c = summary.candidate
    print(f"Candidate with a transmitted application (/connexion): {summary.application}")
    print(f"  {c.login:<14} {c.password:<26} {c.first_name} {c.last_name}, {c.programme_code}")
    print("University students (development CAS login):")
    for student in summary.students:
        print(
            f"  {student.cas_login:<14} {student.password:<26} "
            f"n° {student.student_number} — {student.name}"
        )


async def load_demo(*, guide_dates: bool) -> None:
    if get_settings().is_prod:
        raise CommandError("refusing to load demo data with ENV=prod: its passwords are public")
    print_demo_summary(await load_demo_data(guide_dates=guide_dates))


def _staff_password() -> str:
    password = os.environ.get("STAFF_PASSWORD", "")
    if password:
        return password
    password = getpass.getpass("Password: ")
    if getpass.getpass("Password (again): ") != password:
        raise CommandError("the two passwords differ")
    return password


async def create_staff(args: argparse.Namespace, password: str) -> None:
    try:
        result = await upsert_staff_user(
            username=args.username,
            email=args.email,
            password=password,
            role=args.role,
            centre_codes=args.centre,
            commission_codes=args.commission,
            display_name=args.display_name,
            campaign_code=args.campaign,
        )
    except StaffError as error:
        raise CommandError(str(error)) from None
    print(f"Staff {args.username!r} {'created' if result.created else 'updated'} ({args.role}).")


async def setup(*, guide_dates: bool) -> None:
    await migrate()
    await load_refdata()
    if get_settings().is_prod:
        print("ENV=prod: demo data not loaded; create staff with `create-staff`.")
        return
    await load_demo(guide_dates=guide_dates)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m app.cli", description="eCésure operator commands"
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("migrate", help="run every migration forwards")
    commands.add_parser("load-refdata", help="load or refresh the reference data")
    for name, text in (
        ("load-demo", "load the demo data (not with ENV=prod)"),
        ("setup", "migrate and load all"),
    ):
        command = commands.add_parser(name, help=text)
        command.add_argument(
            "--guide-dates",
            action="store_true",
            help="use the candidate guide's dates (01/06/2026 → 01/07/2026), not dates "
            "around today",
        )
    staff = commands.add_parser(
        "create-staff",
        help="create or update a staff login (password from STAFF_PASSWORD or prompted)",
    )
    staff.add_argument("--username", required=True)
    staff.add_argument("--email", required=True)
    staff.add_argument("--role", required=True, choices=[role.value for role in StaffRole])
    staff.add_argument("--centre", action="append", default=[], metavar="CODE")
    staff.add_argument("--commission", action="append", default=[], metavar="CODE")
    staff.add_argument("--display-name", default="")
    staff.add_argument("--campaign", default=None, metavar="CODE", help="default: the active one")
    return parser


async def run(args: argparse.Namespace, password: str = "") -> None:
    async with database():
        match args.command:
            case "migrate":
                await migrate()
            case "load-refdata":
                await load_refdata()
            case "load-demo":
                await load_demo(guide_dates=args.guide_dates)
            case "create-staff":
                await create_staff(args, password)
            case "setup":
                await setup(guide_dates=args.guide_dates)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    # Piccolo imports ``piccolo_conf`` (at the project root) when a query first runs;
    # the root is on the path only when the command is started from there.
    if str(PROJECT_ROOT) not in sys.path:
        sys.path.insert(0, str(PROJECT_ROOT))
    try:
        # Prompt before the event loop starts: getpass blocks.
        password = _staff_password() if args.command == "create-staff" else ""
        asyncio.run(run(args, password))
    except CommandError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
