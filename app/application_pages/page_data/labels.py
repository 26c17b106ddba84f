"""Labels of the application codes and events, in the request's language."""

from __future__ import annotations

from collections.abc import Callable

from app.applications.lifecycle_base import AuditAction
from app.applications.queries import ApplicationView, DecisionView
from app.core.code_labels import DOSSIER_STATUS, PIECE_STATUS, PROCESSING_TYPE, VERDICT
from app.core.codes.applications import (
    ActorKind,
    Answer,
    DossierStatus,
    PieceStatus,
    ProcessingType,
    Verdict,
)
from app.core.dates import short_date
from app.core.i18n import current_language
from app.core.i18n import gettext as _


def dossier_status_label(code: DossierStatus) -> str:
    return _(DOSSIER_STATUS[DossierStatus(code)])


def piece_status_label(code: PieceStatus) -> str:
    return _(PIECE_STATUS[PieceStatus(code)])


def processing_type_label(code: ProcessingType) -> str:
    return _(PROCESSING_TYPE[ProcessingType(code)])


def verdict_label(code: str) -> str:
    """The verdict's name; an unknown code (an old audit record) reads as itself."""
    label = VERDICT.get(code)  # type: ignore[call-overload]
    return _(label) if label else code


def decision_label(decision: DecisionView | None) -> str:
    """The validated decision's type ("En attente" until then), with its rank on a
    complementary list."""
    if decision is None:
        return _("En attente")
    label = decision.label(current_language.get())
    if decision.verdict is Verdict.COMPLEMENTARY_LIST and decision.rank:
        return _("%(label)s (rang %(rank)d)", label=label, rank=decision.rank)
    return label


def decision_details(decision: DecisionView | None) -> str:
    """The refusal reason and the comment, when the decision type shows them."""
    if decision is None:
        return ""
    parts = [decision.refusal_reason(current_language.get()), decision.shown_comment]
    return " — ".join(part for part in parts if part)


def answer_label(application: ApplicationView) -> str:
    if application.answer is Answer.CONFIRMED:
        return _(
            "Vous avez confirmé votre candidature le %(date)s.",
            date=short_date(application.answered_at),
        )
    if application.answer is Answer.WITHDRAWN and application.answered_by == ActorKind.SYSTEM:
        return _(
            "Cette candidature a fait l'objet d'un désistement automatique le %(date)s : elle n'avait pas été confirmée avant la date limite de confirmation.",
            date=short_date(application.answered_at),
        )
    if application.answer is Answer.WITHDRAWN:
        return _(
            "Vous vous êtes désisté·e de cette candidature le %(date)s.",
            date=short_date(application.answered_at),
        )
    return ""


def answer_badge(answer: Answer | None, answered_by: str | None) -> str:
    """The answer in a word, for the "Mes candidatures" table."""
    if answer is Answer.WITHDRAWN and answered_by == ActorKind.SYSTEM:
        return _("Désistement automatique")
    if answer is Answer.WITHDRAWN:
        return _("Désistement")
    if answer is Answer.CONFIRMED:
        return _("Confirmée")
    return ""


# What happened, per audit action: a function of the piece's and the decision's labels,
# so that a line translates its own message only (the page shows a dozen lines).
_TIMELINE: dict[AuditAction, Callable[[str, str], str]] = {
    AuditAction.APPLICATION_CREATED: lambda piece, decision: _("Candidature enregistrée"),
    AuditAction.PIECE_SUBMITTED: lambda piece, decision: _(
        "Pièce « %(piece)s » déposée", piece=piece
    ),
    AuditAction.PIECE_REMOVED: lambda piece, decision: _(
        "Fichier de la pièce « %(piece)s » supprimé", piece=piece
    ),
    AuditAction.PIECE_NOT_CONCERNED: lambda piece, decision: _(
        "Pièce « %(piece)s » indiquée « Non concerné »", piece=piece
    ),
    AuditAction.PIECE_VALIDATED: lambda piece, decision: _(
        "Pièce « %(piece)s » validée", piece=piece
    ),
    AuditAction.PIECE_REFUSED: lambda piece, decision: _(
        "Pièce « %(piece)s » refusée", piece=piece
    ),
    AuditAction.APPLICATION_TRANSMITTED: lambda piece, decision: _(
        "Candidature transmise : dossier réceptionné"
    ),
    AuditAction.APPLICATION_CANCELLED: lambda piece, decision: _("Candidature annulée"),
    AuditAction.STATUS_INCOMPLETE: lambda piece, decision: _("Dossier déclaré incomplet"),
    AuditAction.STATUS_COMPLETE: lambda piece, decision: _("Dossier déclaré complet"),
    AuditAction.PROCESSING_TYPE_VALIDATED: lambda piece, decision: _("Type de traitement validé"),
    AuditAction.DECISION_VALIDATED: lambda piece, decision: _(
        "Décision : %(decision)s", decision=decision
    ),
    AuditAction.APPLICATION_CONFIRMED: lambda piece, decision: _("Candidature confirmée"),
    AuditAction.APPLICATION_WITHDRAWN: lambda piece, decision: _("Désistement de la candidature"),
    AuditAction.APPLICATION_AUTO_WITHDRAWN: lambda piece, decision: _(
        "Désistement automatique : la date limite de confirmation est passée"
    ),
    AuditAction.WAITING_LIST_PROMOTED: lambda piece, decision: _(
        "Admission depuis la liste complémentaire"
    ),
}


def timeline_label(event: dict) -> str:
    """One line of the follow-up: what happened, in the candidate's words."""
    data = event.get("data") or {}
    english = current_language.get() == "en"
    piece = (data.get("piece_label_en") if english else "") or data.get("piece_label_fr", "")
    decision = (data.get("label_en") if english else "") or data.get("label_fr", "")
    try:
        label = _TIMELINE[AuditAction(event["action"])]
    except (KeyError, ValueError):
        return _("Mise à jour de votre candidature")
    return label(piece, decision)


def size_label(size: int | None) -> str:
    """The size of a stored file as the French write it: "350 ko", "1,4 Mo"."""
    if size is None:
        return ""
    if size < 1024 * 1024:
        return _("%(size)s ko", size=max(1, round(size / 1024)))
    megabytes = f"{size / (1024 * 1024):.1f}".replace(".", ",")
    return _("%(size)s Mo", size=megabytes)
