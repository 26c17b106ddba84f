"""Admin forms on decisions: enter one, validate one, validate all of a programme."""

from __future__ import annotations

from piccolo_admin.endpoints import FormConfig
from pydantic import BaseModel, Field
from starlette.requests import Request

from app.applications.lifecycle_base import LifecycleRefused
from app.applications.staff_decisions import DECIDED_STATUSES, DECISION_COMMENT_MAX, enter_decision
from app.applications.staff_decisions import validate_decision as validate_one
from app.applications.staff_programme import validate_programme_decisions
from app.backoffice.form_support import (
    FORM_GROUP_DECISIONS,
    actor_of,
    application_label,
    application_or_refuse,
    enqueue_after,
    form,
    id_field,
    sentence,
    text_type,
)
from app.core.code_labels import VERDICT
from app.core.codes.applications import Verdict
from app.tables.catalog import DecisionType, Programme, RefusalReason

APPLICATION_ID = id_field(
    "N° de la candidature", "Le numéro (id) de la candidature, dans la table Candidatures."
)
NOT_POSSIBLE = "ce changement n'est pas possible dans l'état actuel du dossier (réessayez)."


class EnterDecisionForm(BaseModel):
    application_id: int = APPLICATION_ID
    decision_type: text_type(20) = Field(  # type: ignore[valid-type]
        title="Type de décision (son code, ex. FAV)",
        description="Le code d'un type de décision actif (table Types de décision), ex. FAV.",
    )
    refusal_reason: text_type(20) = Field(  # type: ignore[valid-type]
        default="",
        title="Motif de refus (son code ; décision défavorable seulement)",
        description="Pour une décision défavorable seulement : le code d'un motif actif.",
    )
    rank: int | None = Field(
        default=None,
        ge=1,
        le=100_000,
        title="Rang (liste complémentaire seulement)",
        description="Pour une liste complémentaire seulement : le rang du candidat (1, 2…).",
    )
    comment: text_type(DECISION_COMMENT_MAX, multiline=True) = Field(  # type: ignore[valid-type]
        default="",
        title=f"Commentaire ({DECISION_COMMENT_MAX} caractères au plus)",
        description=f"{DECISION_COMMENT_MAX} caractères au plus ; montré au candidat si le "
        "type de décision le prévoit.",
    )


async def _decision_type(code: str) -> dict:
    row = (
        await DecisionType.select(DecisionType.id, DecisionType.label_fr, DecisionType.verdict)
        .where((DecisionType.code == code) & DecisionType.active.eq(True))
        .first()
    )
    if row is None:
        raise ValueError(f"Type de décision : aucun type de décision actif de code « {code} ».")
    return row


async def _refusal_reason(code: str, verdict: Verdict) -> int | None:
    if not code:
        return None
    if verdict is not Verdict.UNFAVOURABLE:
        raise ValueError("Motif de refus : il ne s'indique que pour une décision défavorable.")
    row = (
        await RefusalReason.select(RefusalReason.id)
        .where((RefusalReason.code == code) & RefusalReason.active.eq(True))
        .first()
    )
    if row is None:
        raise ValueError(f"Motif de refus : aucun motif actif de code « {code} ».")
    return row["id"]


async def enter(request: Request, data: EnterDecisionForm) -> str:
    view = await application_or_refuse(data.application_id)
    decision_type = await _decision_type(data.decision_type)
    verdict = Verdict(decision_type["verdict"])
    reason_id = await _refusal_reason(data.refusal_reason, verdict)
    if verdict is Verdict.COMPLEMENTARY_LIST and data.rank is None:
        raise ValueError("Rang : indiquez le rang du candidat en liste complémentaire.")
    if verdict is not Verdict.COMPLEMENTARY_LIST and data.rank is not None:
        raise ValueError("Rang : il ne s'indique que pour une liste complémentaire.")
    if not view.live:
        raise ValueError("Décision : la candidature est annulée.")
    if view.answer is not None:
        raise ValueError("Décision : le candidat a déjà répondu à la décision validée.")
    if view.status not in DECIDED_STATUSES:
        raise ValueError("Décision : le candidat n'a pas encore transmis son dossier.")
    try:
        await enter_decision(
            application_id=view.id,
            decision_type_id=decision_type["id"],
            refusal_reason_id=reason_id,
            rank=data.rank,
            comment=data.comment,
            actor=actor_of(request),
        )
    except LifecycleRefused:
        raise ValueError(f"Décision : {NOT_POSSIBLE}") from None
    before = f"« {view.decision.label_fr} »" if view.decision else "aucune"
    return (
        f"{sentence(application_label(view))} : décision {before} → "
        f"« {decision_type['label_fr']} » ({VERDICT[verdict].lower()}), saisie sans être validée : "
        "le candidat ne la voit qu'une fois validée."
    )


