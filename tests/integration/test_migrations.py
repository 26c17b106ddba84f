"""The migrations and the table classes describe the same schema."""

from __future__ import annotations

import pytest
from piccolo.apps.migrations.commands.new import AutoMigrationManager

from app.piccolo_app import APP_CONFIG, TABLES
from app.settings import get_settings


async def test_no_pending_auto_migration():
    statements = await AutoMigrationManager(auto_input="n").get_alter_statements(APP_CONFIG)
    pending = [line for alter in statements for line in alter.statements]
    assert pending == []


async def _database_columns(engine, table: str) -> set[str]:
    if get_settings().is_sqlite:
        rows = await engine.run_ddl(f'PRAGMA table_info("{table}")')
        return {row["name"] for row in rows}
    rows = await engine.run_ddl(
        "SELECT column_name AS name FROM information_schema.columns "
        f"WHERE table_schema = 'public' AND table_name = '{table}'"
    )
    return {row["name"] for row in rows}


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t._meta.tablename)
async def test_migrated_database_has_every_column(database, table):
    expected = {column._meta.db_column_name for column in table._meta.columns}
    assert await _database_columns(database, table._meta.tablename) == expected


async def test_code_columns_are_checked_by_the_database(database):
    from app.tables.catalog import DecisionType

    with pytest.raises(Exception, match=r"(?i)check"):
        await DecisionType.insert(DecisionType(code="X", label_fr="X", verdict="ZZ"))
    assert await DecisionType.count() == 0


async def test_only_one_campaign_can_be_active(database):
    from datetime import date

    from app.tables.catalog import Campaign

    def campaign(code: str) -> Campaign:
        return Campaign(
            code=code,
            label_fr=code,
            academic_year="2026/2027",
            start_date=date(2026, 1, 1),
            end_date=date(2026, 12, 31),
            active=True,
        )

    await Campaign.insert(campaign("A"))
    with pytest.raises(Exception, match=r"(?i)unique|duplicate"):
        await Campaign.insert(campaign("B"))
    assert await Campaign.count() == 1
