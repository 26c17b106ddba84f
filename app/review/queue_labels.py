"""Labels of the queue's filter choices, verdicts and bulk outcomes, in the request's
language (the codes stay in the URL and the database; only their labels translate)."""

from __future__ import annotations

from app.application_pages.page_data.labels import dossier_status_label, verdict_label
from app.core.code_labels import ANSWER
from app.core.codes.applications import DossierStatus, Verdict
from app.core.i18n import gettext as _
from app.review.bulk import BulkAction, Outcome
from app.review.queue_filter import ANSWER_NONE, DECISION_ENTERED, DECISION_NONE, DECISION_VALIDATED


def status_choices() -> list[tuple[str, str]]:
    return [(s.value, dossier_status_label(s)) for s in DossierStatus]


def decision_choices() -> list[tuple[str, str]]:
    return [
        (DECISION_NONE, _("Aucune décision")),
        (DECISION_ENTERED, _("Saisie, non validée")),
        (DECISION_VALIDATED, _("Validée")),
        *((v.value, _("Avis : %(verdict)s", verdict=verdict_label(v))) for v in Verdict),
    ]


def answer_choices() -> list[tuple[str, str]]:
    return [
        (ANSWER_NONE, _("Aucune réponse")),
        *((code.value, _(label)) for code, label in ANSWER.items()),
    ]


def answer_label(code: str | None) -> str:
    return dict(answer_choices()).get(code or ANSWER_NONE, "")


def action_label(action: BulkAction) -> str:
    """The action as the confirmation and result pages name it."""
    return {
        BulkAction.INCOMPLETE: _("Déclarer le dossier incomplet"),
        BulkAction.COMPLETE: _("Déclarer le dossier complet"),
        BulkAction.ENTER_DECISION: _("Saisir une décision"),
        BulkAction.VALIDATE_DECISION: _("Valider la décision saisie"),
    }[action]


def action_question(action: BulkAction, count: int) -> str:
    """ "Valider 200 décisions ?": the confirmation names the action and the count."""
    if action is BulkAction.INCOMPLETE:
        return _("Déclarer incomplets %(count)d dossiers ?", count=count)
    if action is BulkAction.COMPLETE:
        return _("Déclarer complets %(count)d dossiers ?", count=count)
    if action is BulkAction.ENTER_DECISION:
        return _("Saisir une décision pour %(count)d candidatures ?", count=count)
    return _("Valider %(count)d décisions ?", count=count)


def outcome_message(outcome: Outcome) -> str:
    """Why a row of a bulk action was refused, in the staff member's words."""
    return {
        Outcome.NOT_FOUND: _("Candidature introuvable."),
        Outcome.NOT_ALLOWED_PROCESS: _(
            "Votre commission n'autorise pas ses membres à modifier le statut des dossiers."
        ),
        Outcome.NOT_ALLOWED_DECIDE: _(
            "Votre commission n'autorise pas ses membres à saisir ou valider les décisions."
        ),
        Outcome.STATUS_REFUSED: _(
            "Le statut du dossier ne permet pas ce changement : dossier non transmis, déjà dans ce statut ou candidature annulée."
        ),
        Outcome.DECISION_REFUSED: _(
            "Aucune décision ne peut être saisie : dossier non transmis, candidature annulée, ou le candidat a déjà répondu."
        ),
        Outcome.NO_DECISION: _("Aucune décision saisie à valider."),
        Outcome.ALREADY_VALIDATED: _("La décision est déjà validée."),
        Outcome.VALIDATION_REFUSED: _(
            "La décision ne peut pas être validée : candidature annulée ou le candidat a déjà répondu."
        ),
    }[outcome]
