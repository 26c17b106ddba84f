"""Dossier pages (issue 4)."""

from __future__ import annotations

dossier_routes: list = []
