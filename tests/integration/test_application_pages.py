"""The candidate's application pages over HTTP (issue 5; guide §05 to §07): apply,
upload the pieces, transmit, follow, answer; with what another candidate, the window's
edges and bad files get."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from html import unescape
from pathlib import Path

import httpx
import pytest

from app.applications import lifecycle
from app.applications.lifecycle import Actor
from app.applications.lifecycle_base import AuditAction
from app.core.codes.applications import Answer, DossierStatus, PieceStatus, Verdict
from app.mail.outbox import enqueue_mails
from app.settings import get_settings
from app.tables.applications import Application, Note, SubmittedPiece
from app.tables.catalog import Campaign, Centre, Commission, DecisionType, Programme, RequiredPiece
from app.tables.documents import StoredFile
from app.tables.dossier import Candidate
from app.tables.ops import AuditEvent
from tests.factories import (
    make_campaign,
    make_centre,
    make_commission,
    make_programme,
    make_required_piece,
)
from tests.factories_dossier import make_complete_dossier
from tests.fixtures.files import JPEG, PDF
from tests.fixtures.web import csrf_token, post_form
from tests.integration.dossier_support import new_candidate, plant_session

PIECE_LABELS = [
    "Copie de la pièce d'identité",
    "CURRICULUM VITAE",
    "Fiche de renseignements administratifs",
    "CAPTURE D'ECRAN : COCHE CESURE SUR PARCOURSUP - MON MASTER",
    "JUSTIFICATIFS DES PROJETS DE CESURE",
    "LETTRE DE MOTIVATION",
]
GUIDE_COLUMNS = [
    "Formation",
    "Date limite de retour",
    "Type traitement",
    "T.E. validé",
    "Statut du dossier",
    "Décision",
    "Centre candidature",
]


# --- set-up ------------------------------------------------------------------------


@dataclass
class World:
    campaign: Campaign
    centre: Centre
    commission: Commission
    programme: Programme
    pieces: list[RequiredPiece]
    favourable: DecisionType


@pytest.fixture
async def world(clock, refdata, mail_templates) -> World:
    """One campaign (2026/2027) with one programme open from 08/06 to 13/07/2026 asking
    for the six pieces of the guide's example; the clock reads 15/06/2026 12:00 in Paris."""
    campaign = await make_campaign(academic_year="2026/2027")
    centre = await make_centre(campaign, label="DEMANDE DE CESURE - FACULTE DES SCIENCES")
    commission = await make_commission(centre, email="commission.fsi@univ.example")
    pieces = [
        await make_required_piece(campaign, label_fr=label, conditional=index == 3)
        for index, label in enumerate(PIECE_LABELS)
    ]
    programme = await make_programme(
        commission, pieces, label="GESTION CESURE FSI L1 (ANNEE)", keywords="sciences licence"
    )
    favourable = DecisionType(
        code="FAV", label_fr="Type de décision favorable", verdict=Verdict.FAVOURABLE.value
    )
    await favourable.save()
    return World(campaign, centre, commission, programme, pieces, favourable)


@dataclass
class Someone:
    http: httpx.AsyncClient
    account: object
    candidate: Candidate

    async def become(self) -> None:
        """Sign this candidate in on the shared client (a fresh session)."""
        self.http.cookies.clear()
        await plant_session(self.http, self.account)


async def new_applicant(http: httpx.AsyncClient, *, complete: bool = True) -> Someone:
    account, candidate = await new_candidate()
    if complete:
        await make_complete_dossier(account)
    someone = Someone(http, account, candidate)
    await someone.become()
    return someone


@pytest.fixture
async def camille(client, world) -> Someone:
    return await new_applicant(client)


# --- reading pages -------------------------------------------------------------------


def text_of(html: str) -> str:
    """What a reader sees: tags removed, entities decoded, white space collapsed."""
    without_tags = re.sub(
        r"<[^>]+>", " ", re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    )
    return " ".join(unescape(without_tags).split())


