"""The database engine follows its settings (docs/deploy.md)."""

from __future__ import annotations

from piccolo.engine.postgres import PostgresEngine

from app.postgres_connection import NoResetQueryConnection
from app.settings import load_settings
from app.sqlite_engine import PooledSQLiteEngine
from piccolo_conf import make_engine

URL = "postgres://ecesure@127.0.0.1:1/ecesure"  # nothing listens: the engine is only built


def test_behind_pgbouncer_asyncpg_caches_no_prepared_statement():
    direct = make_engine(URL)
    pooled = make_engine(URL, behind_pgbouncer=True)
    assert isinstance(direct, PostgresEngine) and isinstance(pooled, PostgresEngine)
    plain = {"dsn": URL, "connection_class": NoResetQueryConnection}
    assert direct.config == plain
    assert pooled.config == {**plain, "statement_cache_size": 0}


def test_the_embedded_default_reuses_its_connections(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'portal.db'}")
    assert isinstance(engine, PooledSQLiteEngine)
    assert engine.path == str(tmp_path / "portal.db")


def test_pool_settings(monkeypatch):
    monkeypatch.delenv("DATABASE_POOL_SIZE", raising=False)
    monkeypatch.delenv("DATABASE_PGBOUNCER", raising=False)
    settings = load_settings()
    assert (settings.database_pool_size, settings.database_behind_pgbouncer) == (10, False)
    monkeypatch.setenv("DATABASE_POOL_SIZE", "4")
    monkeypatch.setenv("DATABASE_PGBOUNCER", "1")
    settings = load_settings()
    assert (settings.database_pool_size, settings.database_behind_pgbouncer) == (4, True)
