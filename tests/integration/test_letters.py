"""Issue 12: the admission and refusal letters (PDF), their verification codes and the
public verification page; what a stranger, an undecided or withdrawn application get."""

from __future__ import annotations

import re
from io import BytesIO

import httpx
import pytest
import zxingcpp
from pypdf import PdfReader

from app.applications import lifecycle
from app.applications.lifecycle import Actor
from app.core.codes.applications import Verdict
from app.documents.storage import store_signature
from app.tables.applications import Application
from app.tables.catalog import Commission
from app.tables.letters import IssuedLetter
from tests.factories import make_campaign
from tests.factories_dossier import (
    decide,
    make_decision_type,
    make_received_application,
    make_refusal_reason,
)
from tests.fixtures.files import JPEG
from tests.integration.dossier_support import plant_session

BASE = "http://testserver.local"


@pytest.fixture
async def campaign(refdata, mail_templates, clock):
    return await make_campaign(label_fr="Campagne césure 2026", academic_year="2026/2027")


@pytest.fixture
async def unfavourable(campaign):
    return await make_decision_type(
        Verdict.UNFAVOURABLE, label_fr="Avis défavorable", label_en="Unfavourable opinion"
    )


async def admitted(client: httpx.AsyncClient, campaign, favourable, **programme):
    """A candidate signed in on ``client`` whose application has a validated FA."""
    account, app_id = await make_received_application(
        campaign, label="GESTION CESURE FSI L1 (ANNEE)", **programme
    )
    await decide(app_id, favourable)
    await plant_session(client, account)
    return account, app_id


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages)


def qr_texts(data: bytes) -> list[str]:
    """Every QR code found in the images of the PDF's pages, decoded."""
    found = []
    for page in PdfReader(BytesIO(data)).pages:
        for image in page.images:
            found += [code.text for code in zxingcpp.read_barcodes(image.image)]
    return found


async def code_of(app_id: int) -> str:
    rows = await IssuedLetter.select(IssuedLetter.code).where(IssuedLetter.application == app_id)
    assert len(rows) == 1
    return rows[0]["code"]


async def test_admission_letter_holds_name_programme_date_and_a_qr_code(
    client, campaign, favourable
):
    account, app_id = await admitted(client, campaign, favourable)

    response = await client.get(f"/candidatures/{app_id}/lettre.pdf")

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith(
        f'attachment; filename="lettre-admission-{account.login}.pdf"'
    )
    text = pdf_text(response.content)
    assert f"{account.first_name} {account.last_name.upper()}" in text
    assert "GESTION CESURE FSI L1 (ANNEE)" in text
    assert "Date de la décision 15/06/2026" in text
    assert "Avis favorable" in text
    assert "Campagne césure 2026" in text
    assert f"Numéro de dossier : {account.login}" in text
    assert "118 route de Narbonne" in text
    assert "La présidence de la commission" in text
    code = await code_of(app_id)
    assert qr_texts(response.content) == [f"{BASE}/verifier/{code}"]
    assert "-".join(code[i : i + 4] for i in range(0, 16, 4)) in text
    # Tagged, in the candidate's language: a screen reader follows its structure.
    catalog = PdfReader(BytesIO(response.content)).trailer["/Root"]
    assert catalog["/MarkInfo"] == {"/Marked": True}
    assert "/StructTreeRoot" in catalog
    assert catalog["/Lang"] == "fr"

    # downloaded again: the same code, no second row
    again = await client.get(f"/candidatures/{app_id}/lettre.pdf")
    assert qr_texts(again.content) == [f"{BASE}/verifier/{code}"]
    assert await IssuedLetter.count() == 1


async def test_letter_in_english_with_the_commission_signature(client, campaign, favourable):
    account, app_id = await admitted(client, campaign, favourable)
    await account.update_self({"language": "en"})
    key = await store_signature(filename="signature.jpg", data=JPEG)
    application = await Application.objects().get(Application.id == app_id)
    programme = await application.get_related(Application.programme)
    await Commission.update({Commission.signature_image: key}).where(
        Commission.id == programme.commission
    )

    response = await client.get(f"/candidatures/{app_id}/lettre.pdf")

    text = pdf_text(response.content)
    assert "Decision date 15/06/2026" in text
    assert "Gap year authorisation" in text
    images = [image.image.format for image in PdfReader(BytesIO(response.content)).pages[0].images]
    assert sorted(images) == ["JPEG", "PNG"]  # the signature and the QR code


async def test_refusal_letter_gives_the_reason(client, campaign, unfavourable):
    account, app_id = await make_received_application(campaign)
    reason = await make_refusal_reason(label_fr="Projet insuffisamment construit")
    await decide(app_id, unfavourable, refusal_reason_id=reason.id)
    await plant_session(client, account)

    response = await client.get(f"/candidatures/{app_id}/lettre.pdf")

    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "Refus de césure" in text
    assert "Motif du refus Projet insuffisamment construit" in text
    assert "Avis défavorable" in text