def table_headers(html: str, table_class: str) -> list[str]:
    table = re.search(rf'<table class="(?:[^"]* )?{table_class}(?: [^"]*)?".*?</thead>', html, re.S)
    assert table, f"no table {table_class}"
    return [text_of(h) for h in re.findall(r'<th scope="col">(.*?)</th>', table.group(0), re.S)]


def table_rows(html: str, table_class: str) -> list[list[str]]:
    table = re.search(rf'<table class="(?:[^"]* )?{table_class}(?: [^"]*)?".*?</table>', html, re.S)
    assert table, f"no table {table_class}"
    body = table.group(0).split("<tbody>", 1)[1]
    return [
        [text_of(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        for row in re.findall(r"<tr\b.*?</tr>", body, re.S)
    ]


# --- actions as a browser without JavaScript does them -------------------------------


async def apply_to(http: httpx.AsyncClient, programme_id: int) -> httpx.Response:
    return await post_form(http, f"/candidatures/nouvelle/{programme_id}", {"reponse": "oui"})


def application_id_from(response: httpx.Response) -> int:
    assert response.status_code == 303, response.text
    match = re.fullmatch(r"/candidatures/(\d+)\?fait=creee", response.headers["location"])
    assert match, response.headers["location"]
    return int(match.group(1))


async def upload(
    http: httpx.AsyncClient,
    application_id: int,
    piece_id: int,
    name: str,
    data: bytes,
    content_type: str = "application/pdf",
) -> httpx.Response:
    token = await csrf_token(http)
    return await http.post(
        f"/candidatures/{application_id}/pieces/{piece_id}",
        data={"_csrf_token": token},
        files={"fichier": (name, data, content_type)},
    )


async def upload_all(http: httpx.AsyncClient, application_id: int, world: World) -> None:
    for index, piece in enumerate(world.pieces):
        if index % 2:
            response = await upload(
                http, application_id, piece.id, f"piece{index}.jpg", JPEG, "image/jpeg"
            )
        else:
            response = await upload(http, application_id, piece.id, f"Pièce n°{index}.pdf", PDF)
        assert response.status_code == 303, text_of(response.text)
        assert (
            response.headers["location"]
            == f"/candidatures/{application_id}?fait=piece-deposee#piece-{piece.id}"
        )


async def drain_mails(run_worker) -> None:
    """Run the worker until every enqueued mail is sent (pages enqueue theirs after
    each change; the test enqueues those of the staff calls it makes)."""
    await run_worker()


def mails_to(sink, address: str) -> list[str]:
    """Subjects of the mails this address received, sorted (the worker's order varies)."""
    return sorted(m["Subject"] for m in sink.messages if m["To"] == address)


def storage_files() -> set[Path]:
    root = get_settings().storage_dir
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


# --- the journey -------------------------------------------------------------------


async def test_apply_upload_transmit_then_confirm_a_favourable_decision(
    camille, world, smtp_sink, run_worker, redis
):
    http = camille.http
    # The offer shows the programme, its window and mode, and lets Camille apply.
    offer = await http.get("/candidatures/nouvelle")
    assert offer.status_code == 200
    shown = text_of(offer.text)
    assert (
        "GESTION CESURE FSI L1 (ANNEE) sciences licence Du 08/06/2026 au 13/07/2026 Dossier dématérialisé Candidater"
        in shown
    )
    assert f'href="/candidatures/nouvelle/{world.programme.id}"' in offer.text

    confirm = await http.get(f"/candidatures/nouvelle/{world.programme.id}")
    assert confirm.status_code == 200
    assert "Voulez-vous candidater à la formation 'GESTION CESURE FSI L1 (ANNEE)' ?" in text_of(
        confirm.text
    )

    application_id = application_id_from(await apply_to(http, world.programme.id))
    page = await http.get(f"/candidatures/{application_id}?fait=creee")
    shown = text_of(page.text)
    login = camille.account.login
    assert (
        f"Récapitulatif de votre candidature - CAMILLE {camille.account.last_name.upper()} ({login})"
        in shown
    )
    assert "Votre candidature a été enregistrée" in shown
    assert (
        "Formation GESTION CESURE FSI L1 (ANNEE) Statut du dossier En attente Type de traitement Accès contrôlé (Validé) Décision En attente Code OPI Non défini"
        in shown
    )
    assert "Date limite de retour 20/07/2026" in shown
    assert "Adresse de contact 118 route de Narbonne 31062 TOULOUSE" in shown
    assert (
        "Procédure dématérialisée, veuillez déposer vos pièces via les commandes du tableau avant le 20/07/2026. Une fois fait vous devrez transmettre votre candidature."
        in shown
    )
    assert "ne dépassant pas 2 Mo par pièce" in shown
    assert table_headers(page.text, "pieces-table") == [
        "Pièce justificative",
        "Fichier",
        "Statut",
        "Commentaire",
        "Actions",
    ]
    assert [row[2] for row in table_rows(page.text, "pieces-table")] == ["En attente"] * 6
    assert "Transmettre ma candidature" not in shown  # pieces missing

    await upload_all(http, application_id, world)
    page = await http.get(f"/candidatures/{application_id}")
    assert [row[2] for row in table_rows(page.text, "pieces-table")] == ["Transmise"] * 6
    assert f'href="/candidatures/{application_id}/transmettre"' in page.text

    # Transmit, behind the guide's warning; a second click changes nothing.
    step = await http.get(f"/candidatures/{application_id}/transmettre")
    assert (
        "Etes vous certain de transmettre votre candidature? Attention: une fois votre dossier transmis aucune modification ne sera possible sur votre candidature."
        in text_of(step.text)
    )
    sent = await post_form(http, f"/candidatures/{application_id}/transmettre", {})
    assert sent.status_code == 303
    assert sent.headers["location"] == f"/candidatures/{application_id}?fait=transmise"
    again = await post_form(http, f"/candidatures/{application_id}/transmettre", {})
    assert again.status_code == 409
    assert "Votre candidature a déjà été transmise." in text_of(again.text)

    page = await http.get(f"/candidatures/{application_id}")
    shown = text_of(page.text)
    assert "Statut du dossier : Réceptionné" in shown
    assert "Date de réception 15/06/2026 Date de transmission 15/06/2026" in shown
    assert "Transmettre ma candidature" not in shown
    assert f'action="/candidatures/{application_id}/pieces/' not in page.text  # frozen
    row = await Application.select().where(Application.id == application_id).first()
    assert row["status"] == DossierStatus.RECEIVED

    await drain_mails(run_worker)
    assert mails_to(smtp_sink, camille.account.email) == [
        "eCésure : accusé de réception de votre candidature",  # once, for two clicks
        "eCésure : votre candidature est enregistrée",
    ]
    assert mails_to(smtp_sink, "commission.fsi@univ.example") == [
        f"eCésure : candidature transmise — {world.programme.code} — {login}"
    ]
    smtp_sink.clear()

    # Staff decide through the lifecycle; Camille confirms on the page.
    staff = Actor.staff(None)
    decision_id = await lifecycle.enter_decision(
        application_id=application_id, decision_type_id=world.favourable.id, actor=staff
    )
    change = await lifecycle.validate_decision(decision_id=decision_id, actor=staff)
    await enqueue_mails(redis, change.mail_ids)
    page = await http.get(f"/candidatures/{application_id}")
    shown = text_of(page.text)
    assert "Décision Type de décision favorable (Validé le 15/06/2026)" in shown
    assert (
        "Attention : cette autorisation n'est valable que pour l'année universitaire indiquée. Année universitaire : 2026/2027"
        in shown
    )
    assert f'href="/candidatures/{application_id}/confirmer">Confirmation candidature' in page.text
    assert f'href="/candidatures/{application_id}/desister">Désistement candidature' in page.text

    step = await http.get(f"/candidatures/{application_id}/confirmer")
    assert (
        "Attention : cette autorisation n'est valable que pour l'année universitaire indiquée."
        in text_of(step.text)
    )
    confirmed = await post_form(http, f"/candidatures/{application_id}/confirmer", {})
    assert confirmed.headers["location"] == f"/candidatures/{application_id}?fait=confirmee"
    row = await Application.select().where(Application.id == application_id).first()
    assert row["answer"] == Answer.CONFIRMED
    page = await http.get(f"/candidatures/{application_id}")
    shown = text_of(page.text)
    assert "Vous avez confirmé votre candidature le 15/06/2026." in shown
    assert "Confirmation candidature" not in shown
    timeline = shown.split("Suivi de votre candidature", 1)[1]
    assert "Candidature enregistrée" in timeline
    assert "Candidature transmise : dossier réceptionné" in timeline
    assert "Décision : Type de décision favorable" in timeline
    assert "Candidature confirmée" in timeline

    await drain_mails(run_worker)
    assert mails_to(smtp_sink, camille.account.email) == [
        "eCésure : avis favorable",
        "eCésure : confirmation de votre candidature",
    ]


async def test_mes_candidatures_shows_the_guide_columns(camille, world):
    application_id = application_id_from(await apply_to(camille.http, world.programme.id))
    page = await camille.http.get("/candidatures")
    assert page.status_code == 200
    assert table_headers(page.text, "applications-table") == GUIDE_COLUMNS
    assert table_rows(page.text, "applications-table") == [
        [
            "GESTION CESURE FSI L1 (ANNEE)",
            "20/07/2026",
            "Accès contrôlé",
            "☑ Oui",
            "En attente",
            "En attente",
            "DEMANDE DE CESURE - FACULTE DES SCIENCES",
        ]
    ]
    assert f'<a class="row-link" href="/candidatures/{application_id}">' in page.text
    assert 'href="/candidatures/nouvelle">+ Nouvelle candidature' in page.text


# --- another candidate's application --------------------------------------------------


async def test_another_candidate_gets_404_for_the_application_its_pieces_and_files(client, world):
    await new_applicant(client)
    application_id = application_id_from(await apply_to(client, world.programme.id))
    piece_id = world.pieces[0].id
    assert (await upload(client, application_id, piece_id, "cv.pdf", PDF)).status_code == 303
    assert (await upload(client, application_id, piece_id, "cv2.pdf", PDF)).status_code == 303
    earlier = (
        await SubmittedPiece.select(SubmittedPiece.id)
        .where(SubmittedPiece.superseded_at.is_not_null() & (SubmittedPiece.piece == piece_id))
        .first()
    )
    own_file = await client.get(f"/candidatures/{application_id}/pieces/{piece_id}/fichier")
    assert own_file.status_code == 200

    await new_applicant(client)  # someone else signs in on the same browser
    base = f"/candidatures/{application_id}"
    for url in (
        base,
        f"{base}/transmettre",
        f"{base}/annuler",
        f"{base}/pieces/{piece_id}/fichier",
        f"{base}/pieces/{piece_id}/fichier?inline=1",
        f"{base}/pieces/{piece_id}/fichier?version={earlier['id']}",
    ):
        assert (await client.get(url)).status_code == 404, url
    for url in (
        f"{base}/transmettre",
        f"{base}/annuler",
        f"{base}/pieces/{piece_id}/supprimer",
        f"{base}/notes",
    ):
        assert (await post_form(client, url, {"note": "x"})).status_code == 404, url
    assert (await upload(client, application_id, piece_id, "x.pdf", PDF)).status_code == 404
    rows = await SubmittedPiece.count().where(SubmittedPiece.application == application_id)
    assert rows == 6 + 2  # six created, two uploads by Camille; nothing by the other
    assert await Note.count() == 0


# --- the deposit window's edges ------------------------------------------------------


async def test_applying_one_second_before_the_window_closes_is_accepted_and_after_refused(
    camille, world, clock
):
    """Windows are inclusive Paris dates: 20/06/2026 ends at 23:59:59 in Paris
    (21:59:59 UTC, summer time)."""
    closing = date(2026, 6, 20)
    first = await make_programme(world.commission, world.pieces, deposit_end=closing)
    second = await make_programme(world.commission, world.pieces, deposit_end=closing)

    clock.move_to(datetime(2026, 6, 20, 21, 59, 59, tzinfo=UTC))
    application_id_from(await apply_to(camille.http, first.id))

    clock.move_to(datetime(2026, 6, 20, 22, 0, 0, tzinfo=UTC))
    refused = await apply_to(camille.http, second.id)
    assert refused.status_code == 409
    assert (
        "Les candidatures à cette formation ne sont pas ouvertes aujourd'hui : il n'est possible de candidater que pendant la période de dépôt des candidatures."
        in text_of(refused.text)
    )
    assert await Application.count().where(Application.programme == second.id) == 0
    offer = text_of((await camille.http.get("/candidatures/nouvelle")).text)
    assert (
        f"{second.label} Du 08/06/2026 au 20/06/2026 Dossier dématérialisé Période de candidature terminée le 20/06/2026"
        in offer
    )


# --- bad files -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "content_type", "message"),
    [
        (
            "scan.pdf",
            b"%PDF-1.4\n" + b"0" * (2 * 1024 * 1024 + 1 - 9),
            "application/pdf",
            "« CURRICULUM VITAE » : le fichier est trop volumineux. Déposez un fichier PDF/JPG/JPEG ne dépassant pas 2 Mo par pièce.",
        ),
        (
            "programme.pdf",
            b"MZ\x90\x00\x03\x00\x00\x00" + bytes(200),
            "application/pdf",
            "« CURRICULUM VITAE » : ce fichier n'est ni un PDF ni une image JPEG. Formats acceptés : PDF/JPG/JPEG, ne dépassant pas 2 Mo par pièce.",
        ),
        (
            "photo.jpg",
            b"<!doctype html><html><script>alert(1)</script></html>",
            "image/jpeg",
            "« CURRICULUM VITAE » : ce fichier n'est ni un PDF ni une image JPEG. Formats acceptés : PDF/JPG/JPEG, ne dépassant pas 2 Mo par pièce.",
        ),
        (
            "vide.pdf",
            b"",
            "application/pdf",
            "« CURRICULUM VITAE » : choisissez un fichier PDF/JPG/JPEG non vide, ne dépassant pas 2 Mo par pièce.",
        ),
    ],
    ids=["2 MB + 1 byte", "exe renamed pdf", "html renamed jpg", "empty"],
)
async def test_a_refused_file_is_explained_and_leaves_nothing(
    camille, world, name, data, content_type, message
):
    application_id = application_id_from(await apply_to(camille.http, world.programme.id))
    piece_id = world.pieces[1].id
    files_before = storage_files()
    pieces_before = await SubmittedPiece.select().order_by(SubmittedPiece.id)

    response = await upload(camille.http, application_id, piece_id, name, data, content_type)

    assert response.status_code == 422
    shown = text_of(response.text)
    assert f"Le formulaire contient 1 erreur : {message}" in shown
    assert f'<li><a href="#fichier-{piece_id}">' in response.text
    assert await StoredFile.count() == 0
    assert storage_files() == files_before
    assert await SubmittedPiece.select().order_by(SubmittedPiece.id) == pieces_before


async def test_a_request_over_the_body_limit_is_refused_in_french(camille, world):
    application_id = application_id_from(await apply_to(camille.http, world.programme.id))
    response = await upload(
        camille.http,
        application_id,
        world.pieces[0].id,
        "big.pdf",
        b"%PDF-" + bytes(3 * 1024 * 1024),
    )
    assert response.status_code == 413
    assert (
        "Le fichier envoyé est trop volumineux : déposez un fichier PDF/JPG/JPEG ne dépassant pas 2 Mo par pièce."
        in text_of(response.text)
    )
    assert await StoredFile.count() == 0


# --- pieces: serving, history, "non concerné", refused ---------------------------------


async def test_a_piece_file_is_served_to_its_owner_inline_or_as_attachment(camille, world):
    application_id = application_id_from(await apply_to(camille.http, world.programme.id))
    piece_id = world.pieces[0].id
    await upload(camille.http, application_id, piece_id, "Pièce d'identité.pdf", PDF)
    base = f"/candidatures/{application_id}/pieces/{piece_id}/fichier"

    inline = await camille.http.get(f"{base}?inline=1")
    assert inline.status_code == 200
    assert inline.content == PDF
    assert inline.headers["content-type"] == "application/pdf"
    assert inline.headers["content-disposition"] == (
        "inline; filename=\"Piece d'identite.pdf\"; filename*=UTF-8''Pi%C3%A8ce%20d%27identit%C3%A9.pdf"
    )
    assert inline.headers["x-content-type-options"] == "nosniff"
    assert inline.headers["cache-control"] == "private, no-store"
    attachment = await camille.http.get(base)
    assert attachment.headers["content-disposition"].startswith("attachment; ")


async def test_replaced_and_refused_pieces_keep_their_history(camille, world):
    application_id = application_id_from(await apply_to(camille.http, world.programme.id))
    piece = world.pieces[0]
    await upload(camille.http, application_id, piece.id, "premier.pdf", PDF)
    for other in world.pieces[1:]:
        await upload(camille.http, application_id, other.id, "autre.pdf", PDF)
    await post_form(camille.http, f"/candidatures/{application_id}/transmettre", {})
    staff = Actor.staff(None)
    await lifecycle.set_piece_status(
        application_id=application_id,
        piece_id=piece.id,
        status=PieceStatus.REFUSED,
        comment="Copie illisible",
        actor=staff,
    )
    await lifecycle.set_dossier_status(
        application_id=application_id, status=DossierStatus.INCOMPLETE, actor=staff
    )

    page = await camille.http.get(f"/candidatures/{application_id}")
    [first_row, *_] = table_rows(page.text, "pieces-table")
    assert first_row[2:4] == ["Refusée", "Copie illisible"]
    assert f'action="/candidatures/{application_id}/pieces/{piece.id}"' in page.text

    replaced = await upload(
        camille.http, application_id, piece.id, "second.jpg", JPEG, "image/jpeg"
    )
    assert replaced.status_code == 303
    page = await camille.http.get(f"/candidatures/{application_id}")
    [first_row, *_] = table_rows(page.text, "pieces-table")
    assert first_row[2] == "Transmise"
    history = re.search(r'<details class="piece-history">.*?</details>', page.text, re.S)
    assert history is not None
    assert text_of(history.group(0)) == (
        "Historique : 2 états précédents"
        " 15/06/2026 — Refusée — premier.pdf — Copie illisible"
        " 15/06/2026 — Transmise — premier.pdf"
    )


async def test_non_concerne_only_for_a_conditional_piece(camille, world):
    application_id = application_id_from(await apply_to(camille.http, world.programme.id))
    conditional, mandatory = world.pieces[3], world.pieces[0]
    page = await camille.http.get(f"/candidatures/{application_id}")
    assert f"/pieces/{conditional.id}/non-concerne" in page.text
    assert f"/pieces/{mandatory.id}/non-concerne" not in page.text

    done = await post_form(
        camille.http, f"/candidatures/{application_id}/pieces/{conditional.id}/non-concerne", {}
    )
    assert done.status_code == 303
    refused = await post_form(
        camille.http, f"/candidatures/{application_id}/pieces/{mandatory.id}/non-concerne", {}
    )
    assert refused.status_code == 409
    assert (
        "Cette pièce est obligatoire : vous ne pouvez pas l'indiquer « Non concerné »."
        in text_of(refused.text)
    )
    statuses = [
        row[2]
        for row in table_rows(
            (await camille.http.get(f"/candidatures/{application_id}")).text, "pieces-table"
        )
    ]
    assert statuses == [
        "En attente",
        "En attente",
        "En attente",
        "Non concerné",
        "En attente",
        "En attente",
    ]


# --- cancel, notes, offer ------------------------------------------------------------


async def test_cancel_is_confirmed_then_final(camille, world, smtp_sink, run_worker, redis):
    application_id = application_id_from(await apply_to(camille.http, world.programme.id))
    step = await camille.http.get(f"/candidatures/{application_id}/annuler")
    assert "Attention : une annulation est définitive et fait l'objet d'un mail." in text_of(
        step.text
    )
    cancelled = await post_form(camille.http, f"/candidatures/{application_id}/annuler", {})
    assert cancelled.headers["location"] == f"/candidatures/{application_id}?fait=annulee"
    page = await camille.http.get(f"/candidatures/{application_id}")
    assert "Cette candidature a été annulée le 15/06/2026." in text_of(page.text)
    again = await post_form(camille.http, f"/candidatures/{application_id}/annuler", {})
    assert again.status_code == 409
    assert (await camille.http.get("/candidatures")).text.count("row-link") == 0
    await drain_mails(run_worker)
    assert mails_to(smtp_sink, camille.account.email) == [
        "eCésure : candidature annulée",
        "eCésure : votre candidature est enregistrée",
    ]


async def test_a_transmitted_application_is_cancelled_until_staff_look_at_it(
    camille, world, smtp_sink, run_worker, redis
):
    """Guide §05.3: "tant que celle-ci n'a pas été traitée par le gestionnaire" — after
    transmission the button stays until staff review a piece; the commission is mailed."""
    from app.applications import lifecycle
    from app.core.codes.applications import PieceStatus

    http = camille.http
    first = application_id_from(await apply_to(http, world.programme.id))
    await upload_all(http, first, world)
    await post_form(http, f"/candidatures/{first}/transmettre", {})
    summary = text_of((await http.get(f"/candidatures/{first}")).text)
    assert "Annuler ma candidature" in summary and "Transmettre ma candidature" not in summary
    cancelled = await post_form(http, f"/candidatures/{first}/annuler", {})
    assert cancelled.headers["location"] == f"/candidatures/{first}?fait=annulee"
    await drain_mails(run_worker)
    commission_subjects = sorted(
        m["Subject"] for m in smtp_sink.messages if m["To"] == world.commission.email
    )
    code, login = world.programme.code, camille.account.login
    assert commission_subjects == [
        f"eCésure : candidature annulée — {code} — {login}",
        f"eCésure : candidature transmise — {code} — {login}",
    ]
    assert "eCésure : candidature annulée" in mails_to(smtp_sink, camille.account.email)

    # Applied again, transmitted, one piece validated by staff: no button, and a POST
    # that comes anyway is refused.
    second = application_id_from(await apply_to(http, world.programme.id))
    await upload_all(http, second, world)
    await post_form(http, f"/candidatures/{second}/transmettre", {})
    piece_id = world.pieces[0].id
    await lifecycle.set_piece_status(
        application_id=second,
        piece_id=piece_id,
        status=PieceStatus.VALIDATED,
        actor=lifecycle.Actor.staff(1),
    )
    assert "Annuler ma candidature" not in text_of((await http.get(f"/candidatures/{second}")).text)
    step = await http.get(f"/candidatures/{second}/annuler")
    assert step.status_code == 303 and step.headers["location"] == f"/candidatures/{second}"
    refused = await post_form(http, f"/candidatures/{second}/annuler", {})
    assert refused.status_code == 409
    row = await Application.select(Application.cancelled_at).where(Application.id == second).first()
    assert row["cancelled_at"] is None


async def test_bloc_notes_lists_the_candidate_notes(camille, world):
    application_id = application_id_from(await apply_to(camille.http, world.programme.id))
    empty = await post_form(camille.http, f"/candidatures/{application_id}/notes", {"note": "  "})
    assert empty.status_code == 422
    assert "Saisissez le texte de la note." in text_of(empty.text)
    added = await post_form(
        camille.http, f"/candidatures/{application_id}/notes", {"note": "Stage confirmé en Espagne"}
    )
    assert added.headers["location"] == f"/candidatures/{application_id}?fait=note#bloc-notes"
    page = text_of((await camille.http.get(f"/candidatures/{application_id}")).text)
    assert "Bloc-notes 15/06/2026 12:00 Stage confirmé en Espagne" in page
    [note] = await Note.select()
    assert (note["author_kind"], note["author_id"]) == ("candidate", camille.account.id)
    assert await AuditEvent.count().where(AuditEvent.action == "note_added") == 1


async def test_the_offer_is_searched_without_case_or_accents(camille, world):
    await make_programme(
        world.commission, world.pieces, label="GESTION CESURE MEDECINE (ANNEE)", keywords="santé"
    )
    found = await camille.http.get("/candidatures/nouvelle", params={"q": "Médecine"})
    rows = [row[0] for row in table_rows(found.text, "offer-table")]
    assert rows == ["GESTION CESURE MEDECINE (ANNEE)"]
    assert "1 formation trouvée pour « Médecine »." in text_of(found.text)
    by_keyword = await camille.http.get("/candidatures/nouvelle", params={"q": "SANTE"})
    assert [row[0] for row in table_rows(by_keyword.text, "offer-table")] == [
        "GESTION CESURE MEDECINE (ANNEE)"
    ]
    none = await camille.http.get("/candidatures/nouvelle", params={"q": "droit"})
    assert "Aucune formation ne correspond à « droit »." in text_of(none.text)


async def test_a_centre_branch_is_an_htmx_partial(camille, world):
    lazy = await camille.http.get("/candidatures/nouvelle", headers={"HX-Request": "true"})
    assert f'hx-get="/candidatures/nouvelle/centres/{world.centre.id}"' in lazy.text
    assert "GESTION CESURE FSI L1 (ANNEE)" not in lazy.text
    branch = await camille.http.get(
        f"/candidatures/nouvelle/centres/{world.centre.id}", headers={"HX-Request": "true"}
    )
    assert branch.status_code == 200
    assert "<html" not in branch.text
    assert "GESTION CESURE FSI L1 (ANNEE)" in text_of(branch.text)
    plain = await camille.http.get(f"/candidatures/nouvelle/centres/{world.centre.id}")
    assert plain.status_code == 303
    assert plain.headers["location"] == f"/candidatures/nouvelle#centre-{world.centre.id}"


async def test_an_incomplete_dossier_says_what_is_missing_instead_of_applying(client, world):
    await new_applicant(client, complete=False)
    offer = await client.get("/candidatures/nouvelle")
    shown = text_of(offer.text)
    assert "Votre dossier est incomplet" in shown
    assert "Adresse : à saisir" in shown
    assert 'href="/dossier"' in offer.text
    assert f'href="/candidatures/nouvelle/{world.programme.id}"' not in offer.text
    refused = await apply_to(client, world.programme.id)
    assert refused.status_code == 409
    assert (
        "Votre dossier est incomplet : complétez vos informations personnelles, votre adresse et votre baccalauréat avant de candidater."
        in text_of(refused.text)
    )
    assert await Application.count() == 0


async def test_sign_in_is_required(client, world):
    response = await client.get("/candidatures")
    assert response.status_code == 303
    assert response.headers["location"] == "/connexion?suivant=/candidatures"


async def test_twenty_concurrent_transmit_requests_transmit_once(
    camille, world, smtp_sink, run_worker
):
    import asyncio

    http = camille.http
    application_id = application_id_from(await apply_to(http, world.programme.id))
    await upload_all(http, application_id, world)
    token = await csrf_token(http)
    url = f"/candidatures/{application_id}/transmettre"
    answers = await asyncio.gather(
        *(http.post(url, data={"_csrf_token": token}) for _ in range(20))
    )
    assert sorted(a.status_code for a in answers) == [303] + [409] * 19
    row = await Application.select().where(Application.id == application_id).first()
    assert row["status"] == DossierStatus.RECEIVED
    assert (
        await AuditEvent.count().where(
            (AuditEvent.application_id == application_id)
            & (AuditEvent.action == AuditAction.APPLICATION_TRANSMITTED.value)
        )
        == 1
    )
    await drain_mails(run_worker)
    assert mails_to(smtp_sink, camille.account.email) == [
        "eCésure : accusé de réception de votre candidature",
        "eCésure : votre candidature est enregistrée",
    ]
    assert len([m for m in smtp_sink.messages if m["To"] == world.commission.email]) == 1
