"""The admin's page shell: French, and timestamps in the portal's time zone.

piccolo-admin reads the time zone of its timestamp widgets from the browser's
``localStorage`` and starts on UTC; its page is a fixed ``index.html`` that the admin
keeps as ``AdminRouter.template``. A classic script placed before piccolo's module
script runs first and sets the portal's zone when the staff member has chosen none
(``static/js/admin-timezone.js``; an external file, as the admin's policy allows no
inline script).
"""

from __future__ import annotations

from html import escape

from piccolo_admin.endpoints import AdminRouter

from app.settings import Settings

TIMEZONE_SCRIPT = "/static/js/admin-timezone.js"


def with_portal_timezone(admin: AdminRouter, settings: Settings) -> AdminRouter:
    tag = (
        f'<script src="{TIMEZONE_SCRIPT}" data-timezone="{escape(settings.timezone)}"></script>\n  '
    )
    page = admin.template.replace('<html lang="en">', '<html lang="fr">', 1)
    admin.template = page.replace('<script type="module"', tag + '<script type="module"', 1)
    return admin
