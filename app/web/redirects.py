"""Where a "next" address taken from a request may send the user: only a path of this
site, so that a link to our sign-in or language switch cannot forward to another site
(an open redirect)."""

from __future__ import annotations

from urllib.parse import urlsplit


def local_path(target: str | None, default: str) -> str:
    """``target`` when it is a path of this site (query included), else ``default``.

    Browsers read ``//host`` and ``/\\host`` as another site, and drop tabs and line
    breaks inside an address (``/\\t/host``), so a backslash or a control character
    anywhere refuses the target."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return default
    if "\\" in target or any(ord(c) < 0x20 or ord(c) == 0x7F for c in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target
