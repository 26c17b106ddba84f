"""Issue 10's acceptance in Chromium: the central office creates a programme with its
pieces in the admin, reads a candidate's dossier and opens a piece, refuses it with a
comment through the form, enters a decision and validates every decision of the
programme; the candidate sees each change and gets the mails; the audit trail shows each
admin write."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.async_api import Expect, Page

from app import clock
from app.accounts.passwords import hash_password
from app.applications import lifecycle
from app.core.codes.applications import PieceStatus, Verdict
from app.core.codes.mail import MailCode
from app.documents.storage import store_upload
from app.refdata.load import load_reference_data
from app.tables.applications import Decision, SubmittedPiece
from app.tables.catalog import Programme, ProgrammePiece
from app.tables.dossier import Candidate
from app.tables.mail import OutboxMail
from app.tables.ops import AuditEvent
from tests.e2e.test_admin_browser import sign_in, unexpected_csp_errors
from tests.factories import (
    make_account,
    make_campaign,
    make_centre,
    make_commission,
    make_required_piece,
)
from tests.factories_dossier import PDF, make_complete_dossier, make_decision_type
from tests.integration.test_admin import make_user

CANDIDATE_PASSWORD = "Candidature-ecesure-2026"
COMMISSION = "Commission de médecine"
PROGRAMME = "MEDECINE CESURE (ANNEE)"
LETTER = "Lettre de motivation"
IDENTITY = "Copie de la pièce d'identité"
COMMENT = "Lettre non signée : merci de la signer."
FAVOURABLE = "Avis favorable de la commission"

# An admin action is a JSON call and a re-render: on a busy machine it can take longer
# than the 5 s of Playwright's shared ``expect``.
expect = Expect()
expect.set_options(timeout=20_000)


@pytest.fixture
async def office(live_server, mail_templates, redis):
    """A campaign with a commission, two required pieces and a favourable decision type;
    the central office login ``scolarite``; a candidate with a complete dossier."""
    await load_reference_data()
    campaign = await make_campaign()
    await make_commission(await make_centre(campaign, label="SANTE"), label=COMMISSION)
    letter = await make_required_piece(campaign, label_fr=LETTER)
    identity = await make_required_piece(campaign, label_fr=IDENTITY)
    await make_decision_type(Verdict.FAVOURABLE, code="FAV", label_fr=FAVOURABLE)
    user = await make_user("scolarite")
    account = await make_account(
        campaign, last_name="MARTIN", password_hash=hash_password(CANDIDATE_PASSWORD)
    )
    await make_complete_dossier(account)
    return {"user": user, "account": account, "letter": letter, "identity": identity}


async def open_admin(page: Page, route: str) -> None:
    """Open an admin route from scratch: piccolo-admin's single-page app keeps a form
    it already shows when only the hash changes."""
    await page.goto(f"/admin/{route}")
    await page.reload()


async def choose_row(page: Page, field: str, readable: str) -> None:
    """piccolo-admin's foreign key widget: a text box opening a list of readables."""
    await (
        page.locator(f"input[type=hidden][name={field}]")
        .locator("..")
        .locator("input[type=text]")
        .click()
    )
    await page.locator("#overlay:visible").get_by_role("link", name=readable).click()


async def save_new_row(page: Page) -> None:
    await page.locator("[data-uitest=create_button]").click()
    await expect(page.get_by_text("Successfully added row")).to_be_visible()


async def submit_form(page: Page, slug: str, fields: dict[str, str]) -> str:
    await open_admin(page, f"#/forms/{slug}")
    for name, value in fields.items():
        await page.locator(f"form [name={name}]").fill(value)
    await page.get_by_role("button", name="Soumettre").click()
    message = page.locator("#success_message")
    await expect(message).not_to_be_empty()
    return await message.inner_text()


async def create_programme(page: Page, office: dict) -> int:
    today = clock.today()
    await open_admin(page, "#/programme/add/")
    await choose_row(page, "commission", COMMISSION)
    await page.locator("input[name=code]").fill("MED-CESURE")
    await page.locator("input[name=label]").fill(PROGRAMME)
    await page.locator("input[name=deposit_start]").fill(str(today - timedelta(days=1)))
    await page.locator("input[name=deposit_end]").fill(str(today + timedelta(days=20)))
    await page.locator("input[name=return_date]").fill(str(today + timedelta(days=30)))
    await save_new_row(page)
    programme = await Programme.select(Programme.id).where(Programme.label == PROGRAMME).first()
    for piece in (LETTER, IDENTITY):
        await open_admin(page, "#/programme_piece/add/")
        await choose_row(page, "programme", PROGRAMME)
        await choose_row(page, "piece", piece)
        await save_new_row(page)
    asked = await ProgrammePiece.select(ProgrammePiece.piece).where(
        ProgrammePiece.programme == programme["id"]
    )
    assert sorted(row["piece"] for row in asked) == sorted(
        [office["letter"].id, office["identity"].id]
    )
    return programme["id"]


async def transmitted_application(account, programme_id: int, pieces) -> tuple[int, int]:
    """The candidate applies, gives both pieces (PDF) and transmits, as the candidate
    pages do; returns the application and the letter's stored file."""
    change = await lifecycle.apply(account_id=account.id, programme_id=programme_id)
    actor = lifecycle.Actor.candidate(account.id)
    files = {}
    for piece in pieces:
        files[piece.id] = await store_upload(
            owner_account_id=account.id, filename=f"{piece.label_fr}.pdf", data=PDF
        )
        await lifecycle.submit_piece(
            application_id=change.application_id,
            piece_id=piece.id,
            file_id=files[piece.id],
            actor=actor,
        )
    await lifecycle.transmit(application_id=change.application_id, actor=actor)
    return change.application_id, files[pieces[0].id]


