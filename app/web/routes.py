"""Site-wide routes: the language switch and the accessibility statement."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated
from urllib.parse import urlsplit

from litestar import get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template

from app.core.i18n import LANGUAGE_COOKIE, LANGUAGES
from app.settings import get_settings


@dataclass
class LanguageForm:
    language: str
    next: str = "/"


def _safe_next(target: str) -> str:
    """Only local paths: the switch must not become an open redirect."""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


@post("/langue", name="set_language", opt={"skip_session": True}, status_code=303)
async def set_language(
    data: Annotated[LanguageForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
) -> Redirect:
    language = data.language if data.language in LANGUAGES else get_settings().default_language
    response = Redirect(_safe_next(data.next), status_code=303)
    response.set_cookie(
        LANGUAGE_COOKIE,
        language,
        max_age=365 * 24 * 3600,
        samesite="lax",
        httponly=True,
        secure=get_settings().is_prod,
    )
    return response


@get("/accessibilite", name="accessibility")
async def accessibility() -> Template:
    """The accessibility statement that French public services must publish (RGAA)."""
    settings = get_settings()
    return Template(
        template_name="site/accessibility.html",
        context={"contact_email": settings.accessibility_contact_email},
    )
