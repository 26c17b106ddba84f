""" "Télécharger mon dossier" (issue 12, item 3): one PDF with the summary and the
dossier, a table of contents, then every uploaded page, numbered.

Pieces go through the real upload path (the page's form, checks, storage); the PDF is
read back with pypdf."""

from __future__ import annotations

import re

from pypdf import PdfReader

from app.applications import lifecycle
from app.applications.lifecycle import Actor
from tests.fixtures.files import make_jpeg, make_pdf
from tests.fixtures.web import post_form
from tests.integration import test_application_pages as pages
from tests.integration.test_application_pages import (
    application_id_from,
    apply_to,
    new_applicant,
    upload,
    upload_all,
)

PAGE_LABEL = re.compile(r"Page (\d+) / (\d+)")

# The application pages' fixtures: the guide's programme and a signed-in candidate.
camille = pages.camille
world = pages.world


def _pdf(response) -> PdfReader:
    from io import BytesIO

    return PdfReader(BytesIO(response.content))


def _text(page) -> str:
    return " ".join(page.extract_text().split())


async def test_the_dossier_holds_the_summary_then_every_uploaded_page_numbered(camille, world):
    http = camille.http
    application_id = application_id_from(await apply_to(http, world.programme.id))
    three_pages = make_pdf(pages=3)
    identity, cv, form = world.pieces[0], world.pieces[1], world.pieces[2]
    assert (
        await upload(http, application_id, identity.id, "identité.pdf", three_pages)
    ).status_code == 303
    photo = make_jpeg(1200, 900, "teal")
    jpeg = await upload(http, application_id, cv.id, "cv.jpg", photo, "image/jpeg")
    assert jpeg.status_code == 303
    one_page = make_pdf(pages=1)
    assert (await upload(http, application_id, form.id, "fiche.pdf", one_page)).status_code == 303

    response = await http.get(f"/candidatures/{application_id}/dossier.pdf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith(
        f'attachment; filename="dossier-{camille.account.login}-{application_id}.pdf"'
    )
    assert response.headers["x-content-type-options"] == "nosniff"
    assert int(response.headers["content-length"]) == len(response.content)

    reader = _pdf(response)
    texts = [_text(page) for page in reader.pages]
    total = len(reader.pages)
    # Every page carries its number, out of the total.
    assert [PAGE_LABEL.search(text).groups() for text in texts] == [
        (str(n), str(total)) for n in range(1, total + 1)
    ]
    # The uploaded pages are blank but for their number: the front part is what precedes.
    front = next(i for i, text in enumerate(texts) if text == f"Page {i + 1} / {total}")
    assert front >= 1
    assert total == front + 3 + 1 + 1  # summary pages + 3 + the JPEG's page + 1
    assert all(text == f"Page {n} / {total}" for n, text in enumerate(texts, 1) if n > front)
    # The JPEG became one page holding one image.
    jpeg_page = reader.pages[front + 3]
    assert len(jpeg_page.images) == 1
    assert all(not page.images for page in reader.pages[front : front + 3])

    summary = " ".join(texts[:front])
    assert f"CAMILLE {camille.account.last_name.upper()} ({camille.account.login})" in summary
    assert "Sommaire Partie Page Récapitulatif de votre candidature 1" in summary
    assert f"Copie de la pièce d'identité {front + 1}" in summary
    assert f"CURRICULUM VITAE {front + 4}" in summary
    assert f"Fiche de renseignements administratifs {front + 5}" in summary
    assert "JUSTIFICATIFS DES PROJETS DE CESURE — aucun fichier —" in summary
    assert "Formation GESTION CESURE FSI L1 (ANNEE)" in summary
    assert "Date limite de retour 20/07/2026" in summary
    assert "identité.pdf" in summary and "cv.jpg" in summary


async def test_the_dossier_in_english_after_a_decision(camille, world):
    http = camille.http
    application_id = application_id_from(await apply_to(http, world.programme.id))
    await upload_all(http, application_id, world)
    transmitted = await post_form(http, f"/candidatures/{application_id}/transmettre", {})
    assert transmitted.status_code == 303
    staff = Actor.staff(None)
    decision_id = await lifecycle.enter_decision(
        application_id=application_id, decision_type_id=world.favourable.id, actor=staff
    )
    await lifecycle.validate_decision(decision_id=decision_id, actor=staff)
    http.cookies.set("ecesure_lang", "en", domain="testserver.local")
    response = await http.get(f"/candidatures/{application_id}/dossier.pdf")
    assert response.status_code == 200
    reader = _pdf(response)
    texts = " ".join(_text(page) for page in reader.pages)
    assert "Application file" in texts
    assert "Page 1 / " in texts and "Table of contents" in texts
    assert len(reader.pages) >= 1


async def test_someone_elses_dossier_or_an_unknown_one_is_404(client, world):
    await new_applicant(client)
    application_id = application_id_from(await apply_to(client, world.programme.id))
    assert (await client.get(f"/candidatures/{application_id}/dossier.pdf")).status_code == 200
    await new_applicant(client)  # someone else on the same browser
    for path in (
        f"/candidatures/{application_id}/dossier.pdf",
        "/candidatures/999999/dossier.pdf",
        "/candidatures/99999999999/dossier.pdf",
        "/candidatures/0/dossier.pdf",
    ):
        assert (await client.get(path)).status_code == 404, path
    for path in ("/candidatures/-1/dossier.pdf", "/candidatures/x%00/dossier.pdf"):
        assert (await client.get(path)).status_code in (400, 404), path


async def test_the_summary_page_offers_the_download(camille, world):
    application_id = application_id_from(await apply_to(camille.http, world.programme.id))
    page = await camille.http.get(f"/candidatures/{application_id}")
    assert (
        f'<a class="button" id="telecharger-dossier" href="/candidatures/{application_id}/dossier.pdf" download>Télécharger mon dossier</a>'
        in page.text
    )


async def test_sign_in_is_required(client, world):
    response = await client.get("/candidatures/1/dossier.pdf")
    assert response.status_code in (302, 303)
