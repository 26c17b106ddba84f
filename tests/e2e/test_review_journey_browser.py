"""Issue 9's acceptance in Chromium: a commission member signs in to the desk, filters
the queue, opens an application, refuses a piece (with a comment), sets Complet,
enters and validates a favourable decision; the candidate then sees it and confirms.
The same staff journey passes with JavaScript off. axe (WCAG 2.1 AA) finds nothing
serious on the desk's pages along the way (the queue and the bulk pages are covered by
test_review_queue_browser.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from axe_playwright_python.async_playwright import Axe
from playwright.async_api import Expect, Page

from app.accounts.passwords import hash_password
from app.applications import lifecycle
from app.core.codes.applications import Answer, DossierStatus, PieceStatus, Verdict
from app.core.codes.staff import StaffRole
from app.documents.storage import store_upload
from app.refdata.load import load_reference_data
from app.tables.applications import Application, Decision, SubmittedPiece
from tests.e2e.conftest import REPORT_CSP_VIOLATIONS
from tests.e2e.page_fit import WCAG_AA
from tests.factories import (
    make_account,
    make_campaign,
    make_centre,
    make_commission,
    make_programme,
    make_required_piece,
)
from tests.factories_dossier import JPEG, PDF, make_complete_dossier, make_decision_type
from tests.factories_staff import STAFF_PASSWORD, make_staff

CANDIDATE_PASSWORD = "Candidature-ecesure-2026"
PROGRAMME = "MEDECINE CESURE (ANNEE)"
OTHER_PROGRAMME = "PHARMACIE CESURE (ANNEE)"
LETTER = "Lettre de motivation"
IDENTITY = "Copie de la pièce d'identité"
COMMENT = "Lettre non signée : merci de la signer."
FAVOURABLE = "Avis favorable de la commission"

# A desk action is a POST, a redirect and a page: on a busy machine (the suite running
# beside other work) it can take longer than the 5 s of Playwright's shared ``expect``.
# This module's own instance waits longer, without changing the other modules'.
expect = Expect()
expect.set_options(timeout=20_000)


@dataclass
class Journey:
    account: object
    application_id: int
    letter_id: int
    identity_id: int
    other_id: int  # an application whose identity piece is a JPEG (the image viewer)


async def _transmitted(
    campaign, programme, pieces, *, last_name: str, password_hash=None, images=()
):
    """A candidate's application to ``programme`` with every piece given (a PDF, or a
    JPEG for the pieces in ``images``), transmitted (RE), as the candidate pages leave
    it."""
    extra = {"password_hash": password_hash} if password_hash else {}
    account = await make_account(campaign, last_name=last_name, **extra)
    await make_complete_dossier(account)
    change = await lifecycle.apply(account_id=account.id, programme_id=programme.id)
    actor = lifecycle.Actor.candidate(account.id)
    for piece in pieces:
        image = piece in images
        file_id = await store_upload(
            owner_account_id=account.id,
            filename=f"piece-{piece.id}.{'jpg' if image else 'pdf'}",
            data=JPEG if image else PDF,
        )
        await lifecycle.submit_piece(
            application_id=change.application_id, piece_id=piece.id, file_id=file_id, actor=actor
        )
    await lifecycle.transmit(application_id=change.application_id, actor=actor)
    return account, change.application_id


@pytest.fixture
async def journey(live_server, mail_templates, redis) -> Journey:
    """A commission that processes dossiers and decides, two of its programmes with a
    transmitted application each, and the commission member ``commission``. Redis is
    flushed first: the sign-in rate limit counts every sign-in of the session."""
    await load_reference_data()
    campaign = await make_campaign()
    commission = await make_commission(
        await make_centre(campaign, label="SANTE"),
        members_process=True,
        members_decide=True,
    )
    letter = await make_required_piece(campaign, label_fr=LETTER)
    identity = await make_required_piece(campaign, label_fr=IDENTITY)
    medecine = await make_programme(commission, [identity, letter], label=PROGRAMME)
    pharmacie = await make_programme(commission, [identity, letter], label=OTHER_PROGRAMME)
    await make_decision_type(Verdict.FAVOURABLE, label_fr=FAVOURABLE)
    account, application_id = await _transmitted(
        campaign,
        medecine,
        [identity, letter],
        last_name="MARTIN",
        password_hash=hash_password(CANDIDATE_PASSWORD),
    )
    _, other_id = await _transmitted(
        campaign, pharmacie, [identity, letter], last_name="BERNARD", images=[identity]
    )
    await make_staff(
        StaffRole.COMMISSION_MEMBER,
        commissions=[commission],
        username="commission",
        display_name="Claire Commission",
    )
    return Journey(account, application_id, letter.id, identity.id, other_id)


async def new_page(browser, server: str, *, javascript: bool) -> tuple[Page, list[str]]:
    """A fresh browser context; the list collects script errors, console errors (CSP
    violations included) and any server error answered to the page. A resource the
    browser fails to load is reported by its response (Chromium asks for a favicon the
    portal does not have: not a problem of the desk)."""
    context = await browser.new_context(
        base_url=server, locale="fr-FR", java_script_enabled=javascript
    )
    await context.add_init_script(REPORT_CSP_VIOLATIONS)
    page = await context.new_page()
    problems: list[str] = []

    def on_console(message) -> None:
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            problems.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "response",
        lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 500 else None,
    )
    return page, problems


async def wcag_violations(page: Page) -> list:
    results = await Axe().run(page, options=WCAG_AA)
    return [
        (v["id"], v["impact"], v["help"], [n["target"] for n in v["nodes"]])
        for v in results.response["violations"]
    ]


async def check_axe(page: Page, check: bool) -> None:
    if check:
        assert await wcag_violations(page) == [], page.url


async def expect_flash(page: Page, text: str) -> None:
    """The page the action redirected to, with its success message."""
    await expect(page.locator("p.success")).to_have_text(text)


async def piece_row(application_id: int, piece_id: int) -> dict:
    return (
        await SubmittedPiece.select(SubmittedPiece.status, SubmittedPiece.comment)
        .where(
            (SubmittedPiece.application == application_id)
            & (SubmittedPiece.piece == piece_id)
            & SubmittedPiece.superseded_at.is_null()
        )
        .first()
    )


async def application_row(application_id: int) -> dict:
    return (
        await Application.select(Application.status, Application.answer)
        .where(Application.id == application_id)
        .first()
    )


async def staff_sign_in(page: Page, *, axe: bool) -> None:
    await page.goto("/staff/")
    await expect(page).to_have_url(re.compile(r"/staff/connexion"))
    await check_axe(page, axe)
    await page.get_by_label("Identifiant").fill("commission")
    await page.get_by_label("Mot de passe").fill(STAFF_PASSWORD)
    await page.get_by_role("button", name="Se connecter").click()
    await expect(page.get_by_role("heading", name="Tableau de bord", level=1)).to_be_visible()


async def staff_journey(page: Page, j: Journey, *, axe: bool) -> None:
    """The commission member's half, asserting the page and the database at each step."""
    await staff_sign_in(page, axe=axe)
    await expect(page.get_by_text("Connecté·e en tant que Claire Commission.")).to_be_visible()
    await check_axe(page, axe)  # counts and chart

    await page.get_by_role("link", name="Exporter les candidatures").click()
    await expect(page.get_by_role("heading", name="Exporter les candidatures")).to_be_visible()
    await check_axe(page, axe)

    await page.get_by_role("link", name="Candidatures", exact=True).click()
    await expect(page.locator(".queue-count")).to_have_text("2 candidatures")
    await page.get_by_label("Formation", exact=True).select_option(label=PROGRAMME)
    await page.get_by_role("button", name="Filtrer").click()
    await expect(page.locator(".queue-count")).to_have_text("1 candidature")
    await expect(page).to_have_url(re.compile(r"formation=\d+"))
    await page.get_by_role("link", name=j.account.login).click()

    heading = "Candidature de Camille MARTIN"
    await expect(page.get_by_role("heading", name=heading, level=1)).to_be_visible()
    await expect(page).to_have_url(re.compile(rf"/staff/candidatures/{j.application_id}$"))
    await check_axe(page, axe)  # pieces with their viewer, forms, trail

    letter = page.locator(f"#piece-{j.letter_id}")
    await letter.get_by_role("button", name=f"Refusée : {LETTER}").click()
    # No comment: refused by the page, the piece is unchanged.
    await expect(
        page.get_by_text("Un commentaire est obligatoire pour refuser une pièce")
    ).to_have_count(2)
    assert await piece_row(j.application_id, j.letter_id) == {
        "status": PieceStatus.TRANSMITTED.value,
        "comment": "",
    }
    await check_axe(page, axe)  # the error summary and the field in error

    letter = page.locator(f"#piece-{j.letter_id}")
    await letter.get_by_label("Commentaire (obligatoire pour un refus").fill(COMMENT)
    await letter.get_by_role("button", name=f"Refusée : {LETTER}").click()
    await expect_flash(
        page, "Pièce refusée : le candidat a été prévenu par courriel, avec votre commentaire."
    )
    await expect(page.locator(f"#piece-{j.letter_id} h3")).to_have_text(f"{LETTER} — Refusée")
    await expect(page.get_by_text(f"Commentaire montré au candidat : {COMMENT}")).to_be_visible()
    assert await piece_row(j.application_id, j.letter_id) == {
        "status": PieceStatus.REFUSED.value,
        "comment": COMMENT,
    }

    await page.get_by_role("button", name="Déclarer complet").click()
    await expect_flash(page, "Dossier déclaré complet : le candidat a été prévenu par courriel.")
    assert (await application_row(j.application_id))["status"] == DossierStatus.COMPLETE.value

    await page.get_by_label("Type de décision").select_option(label=f"{FAVOURABLE} — Favorable")
    await page.get_by_role("button", name="Enregistrer la décision (sans la communiquer)").click()
    await expect_flash(
        page,
        "Décision saisie : le candidat ne la voit pas encore. Validez-la pour la lui communiquer.",
    )
    [entered] = await Decision.select(Decision.validated, Decision.decision_type.label_fr).where(
        Decision.application == j.application_id
    )
    assert entered == {"validated": False, "decision_type.label_fr": FAVOURABLE}
    await check_axe(page, axe)  # the decision history table and the validation form

    await page.get_by_role("button", name=f"Valider la décision « {FAVOURABLE} »").click()
    await expect_flash(
        page, "Décision validée : le candidat la voit et en a été informé par courriel."
    )
    [validated] = await Decision.select(Decision.validated).where(
        Decision.application == j.application_id
    )
    assert validated == {"validated": True}
    assert await application_row(j.application_id) == {
        "status": DossierStatus.COMPLETE.value,
        "answer": None,
    }


