"""Piccolo configuration: the engine comes from ``DATABASE_URL`` (see app/settings.py)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from piccolo.conf.apps import AppRegistry

from app.postgres_connection import NoResetQueryConnection
from app.postgres_engine import HeldConnectionPostgresEngine
from app.settings import get_settings
from app.sqlite_engine import PooledSQLiteEngine


def make_engine(database_url: str, *, behind_pgbouncer: bool = False):
    scheme = urlsplit(database_url).scheme
    if scheme == "sqlite":
        path = Path(database_url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        return PooledSQLiteEngine(path=str(path))
    if scheme in {"postgres", "postgresql"}:
        config = {"dsn": database_url, "connection_class": NoResetQueryConnection}
        if behind_pgbouncer:  # transaction pooling: a prepared statement may meet another server
            config["statement_cache_size"] = 0
        return HeldConnectionPostgresEngine(config=config)
    raise RuntimeError(
        f"DATABASE_URL must start with sqlite:/// or postgres://, not {scheme or database_url!r}"
    )


DB = make_engine(
    get_settings().database_url, behind_pgbouncer=get_settings().database_behind_pgbouncer
)

APP_REGISTRY = AppRegistry(
    apps=[
        "app.piccolo_app",
        "piccolo.apps.user.piccolo_app",
        "piccolo_api.session_auth.piccolo_app",
    ]
)
