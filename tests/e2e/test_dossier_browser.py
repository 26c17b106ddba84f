"""The dossier in Chromium: filled entirely without JavaScript, and one dependent list
narrowed by htmx without a page load (issue 4, acceptance)."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import expect

from app.accounts.passwords import hash_password
from app.tables.dossier import Candidate
from tests.factories import make_account, make_campaign

PASSWORD = "Dossier-ecesure-2026"


@pytest.fixture
async def account(refdata):
    """A prepared account, activated, with the empty dossier sign-up leaves."""
    account = await make_account(await make_campaign(), password_hash=hash_password(PASSWORD))
    await Candidate(account=account.id, birth_name=account.last_name, first_name="Camille").save()
    return account


async def sign_in(page, account) -> None:
    await page.goto("/connexion")
    await page.get_by_label("Numéro de dossier ou adresse mail").fill(account.login)
    await page.get_by_label("Mot de passe").fill(PASSWORD)
    await page.get_by_role("button", name="Se connecter").click()
    await expect(page.get_by_role("heading", name="Mon dossier", exact=True)).to_be_visible()


async def refresh_lists(page) -> None:
    await page.get_by_role("button", name="Mettre à jour les listes").click()


async def save(page) -> None:
    await page.get_by_role("button", name="Enregistrer", exact=True).click()


async def test_the_whole_dossier_without_javascript(browser, live_server, account):
    context = await browser.new_context(
        base_url=live_server, locale="fr-FR", java_script_enabled=False
    )
    page = await context.new_page()
    try:
        await sign_in(page, account)

        # Informations personnelles: France is preselected; the commune list comes
        # with the département once the lists are updated.
        await page.get_by_role("link", name="Informations personnelles").first.click()
        await page.get_by_label("Nationalité").select_option(label="Français")
        await page.get_by_label("Civilité").select_option(label="Mme")
        await page.get_by_label("Date naissance (jj/mm/aaaa)").fill("15/03/2005")
        await page.get_by_label("Département de naissance").select_option(
            label="31 – Haute-Garonne"
        )
        await refresh_lists(page)
        await page.get_by_label("Ville de naissance").select_option(label="Toulouse")
        await page.get_by_label("Téléphone portable").fill("06 12 34 56 78")
        await save(page)
        await expect(
            page.get_by_text("Vos informations personnelles ont été enregistrées.")
        ).to_be_visible()

        # Adresse: the postal code narrows the communes.
        await page.get_by_role("link", name="Adresse", exact=True).first.click()
        await page.get_by_label(re.compile(r"^Adresse\b(?! mail)")).fill("12 rue des Lois")
        await page.get_by_label("Code postal").fill("31000")
        await refresh_lists(page)
        await page.get_by_label("Commune").select_option(label="Toulouse")
        await save(page)
        await expect(page.get_by_text("Votre adresse a été enregistrée.")).to_be_visible()

        # Baccalauréat: the séries follow the year, the lycées the commune.
        await page.get_by_role("link", name="Baccalauréat").first.click()
        await page.get_by_label("J'ai le Bac ou une équivalence").check()
        await refresh_lists(page)
        await page.get_by_label("Année d'obtention").fill("2022")
        await page.get_by_label("Département").select_option(label="31 – Haute-Garonne")
        await refresh_lists(page)
        await page.get_by_label("Série du bac ou équivalence").select_option(
            label="Baccalauréat général (enseignements de spécialité)"
        )
        await page.get_by_label("Mention").select_option(label="Bien")
        await page.get_by_label("Commune").select_option(label="Toulouse")
        await refresh_lists(page)
        await page.get_by_label("Etablissement").select_option(
            label="LYCÉE GÉNÉRAL PIERRE DE FERMAT – TOULOUSE CEDEX 07"
        )
        await save(page)
        await expect(page.get_by_text("Votre baccalauréat a été enregistré.")).to_be_visible()

        # One cursus externe row.
        await page.goto("/dossier/cursus-externe")
        await page.get_by_role("link", name="Nouveau cursus").click()
        await page.get_by_label("Département").select_option(label="31 – Haute-Garonne")
        await refresh_lists(page)
        await page.get_by_label("Commune").select_option(label="Toulouse")
        await refresh_lists(page)
        # A university is not in the reference list: "autre", then its name.
        await page.get_by_label("Etablissement").select_option(
            label="Autre établissement (absent de la liste)"
        )
        await refresh_lists(page)
        await page.get_by_label("Nom de l'établissement").fill("UNIVERSITE DE TOULOUSE")
        await page.get_by_label("Année d'obtention").fill("2024")
        await page.get_by_label(re.compile(r"^Formation")).select_option(label="Licence")
        await page.get_by_label("Libellé et niveau de la formation").fill("L1 Sciences de la Vie")
        await page.get_by_label("Obtenu").select_option(label="Obtenu")
        await save(page)
        await expect(
            page.get_by_role("cell", name="L1 Sciences de la Vie", exact=True)
        ).to_be_visible()

        # One stage, one expérience professionnelle.
        await page.goto("/dossier/stages/nouveau")
        await page.get_by_label("Année").fill("2025")
        await page.get_by_label("Durée").fill("2 mois")
        await page.get_by_label("Nombre d'heures/semaine").fill("35")
        await page.get_by_label("Employeur/organisme").fill("CHU de Toulouse")
        await page.get_by_label("Descriptif").fill("Stage d'observation en laboratoire")
        await save(page)
        await expect(page.get_by_role("cell", name="CHU de Toulouse", exact=True)).to_be_visible()

        await page.goto("/dossier/experiences/nouvelle")
        await page.get_by_label("Année").fill("2024")
        await page.get_by_label("Intitulé").fill("Animateur")
        await page.get_by_label("Durée").fill("2 mois (CDD)")
        await page.get_by_label("Employeur/organisme").fill("Mairie de Toulouse")
        await save(page)
        await expect(
            page.get_by_role("cell", name="Mairie de Toulouse", exact=True)
        ).to_be_visible()

        await page.goto("/dossier")
        await expect(page.get_by_text("vous pouvez déposer vos demandes de césure")).to_be_visible()
        badges = await page.locator(".section-card .badge").all_inner_texts()
        assert badges == ["Complet"] * 6
    finally:
        await context.close()


async def test_choosing_a_departement_narrows_the_communes_with_htmx(page, page_problems, account):
    await sign_in(page, account)
    await page.goto("/dossier/informations-personnelles")
    # htmx does the update: the no-JavaScript button is hidden.
    await expect(page.get_by_role("button", name="Mettre à jour les listes")).to_be_hidden()
    await page.evaluate("window.loadedOnce = true")  # gone if the page were reloaded

    await page.get_by_label("Département de naissance").select_option(label="74 – Haute-Savoie")
    communes = page.get_by_label("Ville de naissance")
    await expect(
        communes.locator("option", has_text="Annecy-le-Vieux (ancienne commune, Annecy)")
    ).to_have_count(1)
    await expect(communes.locator("option", has_text=re.compile("^Toulouse$"))).to_have_count(0)
    assert await page.evaluate("window.loadedOnce") is True
    assert page.url.endswith("/dossier/informations-personnelles")

    # Inline check when leaving a field.
    await page.get_by_label("Nom patronymique").fill("")
    await page.get_by_label("Nom usuel").focus()
    await expect(page.locator("#birth_name-erreur")).to_have_text(
        "Le champ « Nom patronymique » est obligatoire."
    )
    assert await page.evaluate("window.loadedOnce") is True
    assert page_problems.csp_console_errors == []
    assert page_problems.page_errors == []
