"""Codes of the ops records (no HTTP, no tables)."""

from __future__ import annotations

from enum import StrEnum


class ExportStatus(StrEnum):
    """A "Mes données" archive's life: queued -> ready -> downloaded (or expired)."""

    QUEUED = "queued"
    READY = "ready"
    DOWNLOADED = "downloaded"
    EXPIRED = "expired"