async def candidate_confirms(page: Page, j: Journey) -> None:
    """The candidate signs in, sees the refused piece's comment and the decision, and
    confirms."""
    await page.goto("/connexion")
    await page.get_by_label("Numéro de dossier ou adresse mail").fill(j.account.login)
    await page.get_by_label("Mot de passe").fill(CANDIDATE_PASSWORD)
    await page.get_by_role("button", name="Se connecter").click()
    await expect(page.get_by_role("heading", name="Mon dossier", exact=True)).to_be_visible()
    await page.goto(f"/candidatures/{j.application_id}")
    await expect(page.get_by_text(COMMENT)).to_be_visible()
    await expect(page.get_by_text(FAVOURABLE).first).to_be_visible()
    await page.get_by_role("link", name="Confirmation candidature").click()
    await page.get_by_role("button", name="Oui, je confirme ma candidature").click()
    await expect(
        page.get_by_text("Vous avez confirmé votre candidature. Un mail vous a été envoyé.")
    ).to_be_visible()
    assert await application_row(j.application_id) == {
        "status": DossierStatus.COMPLETE.value,
        "answer": Answer.CONFIRMED.value,
    }


async def test_a_commission_member_decides_and_the_candidate_confirms(
    browser, live_server, journey
):
    staff, staff_problems = await new_page(browser, live_server, javascript=True)
    candidate, candidate_problems = await new_page(browser, live_server, javascript=True)
    try:
        await staff_journey(staff, journey, axe=True)
        await candidate_confirms(candidate, journey)
        # The desk shows the answer.
        await staff.reload()
        await expect(staff.locator("dd", has_text="Confirmée")).to_be_visible()
        assert staff_problems == []
        assert candidate_problems == []
    finally:
        await staff.context.close()
        await candidate.context.close()


