"""Site-wide routes: the language switch and the accessibility statement."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from litestar import get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect

from app.core.i18n import LANGUAGE_COOKIE, LANGUAGES
from app.settings import get_settings
from app.web.redirects import local_path
from app.web.templating import Template


@dataclass
class LanguageForm:
    language: str
    next: str = "/"


@post("/langue", name="set_language", opt={"skip_session": True}, status_code=303)
async def set_language(
    data: Annotated[LanguageForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
) -> Redirect:
    language = data.language if data.language in LANGUAGES else get_settings().default_language
    response = Redirect(local_path(data.next, "/"), status_code=303)
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
