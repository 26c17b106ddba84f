"""A programme's dossiers as one streamed ZIP from the review desk (issue 12, item 4):
exactly one folder per live application in the member's scope, with the summary PDF
and the pieces' own files; other programmes answer 404; every export is audited."""

from __future__ import annotations

import io
import zipfile

from pypdf import PdfReader

from app.applications import lifecycle
from app.core.codes.staff import StaffRole
from app.review.dossier_zip import EXPORT_ACTION
from app.tables.ops import AuditEvent
from tests.factories import (
    make_campaign,
    make_centre,
    make_commission,
    make_programme,
    make_required_piece,
)
from tests.factories_documents import applicant_with_pieces
from tests.factories_dossier import make_applicant
from tests.fixtures.files import make_jpeg, make_pdf
from tests.integration.review.test_exports import sign_in

ZIP = "application/zip"


async def world():
    campaign = await make_campaign()
    centre_a, centre_b = await make_centre(campaign), await make_centre(campaign)
    identity = await make_required_piece(campaign, label_fr="Copie de la pièce d'identité")
    cv = await make_required_piece(campaign, label_fr="CV / parcours")
    commission_a = await make_commission(centre_a)
    medecine = await make_programme(
        commission_a, [identity, cv], label="MEDECINE CESURE", code="MED1"
    )
    informatique = await make_programme(
        await make_commission(centre_b), [identity, cv], label="INFORMATIQUE CESURE"
    )
    return campaign, (centre_a, commission_a, medecine), (centre_b, informatique), (identity, cv)


async def test_the_zip_holds_one_folder_per_application_with_its_summary_and_pieces(client):
    campaign, (centre_a, _, medecine), (_, informatique), (identity, cv) = await world()
    two_pages, photo = make_pdf(pages=2), make_jpeg(320, 240, "teal")
    alice, alice_app = await applicant_with_pieces(
        campaign,
        medecine,
        [(identity, "carte.pdf", two_pages), (cv, "cv.jpg", photo)],
        first_name="Alice",
        last_name="Martin",
    )
    # Bruno gave one piece and has not transmitted: his folder has what he gave.
    bruno, _ = await applicant_with_pieces(
        campaign,
        medecine,
        [(identity, "id.pdf", make_pdf(pages=1))],
        transmit=False,
        first_name="Bruno",
        last_name="Durand",
    )
    # A cancelled application and another centre's programme stay out.
    cancelled = await make_applicant(campaign)
    change = await lifecycle.apply(account_id=cancelled.id, programme_id=medecine.id)
    await lifecycle.cancel(
        application_id=change.application_id, actor=lifecycle.Actor.candidate(cancelled.id)
    )
    await applicant_with_pieces(
        campaign, informatique, [(identity, "x.pdf", two_pages)], transmit=False
    )

    user_id = await sign_in(client, StaffRole.CENTRE_MANAGER, centres=[centre_a])
    response = await client.get(f"/staff/formations/{medecine.id}/dossiers.zip")
    assert response.status_code == 200
    assert response.headers["content-type"] == ZIP
    assert (
        response.headers["content-disposition"]
        == 'attachment; filename="dossiers-MED1-2026-06-15.zip"'
    )
    assert response.headers["cache-control"] == "no-store"

    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert archive.testzip() is None
    alice_folder = f"{alice.login} - MARTIN Alice"
    bruno_folder = f"{bruno.login} - DURAND Bruno"
    assert sorted(archive.namelist()) == sorted(
        [
            f"{alice_folder}/recapitulatif.pdf",
            f"{alice_folder}/01 - Copie de la pièce d'identité.pdf",
            f"{alice_folder}/02 - CV _ parcours.jpg",
            f"{bruno_folder}/recapitulatif.pdf",
            f"{bruno_folder}/01 - Copie de la pièce d'identité.pdf",
        ]
    )
    assert archive.read(f"{alice_folder}/01 - Copie de la pièce d'identité.pdf") == two_pages
    assert archive.read(f"{alice_folder}/02 - CV _ parcours.jpg") == photo
    summary = PdfReader(io.BytesIO(archive.read(f"{alice_folder}/recapitulatif.pdf")))
    text = " ".join(" ".join(page.extract_text() for page in summary.pages).split())
    assert f"ALICE MARTIN ({alice.login})" in text
    assert "Formation MEDECINE CESURE" in text
    assert "Copie de la pièce d'identité carte.pdf Transmise" in text

    events = (
        await AuditEvent.select(
            AuditEvent.actor_id,
            AuditEvent.action,
            AuditEvent.entity,
            AuditEvent.entity_id,
            AuditEvent.data,
        )
        .where(AuditEvent.action == EXPORT_ACTION)
        .output(load_json=True)
    )
    assert events == [
        {
            "actor_id": user_id,
            "action": EXPORT_ACTION,
            "entity": "programme",
            "entity_id": medecine.id,
            "data": {"applications": 2, "format": "zip"},
        }
    ]
    assert alice_app


async def test_another_scope_or_an_unknown_programme_is_404_and_not_audited(client):
    campaign, (_, commission_a, medecine), (centre_b, informatique), (identity, _) = await world()
    await applicant_with_pieces(
        campaign, medecine, [(identity, "a.pdf", make_pdf())], transmit=False
    )
    await sign_in(client, StaffRole.CENTRE_MANAGER, centres=[centre_b])
    for path in (
        f"/staff/formations/{medecine.id}/dossiers.zip",
        "/staff/formations/999999/dossiers.zip",
        "/staff/formations/99999999999/dossiers.zip",
        "/staff/formations/0/dossiers.zip",
    ):
        assert (await client.get(path)).status_code == 404, path
    assert (await client.get("/staff/formations/-1/dossiers.zip")).status_code in (400, 404)
    # Its own programme without applications: an empty archive, still audited.
    own = await client.get(f"/staff/formations/{informatique.id}/dossiers.zip")
    assert own.status_code == 200
    assert zipfile.ZipFile(io.BytesIO(own.content)).namelist() == []
    assert await AuditEvent.count().where(AuditEvent.action == EXPORT_ACTION) == 1

    # A commission member sees their commission's programme only.
    client.cookies.clear()
    await sign_in(
        client, StaffRole.COMMISSION_MEMBER, username="membre", commissions=[commission_a]
    )
    assert (await client.get(f"/staff/formations/{medecine.id}/dossiers.zip")).status_code == 200
    assert (
        await client.get(f"/staff/formations/{informatique.id}/dossiers.zip")
    ).status_code == 404


async def test_the_queue_filtered_on_a_programme_links_to_its_zip(client):
    campaign, (centre_a, _, medecine), _, (identity, _) = await world()
    await applicant_with_pieces(
        campaign, medecine, [(identity, "a.pdf", make_pdf())], transmit=False
    )
    await sign_in(client, StaffRole.CENTRE_MANAGER, centres=[centre_a])
    everything = await client.get("/staff/candidatures")
    assert "dossiers.zip" not in everything.text
    filtered = await client.get(f"/staff/candidatures?formation={medecine.id}")
    assert (
        f'<a class="button" href="/staff/formations/{medecine.id}/dossiers.zip" download>Télécharger les dossiers de cette formation (ZIP)</a>'
        in filtered.text
    )


async def test_sign_in_is_required(client):
    response = await client.get("/staff/formations/1/dossiers.zip")
    assert response.status_code in (302, 303)
