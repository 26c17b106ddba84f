"""The headers of a stored file served back (candidate pages, review desk, admin).

HTTP-free strings, so that every layer that serves a file uses the same ones.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import quote

# The candidate's own file, on their own pages: nothing loaded from it, never framed.
CANDIDATE_FILE_CSP = (
    "default-src 'none'; object-src 'self'; style-src 'unsafe-inline'; img-src 'self'; "
    "frame-ancestors 'none'"
)
# A served file is the candidate's, not ours: sandboxed, nothing loaded from it, framed
# only by the desk's own page. Chrome's PDF viewer needs object-src and inline styles
# (crbug.com/271452); it still shows the PDF under ``sandbox`` (checked with Debian's
# Chromium 156, in an iframe).
STAFF_FILE_CSP = (
    "sandbox; default-src 'none'; object-src 'self'; img-src 'self'; "
    "style-src 'unsafe-inline'; frame-ancestors 'self'"
)


def content_disposition(kind: str, filename: str) -> str:
    """RFC 6266: an ASCII fallback name ("Piece d'identite.pdf") and the exact UTF-8 one."""
    ascii_name = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode()
    fallback = "".join(c for c in ascii_name if c.isprintable() and c not in '"\\')
    return f"{kind}; filename=\"{fallback or 'piece'}\"; filename*=UTF-8''{quote(filename)}"


def file_headers(original_name: str, *, policy: str, kind: str = "inline") -> dict[str, str]:
    """A stored file's headers: its name, its declared type only, no cache, ``policy``."""
    return {
        "Content-Disposition": content_disposition(kind, original_name),
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, no-store",
        "Content-Security-Policy": policy,
    }