async def test_the_same_staff_journey_with_javascript_off(browser, live_server, journey):
    staff, staff_problems = await new_page(browser, live_server, javascript=False)
    candidate, candidate_problems = await new_page(browser, live_server, javascript=False)
    try:
        await staff_journey(staff, journey, axe=False)
        await candidate_confirms(candidate, journey)
        assert staff_problems == []
        assert candidate_problems == []
    finally:
        await staff.context.close()
        await candidate.context.close()


OPEN_EVERY_DETAILS = "() => document.querySelectorAll('details').forEach(d => { d.open = true; })"


async def test_axe_finds_no_violation_in_the_other_states_of_the_desk_pages(
    browser, live_server, journey
):
    """What the journey does not show: the sign-in error, the image viewer and the pieces' histories
    (opened), a note refused, an empty queue, the bulk pages with a problem, with field
    errors and with refused rows, the export page with its error; then the application
    page and the queue on a phone's width."""
    page, problems = await new_page(browser, live_server, javascript=True)
    try:
        await page.goto("/staff/connexion")
        await page.get_by_label("Identifiant").fill("commission")
        await page.get_by_label("Mot de passe").fill("pas-le-bon")
        await page.get_by_role("button", name="Se connecter").click()
        await expect(
            page.get_by_text("Identifiant ou mot de passe incorrect.").first
        ).to_be_visible()
        await check_axe(page, True)
        await staff_sign_in(page, axe=False)
        await page.goto(f"/staff/candidatures/{journey.other_id}")
        identity = page.locator(f"#piece-{journey.identity_id}")
        await expect(identity.locator("img")).to_be_visible()
        await identity.get_by_label("Commentaire (obligatoire pour un refus").fill("Illisible")
        await identity.get_by_role("button", name=f"Refusée : {IDENTITY}").click()
        await expect(page.locator("p.success")).to_contain_text("Pièce refusée")
        await page.evaluate(OPEN_EVERY_DETAILS)
        await check_axe(page, True)

        await page.get_by_role("button", name="Ajouter la note").click()
        await expect(page.locator("#note-erreur")).to_have_text("Saisissez le texte de la note.")
        await check_axe(page, True)

        await page.goto("/staff/candidatures?q=PERSONNE")
        await expect(page.locator(".queue-count")).to_have_text("0 candidatures")
        await check_axe(page, True)

        await page.goto("/staff/candidatures")
        await page.get_by_label("Action", exact=True).select_option(label="Saisir une décision")
        await page.get_by_role("button", name="Appliquer aux candidatures cochées").click()
        await expect(page.get_by_text("Aucune candidature choisie")).to_be_visible()
        await check_axe(page, True)

        await page.goto("/staff/candidatures")
        await page.get_by_label("Action", exact=True).select_option(label="Saisir une décision")
        await page.get_by_role("button", name="Appliquer à toute la liste filtrée (2)").click()
        await page.get_by_role("button", name="Confirmer : Saisir une décision (2)").click()
        await expect(page.locator("#type_decision-erreur")).to_have_text(
            "Choisissez le type de décision."
        )
        await check_axe(page, True)

        await page.goto("/staff/candidatures")
        await page.get_by_label("Action", exact=True).select_option(
            label="Valider la décision saisie"
        )
        await page.get_by_role("button", name="Appliquer à toute la liste filtrée (2)").click()
        await page.get_by_role("button", name="Confirmer : Valider la décision saisie (2)").click()
        await expect(page.get_by_text("Faites : 0 — refusées : 2.")).to_be_visible()
        await check_axe(page, True)

        await page.goto("/staff/candidatures/export")
        for box in await page.locator(".export-columns input[type=checkbox]").all():
            await box.uncheck()
        await page.get_by_role("button", name="Télécharger au format CSV").click()
        await expect(page.locator("#colonnes-erreur")).to_have_text(
            "Cochez au moins une colonne à exporter."
        )
        await check_axe(page, True)

        await page.set_viewport_size({"width": 360, "height": 740})
        await page.goto(f"/staff/candidatures/{journey.other_id}")
        await page.evaluate(OPEN_EVERY_DETAILS)
        await check_axe(page, True)
        await page.goto("/staff/candidatures")
        await check_axe(page, True)
        await page.goto("/staff/")
        await check_axe(page, True)
        assert problems == []
    finally:
        await page.context.close()
