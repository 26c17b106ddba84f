"""Every page names its icon (issue 14): the vendored SVG, served from /static, so the
browser asks for no /favicon.ico (a 404 in every console)."""

from __future__ import annotations

import re

from app.settings import PROJECT_ROOT


async def test_pages_link_the_svg_favicon_which_is_served(client):
    page = await client.get("/")
    error_page = await client.get("/nulle-part", headers={"accept": "text/html"})

    [href] = re.findall(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', page.text)
    assert re.fullmatch(r"/static/favicon\.svg\?v=\d+", href)
    assert f'<link rel="icon" href="{href}"' in error_page.text
    icon = await client.get(href)
    assert icon.status_code == 200
    assert icon.headers["content-type"].startswith("image/svg+xml")
    assert icon.content == (PROJECT_ROOT / "static" / "favicon.svg").read_bytes()
