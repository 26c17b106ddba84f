"""Dev-only pages about mail (mounted only when ENV=dev)."""

from __future__ import annotations

dev_mail_routes: list = []
