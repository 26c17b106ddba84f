"""Where the "Mes données" archives live: ``STORAGE_DIR/exports/<32 hex>.zip``, beside
the uploaded pieces, outside the web root, under a random name."""

from __future__ import annotations

from pathlib import Path

from app.settings import get_settings

EXPORTS_FOLDER = "exports"


def export_path(key: str) -> Path:
    if len(key) != 32 or any(c not in "0123456789abcdef" for c in key):
        raise ValueError(f"not an export key: {key!r}")
    return get_settings().storage_dir / EXPORTS_FOLDER / f"{key}.zip"