async def test_no_letter_without_a_validated_decision_or_for_someone_else(
    client, campaign, favourable
):
    account, app_id = await make_received_application(campaign)
    await plant_session(client, account)
    assert (await client.get(f"/candidatures/{app_id}/lettre.pdf")).status_code == 404
    await decide(app_id, await make_decision_type(Verdict.WAITING_LIST))
    assert (await client.get(f"/candidatures/{app_id}/lettre.pdf")).status_code == 404
    await decide(app_id, favourable, validate=False)  # entered, not shown yet
    assert (await client.get(f"/candidatures/{app_id}/lettre.pdf")).status_code == 404

    _other, other_id = await admitted(client, campaign, favourable)
    client.cookies.clear()
    await plant_session(client, account)
    assert (await client.get(f"/candidatures/{other_id}/lettre.pdf")).status_code == 404
    for bad in ("0", "-1", "99999999999999999999", "abc", "1%00"):
        response = await client.get(f"/candidatures/{bad}/lettre.pdf")
        assert response.status_code in (400, 404), bad
    assert await IssuedLetter.count() == 0


async def test_no_letter_after_withdrawal(client, campaign, favourable):
    account, app_id = await admitted(client, campaign, favourable)
    await lifecycle.answer(application_id=app_id, confirm=False, actor=Actor.candidate(account.id))
    assert (await client.get(f"/candidatures/{app_id}/lettre.pdf")).status_code == 404


async def test_setting_may_require_the_confirmation_first(
    client, campaign, favourable, settings_override
):
    assert settings_override(LETTER_REQUIRES_CONFIRMATION=True).letter_requires_confirmation
    account, app_id = await admitted(client, campaign, favourable)
    assert (await client.get(f"/candidatures/{app_id}/lettre.pdf")).status_code == 404
    await lifecycle.answer(application_id=app_id, confirm=True, actor=Actor.candidate(account.id))
    assert (await client.get(f"/candidatures/{app_id}/lettre.pdf")).status_code == 200


# --- the verification page ------------------------------------------------------------


def page_text(response: httpx.Response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.text))


async def test_verification_page_confirms_a_valid_letter(client, campaign, favourable):
    account, app_id = await admitted(client, campaign, favourable)
    await client.get(f"/candidatures/{app_id}/lettre.pdf")
    code = await code_of(app_id)
    client.cookies.clear()  # anyone may verify

    response = await client.get(f"/verifier/{code}")

    assert response.status_code == 200
    text = page_text(response)
    assert "Ce courrier est authentique et toujours valable." in text
    assert "GESTION CESURE FSI L1 (ANNEE)" in text
    assert "Date de la décision 15/06/2026" in text
    initials = f"{account.first_name[0].upper()}. {account.last_name[0].upper()}."
    assert f"Candidat·e (initiales) {initials}" in text
    assert account.last_name not in response.text
    assert account.login not in response.text
    # typed back in lower case, with dashes and spaces
    typed = "-".join(code[i : i + 4] for i in range(0, 16, 4)).lower()
    assert (await client.get(f"/verifier/{typed}")).status_code == 200


async def test_verification_says_when_the_candidate_withdrew(client, campaign, favourable):
    account, app_id = await admitted(client, campaign, favourable)
    await client.get(f"/candidatures/{app_id}/lettre.pdf")
    await lifecycle.answer(application_id=app_id, confirm=False, actor=Actor.candidate(account.id))

    response = await client.get(f"/verifier/{await code_of(app_id)}")

    assert response.status_code == 200
    assert (
        "Ce courrier est authentique mais n'est plus valable : le candidat s'est désisté "
        "le 15/06/2026." in page_text(response)
    )


async def test_verification_says_when_the_decision_was_replaced(
    client, campaign, favourable, unfavourable, clock
):
    _account, app_id = await admitted(client, campaign, favourable)
    await client.get(f"/candidatures/{app_id}/lettre.pdf")
    clock.shift(86400 * 3)
    await decide(app_id, unfavourable)

    response = await client.get(f"/verifier/{await code_of(app_id)}")

    assert (
        "Ce courrier est authentique mais n'est plus valable : la décision a été remplacée "
        "le 18/06/2026." in page_text(response)
    )
    assert "Avis favorable" in response.text  # what the letter said


async def test_unknown_or_malformed_codes_are_404(client, campaign):
    for code in ("ABCDEFGHJKLMNPQR", "short", "A" * 200, "%00", "ABCD-EFGH-JKLM-NPQ0"):
        assert (await client.get(f"/verifier/{code}")).status_code == 404, code


async def test_codes_cannot_be_tried_in_bulk(client, campaign):
    answers = [(await client.get(f"/verifier/{'A' * 16}")).status_code for _ in range(61)]
    assert answers == [404] * 60 + [429]
