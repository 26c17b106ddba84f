"""Issue 12 item 7 in Chromium: the "Etablissement" of a cursus externe in France is
chosen from the reference list, with JavaScript (htmx narrows it to the commune
without a page load) and without (the "Mettre à jour les listes" button); axe finds no
serious violation on the form."""

from __future__ import annotations

import re

from axe_playwright_python.async_playwright import Axe
from playwright.async_api import Page, expect

from app.tables.dossier import PriorStudy
from tests.e2e.test_dossier_browser import account, refresh_lists, save, sign_in

__all__ = ["account"]  # a fixture shared with the dossier's browser test

# In Toulouse (31000), with the name fixed in the reference data ("FRANÈAISE" before).
SCHOOL = "ÉCOLE DENTAIRE FRANÇAISE PRIVÉE – Toulouse"


async def serious_violations(page: Page) -> list:
    results = await Axe().run(page)
    return [
        (v["id"], [n["target"] for n in v["nodes"]])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


async def fill_the_rest(page: Page) -> None:
    await page.get_by_label("Année d'obtention").fill("2024")
    await page.get_by_label(re.compile(r"^Formation")).select_option(label="Licence")
    await page.get_by_label("Libellé et niveau de la formation").fill("CPGE MPSI")
    await page.get_by_label("Obtenu").select_option(label="Obtenu")


async def test_without_javascript_the_list_comes_with_the_button(browser, live_server, account):
    context = await browser.new_context(
        base_url=live_server, locale="fr-FR", java_script_enabled=False
    )
    page = await context.new_page()
    try:
        await sign_in(page, account)
        await page.goto("/dossier/cursus-externe/nouveau")
        establishment = page.get_by_label("Etablissement")
        await expect(establishment.locator("option")).to_have_count(1)  # "Choisissez d'abord…"
        await page.get_by_label("Département").select_option(label="31 – Haute-Garonne")
        await refresh_lists(page)
        await page.get_by_label("Commune").select_option(label="Toulouse")
        await refresh_lists(page)
        await expect(
            establishment.locator(
                "optgroup[label='Établissements de la commune'] option", has_text=SCHOOL
            )
        ).to_have_count(1)
        await establishment.select_option(label=SCHOOL)
        await fill_the_rest(page)
        await save(page)
        await expect(page.get_by_role("cell", name="CPGE MPSI", exact=True)).to_be_visible()
        await expect(
            page.get_by_role("cell", name="ÉCOLE DENTAIRE FRANÇAISE PRIVÉE", exact=True)
        ).to_be_visible()
        [row] = await PriorStudy.select(PriorStudy.establishment_label)
        assert row["establishment_label"] == "ÉCOLE DENTAIRE FRANÇAISE PRIVÉE"
    finally:
        await context.close()


async def test_with_htmx_the_list_follows_the_commune_without_reload(page, page_problems, account):
    await sign_in(page, account)
    await page.goto("/dossier/cursus-externe/nouveau")
    await expect(page.get_by_role("button", name="Mettre à jour les listes")).to_be_hidden()
    await page.evaluate("window.loadedOnce = true")  # gone if the page were reloaded

    await page.get_by_label("Département").select_option(label="31 – Haute-Garonne")
    await page.get_by_label("Commune").select_option(label="Toulouse")
    establishment = page.get_by_label("Etablissement")
    await expect(
        establishment.locator(
            "optgroup[label='Établissements de la commune'] option", has_text=SCHOOL
        )
    ).to_have_count(1)
    # "Autre": the name field appears, still without a reload.
    await establishment.select_option(label="Autre établissement (absent de la liste)")
    name = page.get_by_label("Nom de l'établissement")
    await expect(name).to_be_visible()
    await name.fill("Université Toulouse Capitole")
    await fill_the_rest(page)
    assert await page.evaluate("window.loadedOnce") is True
    assert await serious_violations(page) == []
    await save(page)
    await expect(
        page.get_by_role("cell", name="Université Toulouse Capitole", exact=True)
    ).to_be_visible()
    [row] = await PriorStudy.select(PriorStudy.establishment, PriorStudy.establishment_label)
    assert row == {"establishment": None, "establishment_label": "Université Toulouse Capitole"}
    assert page_problems.csp_console_errors == []
    assert page_problems.page_errors == []
