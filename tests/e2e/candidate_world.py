"""The candidate pages' world for the browser test of their width: one candidate with
every kind of row and application, long values where candidates type long ones."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from app import clock
from app.accounts.passwords import hash_password
from app.applications import lifecycle
from app.applications.notes import add_candidate_note
from app.core.codes.applications import Verdict
from app.core.codes.dossier import StudyOutcome
from app.tables.dossier import Internship, PriorStudy, WorkExperience
from app.tables.mail import OutboxMail
from app.tables.refdata import Commune, Country, Departement
from tests.e2e.test_applications_browser import PASSWORD
from tests.factories import (
    make_account,
    make_campaign,
    make_centre,
    make_commission,
    make_programme,
    make_required_piece,
)
from tests.factories_dossier import decide, make_complete_dossier, make_decision_type, stored_pdf

# Long words as candidates type them: a URL in a description, a centre's label in capitals.
LONG_WORD = "https://www.example-entreprise-de-conseil.fr/offres/stage-ingenierie-2025"
LONG_FILE_NAME = "carte-nationale-d-identite-recto-verso-numerisee-le-12-septembre.pdf"
OPTIONAL_PIECE = "JUSTIFICATIFS DES PROJETS DE CESURE"  # no file yet: the upload form
CENTRE = "DEMANDE DE CESURE - FACULTE DE SANTE - DEPARTEMENT DE MEDECINE, MAIEUTIQUE ET PARAMEDICAL"
PROGRAMME = "GESTION CESURE F25MH DE LA L2 AU M2 A L'ETRANGER - PARCOURS INTERNATIONAL (ANNEE)"


@dataclass
class World:
    account: object
    newcomer: object
    ids: dict[str, int]


async def _rows(candidate_id: int) -> dict[str, int]:
    """One row of each dossier table, with long values."""
    france = (await Country.select(Country.id).where(Country.cog_code == "99100").first())["id"]
    haute_garonne = await Departement.select(Departement.id).where(Departement.code == "31").first()
    toulouse = await Commune.select(Commune.id).where(Commune.insee_code == "31555").first()
    year = clock.today().year - 1
    prior = PriorStudy(
        candidate=candidate_id,
        year=year,
        country=france,
        departement=haute_garonne["id"],
        commune=toulouse["id"],
        establishment_label="UNIVERSITE TOULOUSE III - PAUL SABATIER (SCIENCES ET SANTE)",
        label="LICENCE SCIENCES POUR LA SANTE PARCOURS ACCES SANTE, 2E ANNEE",
        outcome=StudyOutcome.IN_PROGRESS.value,
    )
    internship = Internship(
        candidate=candidate_id,
        year=year,
        duration="8 semaines",
        hours_per_week=35,
        employer="Centre hospitalier universitaire de Toulouse, pôle urgences",
        description=f"Accueil des patients et suivi administratif. {LONG_WORD}",
    )
    experience = WorkExperience(
        candidate=candidate_id,
        year=year,
        title="Animateur de centre de loisirs",
        duration="2 mois",
        employer="Mairie de Toulouse",
        description=f"Encadrement d'enfants de 6 à 11 ans. {LONG_WORD}",
    )
    for row in (prior, internship, experience):
        await row.save()
    return {"prior": prior.id, "internship": internship.id, "experience": experience.id}


async def make_world() -> World:
    """A candidate with dossier rows, an application with a piece to give and one with a
    validated favourable decision, a mail; a closed programme and one not offered; and a
    newcomer whose dossier is not locked yet."""
    campaign = await make_campaign()
    commission = await make_commission(await make_centre(campaign, label=CENTRE))
    identity = await make_required_piece(campaign, label_fr="Copie de la pièce d'identité")
    optional = await make_required_piece(campaign, label_fr=OPTIONAL_PIECE, conditional=True)
    open_programme = await make_programme(commission, [identity, optional], label=PROGRAMME)
    admitting = await make_programme(commission, [])
    last_month = clock.today() - timedelta(days=30)
    closed = await make_programme(
        commission, [], deposit_start=last_month - timedelta(days=30), deposit_end=last_month
    )
    hidden = await make_programme(commission, [], active=False)

    account = await make_account(campaign, password_hash=hash_password(PASSWORD))
    candidate = await make_complete_dossier(account)
    applied = await lifecycle.apply(account_id=account.id, programme_id=open_programme.id)
    admitted = await lifecycle.apply(account_id=account.id, programme_id=admitting.id)
    actor = lifecycle.Actor.candidate(account.id)
    await lifecycle.submit_piece(
        application_id=applied.application_id,
        piece_id=identity.id,
        file_id=await stored_pdf(account, LONG_FILE_NAME),
        actor=actor,
    )
    await add_candidate_note(
        account_id=account.id,
        application_id=applied.application_id,
        message=f"Penser à demander l'attestation de stage. {LONG_WORD}",
    )
    await lifecycle.transmit(application_id=admitted.application_id, actor=actor)
    await decide(admitted.application_id, await make_decision_type(Verdict.FAVOURABLE))
    mail = await OutboxMail.select(OutboxMail.id).where(OutboxMail.account == account.id).first()

    newcomer = await make_account(campaign, password_hash=hash_password(PASSWORD))
    await make_complete_dossier(newcomer)
    ids = {
        "open": open_programme.id,
        "closed": closed.id,
        "hidden": hidden.id,
        "applied": applied.application_id,
        "admitted": admitted.application_id,
        "piece": identity.id,
        "mail": mail["id"],
        **await _rows(candidate.id),
    }
    return World(account, newcomer, ids)