class ValidateDecisionForm(BaseModel):
    application_id: int = APPLICATION_ID


async def validate(request: Request, data: ValidateDecisionForm) -> str:
    view = await application_or_refuse(data.application_id)
    decision = view.decision
    if decision is None:
        raise ValueError("Décision : aucune décision n'a été saisie pour cette candidature.")
    if decision.validated:
        raise ValueError(f"Décision : la décision « {decision.label_fr} » est déjà validée.")
    if not view.live:
        raise ValueError("Décision : la candidature est annulée.")
    try:
        change = await validate_one(decision_id=decision.id, actor=actor_of(request))
    except LifecycleRefused:
        raise ValueError(f"Décision : {NOT_POSSIBLE}") from None
    await enqueue_after(request, change.mail_ids)
    return (
        f"{sentence(application_label(view))} : décision « {decision.label_fr} » saisie → "
        "validée. Le candidat la voit et la reçoit par mail."
    )


class ValidateProgrammeForm(BaseModel):
    programme_id: int = id_field(
        "N° de la formation", "Le numéro (id) de la formation, dans la table Formations."
    )
    confirm: bool = Field(
        default=False,
        title="Je confirme (chaque candidat reçoit sa décision par mail)",
        description="Chaque candidat concerné voit sa décision et la reçoit par mail.",
    )


async def validate_programme(request: Request, data: ValidateProgrammeForm) -> str:
    programme = (
        await Programme.select(Programme.label).where(Programme.id == data.programme_id).first()
    )
    if programme is None:
        raise ValueError(f"Formation : aucune formation n° {data.programme_id}.")
    if not data.confirm:
        raise ValueError("Je confirme : cochez la case pour valider les décisions.")
    try:
        result = await validate_programme_decisions(
            programme_id=data.programme_id, actor=actor_of(request)
        )
    except LifecycleRefused:
        raise ValueError(f"Formation : aucune formation n° {data.programme_id}.") from None
    await enqueue_after(request, result.mail_ids)
    label = programme["label"]
    if not result.validated and not result.refused:
        raise ValueError(f"Formation « {label} » : aucune décision saisie à valider.")
    text = (
        f"Formation « {label} » : {len(result.validated)} décision(s) saisie(s) → validée(s), "
        "chaque candidat prévenu par mail"
    )
    if result.validated:
        text += f" (candidatures n° {', '.join(map(str, result.validated))})"
    if result.refused:
        text += (
            f" ; {len(result.refused)} non validée(s), le dossier ayant changé entre-temps "
            f"(candidatures n° {', '.join(map(str, result.refused))})"
        )
    return text + "."


def decision_forms() -> list[FormConfig]:
    return [
        form(
            "Saisir une décision",
            "saisir-decision",
            EnterDecisionForm,
            enter,
            FORM_GROUP_DECISIONS,
            "Saisit la décision d'une candidature transmise, sans réponse du candidat. Elle "
            "reste invisible au candidat tant qu'elle n'est pas validée. Motif de refus pour "
            "une décision défavorable seulement, rang pour une liste complémentaire "
            "seulement. Inscrit au journal.",
        ),
        form(
            "Valider une décision",
            "valider-decision",
            ValidateDecisionForm,
            validate,
            FORM_GROUP_DECISIONS,
            "Valide la dernière décision saisie d'une candidature : le candidat la voit et la "
            "reçoit par mail. Une décision déjà validée ne se valide pas deux fois. Inscrit "
            "au journal.",
        ),
        form(
            "Valider les décisions d'une formation",
            "valider-decisions-formation",
            ValidateProgrammeForm,
            validate_programme,
            FORM_GROUP_DECISIONS,
            "Valide toutes les décisions saisies et non validées d'une formation (candidatures "
            "non annulées, sans réponse). Chaque validation est inscrite au journal et chaque "
            "candidat reçoit son mail.",
        ),
    ]
