"""The candidate's applications in Chromium (issue 5, acceptance): applying, giving the
pieces and transmitting without JavaScript; with JavaScript, a phone photo over the
limit compressed in the page before its upload."""

from __future__ import annotations

import base64
from dataclasses import dataclass

import pytest
from axe_playwright_python.async_playwright import Axe
from playwright.async_api import Page, expect

from app.accounts.passwords import hash_password
from app.core.codes.applications import DossierStatus
from app.settings import get_settings
from app.tables.applications import Application
from app.tables.documents import StoredFile
from tests.e2e.conftest import REPORT_CSP_VIOLATIONS
from tests.factories import (
    make_account,
    make_campaign,
    make_centre,
    make_commission,
    make_programme,
    make_required_piece,
)
from tests.factories_dossier import make_complete_dossier
from tests.fixtures.files import PDF

PASSWORD = "Candidature-ecesure-2026"
CENTRE = "DEMANDE DE CESURE - FACULTE SCIENCES ET INGENIERIE (FSI)"
PROGRAMME = "GESTION CESURE FSI L1 (ANNEE)"


@pytest.fixture(scope="module")
def server(live_server) -> str:
    return live_server


@dataclass
class Offer:
    account: object
    piece_ids: list[int]


@pytest.fixture
async def offer(refdata, mail_templates) -> Offer:
    """A complete dossier, and one open programme asking for an identity document and a
    conditional piece."""
    campaign = await make_campaign(academic_year="2026/2027")
    commission = await make_commission(await make_centre(campaign, label=CENTRE))
    identity = await make_required_piece(campaign, label_fr="Copie de la pièce d'identité")
    optional = await make_required_piece(
        campaign, label_fr="JUSTIFICATIFS DES PROJETS DE CESURE", conditional=True
    )
    await make_programme(commission, [identity, optional], label=PROGRAMME)
    account = await make_account(campaign, password_hash=hash_password(PASSWORD))
    await make_complete_dossier(account)
    return Offer(account, [identity.id, optional.id])


async def new_page(browser, server: str, *, javascript: bool) -> tuple[Page, list[str]]:
    context = await browser.new_context(
        base_url=server, locale="fr-FR", java_script_enabled=javascript
    )
    await context.add_init_script(REPORT_CSP_VIOLATIONS)
    page = await context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    return page, problems


async def sign_in(page: Page, account) -> None:
    await page.goto("/connexion")
    await page.get_by_label("Numéro de dossier ou adresse mail").fill(account.login)
    await page.get_by_label("Mot de passe").fill(PASSWORD)
    await page.get_by_role("button", name="Se connecter").click()
    await expect(page.get_by_role("heading", name="Mon dossier", exact=True)).to_be_visible()


async def apply_from_the_offer(page: Page, *, lazy: bool = False) -> None:
    await page.goto("/candidatures")
    await page.get_by_role("link", name="+ Nouvelle candidature").click()
    await expect(page.get_by_role("heading", name="Nouvelle candidature")).to_be_visible()
    centre = page.locator("details", has=page.locator("summary", has_text=CENTRE))
    if lazy:  # reached through htmx: the programmes come when the centre is opened
        await expect(centre.locator(".branch")).to_have_text("Chargement des formations…")
    await centre.locator("summary").click()
    await page.get_by_role("link", name=f"Candidater : {PROGRAMME}").click()
    await expect(
        page.get_by_text(f"Voulez-vous candidater à la formation '{PROGRAMME}' ?")
    ).to_be_visible()
    await page.get_by_role("button", name="Oui", exact=True).click()
    await expect(page.get_by_text("Votre candidature a été enregistrée")).to_be_visible()


def piece_row(page: Page, label: str):
    return page.locator("tr.piece", has=page.get_by_role("rowheader", name=label))


async def test_apply_upload_and_transmit_without_javascript(browser, server, offer):
    page, _ = await new_page(browser, server, javascript=False)
    try:
        await sign_in(page, offer.account)
        await apply_from_the_offer(page)

        await page.get_by_label(
            "Ajouter un fichier : Copie de la pièce d'identité"
        ).set_input_files(
            files=[{"name": "identite.pdf", "mimeType": "application/pdf", "buffer": PDF}]
        )
        await page.get_by_role("button", name="Déposer : Copie de la pièce d'identité").click()
        await expect(page.get_by_text("La pièce a été déposée.")).to_be_visible()
        identity = piece_row(page, "Copie de la pièce d'identité")
        await expect(identity.locator(".piece-status")).to_have_text("Transmise")
        await expect(identity.get_by_role("link", name="identite.pdf", exact=True)).to_be_visible()

        await page.get_by_role(
            "button", name="Non concerné : JUSTIFICATIFS DES PROJETS DE CESURE"
        ).click()
        await expect(page.get_by_text("La pièce est indiquée « Non concerné ».")).to_be_visible()

        await page.get_by_role("link", name="Transmettre ma candidature").click()
        await expect(
            page.get_by_text(
                "Etes vous certain de transmettre votre candidature? Attention: une fois votre "
                "dossier transmis aucune modification ne sera possible sur votre candidature."
            )
        ).to_be_visible()
        await page.get_by_role("button", name="Oui, transmettre ma candidature").click()
        await expect(page.locator(".status-line")).to_contain_text("Réceptionné")
        [row] = await Application.select(Application.status)
        assert row["status"] == DossierStatus.RECEIVED
    finally:
        await page.context.close()


# A 1600 × 1600 photo of noise, as a camera's JPEG at full quality: well over 2 MB.
NOISY_PHOTO = """async () => {
  const canvas = document.createElement("canvas");
  canvas.width = 1600; canvas.height = 1600;
  const context = canvas.getContext("2d");
  const pixels = context.createImageData(canvas.width, canvas.height);
  for (let i = 0; i < pixels.data.length; i += 4) {
    pixels.data[i] = Math.random() * 256;
    pixels.data[i + 1] = Math.random() * 256;
    pixels.data[i + 2] = Math.random() * 256;
    pixels.data[i + 3] = 255;
  }
  context.putImageData(pixels, 0, 0);
  const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", 1.0));
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}"""


async def test_an_oversize_photo_is_compressed_in_the_page_before_upload(browser, server, offer):
    page, problems = await new_page(browser, server, javascript=True)
    try:
        await sign_in(page, offer.account)
        await apply_from_the_offer(page, lazy=True)
        photo = base64.b64decode(await page.evaluate(NOISY_PHOTO))
        limit = get_settings().max_upload_bytes
        assert len(photo) > limit

        field = page.get_by_label("Ajouter un fichier : Copie de la pièce d'identité")
        await field.set_input_files(
            files=[{"name": "photo.jpg", "mimeType": "image/jpeg", "buffer": photo}]
        )
        await expect(page.locator(".compress-status").first).to_have_text(
            "Image compressée pour respecter la taille maximale."
        )
        chosen = await field.evaluate("input => input.files[0].size")
        assert chosen <= limit
        await page.get_by_role("button", name="Déposer : Copie de la pièce d'identité").click()
        await expect(page.get_by_text("La pièce a été déposée.")).to_be_visible()
        await expect(
            piece_row(page, "Copie de la pièce d'identité").locator(".piece-status")
        ).to_have_text("Transmise")

        [stored] = await StoredFile.select(StoredFile.size_bytes, StoredFile.content_type)
        assert stored == {"size_bytes": chosen, "content_type": "image/jpeg"}

        results = await Axe().run(page)
        serious = [
            (v["id"], [n["target"] for n in v["nodes"]])
            for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert serious == []
        assert problems == []
    finally:
        await page.context.close()