async def open_stored_file(page: Page, file_id: int) -> bytes:
    await page.goto(f"/admin/#/stored_file/{file_id}")
    await page.locator("a:has(svg[data-icon=eye])").first.click()
    download = page.locator("#media_viewer a.button")
    await download.wait_for()
    href = await download.get_attribute("href")
    response = await page.request.get(page.url.split("#")[0] + href.removeprefix("./"))
    assert response.status == 200
    return await response.body()


async def candidate_sees(browser, live_server: str, account, application_id: int, text: str):
    context = await browser.new_context(base_url=live_server, locale="fr-FR")
    page = await context.new_page()
    try:
        await page.goto("/connexion")
        await page.get_by_label("Numéro de dossier ou adresse mail").fill(account.login)
        await page.get_by_label("Mot de passe").fill(CANDIDATE_PASSWORD)
        await page.get_by_role("button", name="Se connecter").click()
        await expect(page.get_by_role("heading", name="Mon dossier", exact=True)).to_be_visible()
        await page.goto(f"/candidatures/{application_id}")
        await expect(page.get_by_text(text).first).to_be_visible()
    finally:
        await context.close()


async def test_the_central_office_runs_a_programme_from_the_admin(
    page, page_problems, browser, live_server, office, run_worker, smtp_sink
):
    account, letter = office["account"], office["letter"]
    await sign_in(page, "scolarite")
    await page.get_by_text("Sélectionnez une table dans la barre latérale").wait_for()

    programme_id = await create_programme(page, office)
    application_id, letter_file = await transmitted_application(
        account, programme_id, [letter, office["identity"]]
    )
    await run_worker()
    smtp_sink.clear()
    last = await OutboxMail.select(OutboxMail.id).order_by(OutboxMail.id, ascending=False).first()
    mails_before = last["id"] if last else 0

    # The candidate's dossier and one of their pieces, read from the admin.
    candidate = await Candidate.select(Candidate.id).where(Candidate.account == account.id).first()
    await page.goto(f"/admin/#/candidate/{candidate['id']}")
    await expect(page.locator("input[name=birth_name]")).to_have_value("MARTIN")
    await page.goto("/admin/#/baccalaureate/")
    await expect(page.locator("table").get_by_text(re.compile("MARTIN")).first).to_be_visible()
    assert await open_stored_file(page, letter_file) == PDF

    # The letter refused with a comment, through the form.
    answer = await submit_form(
        page,
        "statut-piece",
        {
            "application_id": str(application_id),
            "piece_id": str(letter.id),
            "status": "Refusée",
            "comment": COMMENT,
        },
    )
    candidature = (
        f"Candidature n° {application_id} de MARTIN {account.first_name} ({account.login}) "
        f"à « {PROGRAMME} »"
    )
    assert answer == (
        f"{candidature} : pièce « {LETTER} » Transmise → Refusée. Le candidat est prévenu par mail."
    )
    piece = (
        await SubmittedPiece.select(SubmittedPiece.status, SubmittedPiece.comment)
        .where(
            (SubmittedPiece.application == application_id)
            & (SubmittedPiece.piece == letter.id)
            & SubmittedPiece.superseded_at.is_null()
        )
        .first()
    )
    assert piece == {"status": PieceStatus.REFUSED.value, "comment": COMMENT}
    await run_worker()
    await candidate_sees(browser, live_server, account, application_id, COMMENT)

    # A decision entered, then every entered decision of the programme validated.
    answer = await submit_form(
        page, "saisir-decision", {"application_id": str(application_id), "decision_type": "FAV"}
    )
    assert answer == (
        f"{candidature} : décision aucune → « {FAVOURABLE} » (favorable), saisie sans être "
        "validée : le candidat ne la voit qu'une fois validée."
    )
    await open_admin(page, "#/forms/valider-decisions-formation")
    await page.locator("form [name=programme_id]").fill(str(programme_id))
    await page.locator("form [name=confirm]").select_option("true")
    await page.get_by_role("button", name="Soumettre").click()
    await expect(page.locator("#success_message")).to_have_text(
        f"Formation « {PROGRAMME} » : 1 décision(s) saisie(s) → validée(s), chaque candidat "
        f"prévenu par mail (candidatures n° {application_id})."
    )
    [decision] = await Decision.select(Decision.validated).where(
        Decision.application == application_id
    )
    assert decision == {"validated": True}
    await run_worker()
    await candidate_sees(browser, live_server, account, application_id, FAVOURABLE)

    # The two mails, each delivered once.
    sent = await OutboxMail.select(OutboxMail.template_code, OutboxMail.status).where(
        (OutboxMail.account == account.id) & (OutboxMail.id > mails_before)
    )
    assert sorted((row["template_code"], row["status"]) for row in sent) == [
        (MailCode.DECISION_FA.value, "sent"),
        (MailCode.PIECE_REFUSED.value, "sent"),
    ]
    assert len([m for m in smtp_sink.messages if m["To"] == account.email]) == 2

    # The audit trail: each admin write, by the central office.
    staff_events = await AuditEvent.select(AuditEvent.action, AuditEvent.entity).where(
        (AuditEvent.actor_kind == "staff") & (AuditEvent.actor_id == office["user"].id)
    )
    assert sorted((row["action"], row["entity"]) for row in staff_events) == [
        ("config.create", "programme"),
        ("config.create", "programme_piece"),
        ("config.create", "programme_piece"),
        ("decision_entered", "decision"),
        ("decision_validated", "decision"),
        ("piece_refused", "piece"),
    ]
    await page.goto("/admin/#/audit_event/")
    await expect(page.locator("table").get_by_text("config.create").first).to_be_visible()

    assert unexpected_csp_errors(page_problems) == []
    assert page_problems.page_errors == []
