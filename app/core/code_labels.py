"""The French name of every code stored in a column, and the choices piccolo-admin shows.

One source per label: the candidate pages and the review desk translate these msgids
(``gettext(PIECE_STATUS[code])``), the tables hand them to piccolo as the columns'
``choices`` (:func:`labelled`). The code enums themselves stay plain ``StrEnum``\\ s:
the application compares and stores ``Enum.X.value`` everywhere.

Labels marked ``N_`` are shown on the candidate pages or the desk and are translated
(``app/translations``); the others appear only in the back office, which is French.
This module imports no web code: the tables import it.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum, StrEnum

from piccolo.columns.choices import Choice

from app.core.codes.applications import (
    ActorKind,
    Answer,
    DossierStatus,
    PieceStatus,
    ProcessingType,
    Verdict,
)
from app.core.codes.dossier import Civility, StudyOutcome
from app.core.codes.mail import MailCode, MailStatus
from app.core.codes.staff import StaffRole, StaffTokenPurpose


def N_(message: str) -> str:
    """Mark a msgid for extraction (babel's default keyword); translated where shown."""
    return message


DOSSIER_STATUS = {
    DossierStatus.WAITING: N_("En attente"),
    DossierStatus.RECEIVED: N_("Réceptionné"),
    DossierStatus.INCOMPLETE: N_("Incomplet"),
    DossierStatus.COMPLETE: N_("Complet"),
}
PIECE_STATUS = {
    PieceStatus.WAITING: N_("En attente"),
    PieceStatus.TRANSMITTED: N_("Transmise"),
    PieceStatus.VALIDATED: N_("Validée"),
    PieceStatus.REFUSED: N_("Refusée"),
    PieceStatus.NOT_CONCERNED: N_("Non concerné"),
}
PROCESSING_TYPE = {
    ProcessingType.CONTROLLED: N_("Accès contrôlé"),
    ProcessingType.DIRECT: N_("Accès direct"),
    ProcessingType.PENDING: N_("En attente"),
}
VERDICT = {
    Verdict.FAVOURABLE: N_("Favorable"),
    Verdict.UNFAVOURABLE: N_("Défavorable"),
    Verdict.WAITING_LIST: N_("Liste d'attente"),
    Verdict.COMPLEMENTARY_LIST: N_("Liste complémentaire"),
    Verdict.PRESELECTION: N_("Présélection"),
}
ANSWER = {Answer.CONFIRMED: N_("Confirmée"), Answer.WITHDRAWN: N_("Désistement")}
CIVILITY = {Civility.MR: N_("M."), Civility.MRS: N_("Mme")}
STUDY_OUTCOME = {
    StudyOutcome.OBTAINED: N_("Obtenu"),
    StudyOutcome.NOT_OBTAINED: N_("Non obtenu"),
    StudyOutcome.IN_PROGRESS: N_("En cours"),
}

# Back office only (French).
ACTOR_KIND = {
    ActorKind.CANDIDATE: "Candidat",
    ActorKind.STAFF: "Personnel",
    ActorKind.SYSTEM: "Application (automatique)",
}
STAFF_ROLE = {
    StaffRole.TECH_ADMIN: "Administrateur technique",
    StaffRole.CENTRAL_OFFICE: "Scolarité centrale",
    StaffRole.CENTRE_MANAGER: "Gestionnaire de centre",
    StaffRole.COMMISSION_MEMBER: "Membre de commission",
}
STAFF_TOKEN_PURPOSE = {
    StaffTokenPurpose.ACTIVATION: "Activation du compte",
    StaffTokenPurpose.RESET: "Nouveau mot de passe",
}
MAIL_STATUS = {
    MailStatus.DRAFT: "Brouillon",
    MailStatus.QUEUED: "À envoyer",
    MailStatus.SENDING: "Envoi en cours",
    MailStatus.SENT: "Envoyé",
    MailStatus.FAILED: "Échec de l'envoi",
}
MAIL_CODE = {
    MailCode.ACCOUNT_CREATED: "Compte créé (activation)",
    MailCode.ACTIVATION_RESENT: "Lien d'activation renvoyé",
    MailCode.PASSWORD_RESET: "Réinitialisation du mot de passe",
    MailCode.LOGIN_REMINDER: "Rappel du numéro de dossier",
    MailCode.EMAIL_CHANGE: "Changement d'adresse électronique (confirmation)",
    MailCode.EMAIL_CHANGED_NOTICE: "Adresse électronique changée (avis)",
    MailCode.APPLICATION_CREATED: "Candidature enregistrée",
    MailCode.APPLICATION_CANCELLED: "Candidature annulée",
    MailCode.APPLICATION_TRANSMITTED: "Candidature transmise",
    MailCode.APPLICATION_CONFIRMED: "Candidature confirmée",
    MailCode.APPLICATION_WITHDRAWN: "Désistement",
    MailCode.APPLICATION_AUTO_WITHDRAWN: "Désistement automatique",
    MailCode.RETURN_REMINDER: "Rappel de la date de retour du dossier",
    MailCode.ANSWER_REMINDER: "Rappel de la date de confirmation",
    MailCode.RETENTION_WARNING: "Avis de suppression des données (fin de conservation)",
    MailCode.DATA_EXPORT_READY: "Mes données : archive prête",
    MailCode.ACCOUNT_DELETED: "Compte supprimé à la demande du candidat",
    MailCode.DATA_REQUEST: "Demande d'un candidat sur ses données (au contact)",
    MailCode.STATUS_INCOMPLETE: "Dossier incomplet",
    MailCode.STATUS_COMPLETE: "Dossier complet",
    MailCode.PIECE_REFUSED: "Pièce refusée",
    MailCode.DECISION_FA: "Décision : favorable",
    MailCode.DECISION_DE: "Décision : défavorable",
    MailCode.DECISION_LA: "Décision : liste d'attente",
    MailCode.DECISION_LC: "Décision : liste complémentaire",
    MailCode.DECISION_PR: "Décision : présélection",
    MailCode.COMMISSION_TRANSMISSION: "Commission : dossier transmis",
    MailCode.COMMISSION_CANCELLATION: "Commission : candidature annulée",
    MailCode.COMMISSION_WITHDRAWAL: "Commission : désistement",
    MailCode.COMMISSION_PROMOTION: "Commission : admission depuis la liste complémentaire",
    MailCode.STAFF_ACTIVATION: "Personnel : activation du compte",
    MailCode.STAFF_PASSWORD_RESET: "Personnel : nouveau mot de passe",
    MailCode.DEV_TEST: "Essai d'envoi (développement)",
}


def labelled(codes: type[StrEnum], labels: Mapping[StrEnum, str]) -> type[Enum]:
    """``codes`` as piccolo ``choices``: same member names and stored values, each a
    ``Choice`` carrying its French name. A code without a label fails at import."""
    missing = [member.name for member in codes if member not in labels]
    if missing:
        raise ValueError(f"{codes.__name__}: no French label for {', '.join(missing)}")
    members = {m.name: Choice(value=m.value, display_name=labels[m]) for m in codes}
    return Enum(codes.__name__, members)  # type: ignore[return-value]


DossierStatusChoices = labelled(DossierStatus, DOSSIER_STATUS)
PieceStatusChoices = labelled(PieceStatus, PIECE_STATUS)
ProcessingTypeChoices = labelled(ProcessingType, PROCESSING_TYPE)
VerdictChoices = labelled(Verdict, VERDICT)
AnswerChoices = labelled(Answer, ANSWER)
ActorKindChoices = labelled(ActorKind, ACTOR_KIND)
CivilityChoices = labelled(Civility, CIVILITY)
StudyOutcomeChoices = labelled(StudyOutcome, STUDY_OUTCOME)
StaffRoleChoices = labelled(StaffRole, STAFF_ROLE)
StaffTokenPurposeChoices = labelled(StaffTokenPurpose, STAFF_TOKEN_PURPOSE)
MailStatusChoices = labelled(MailStatus, MAIL_STATUS)
MailCodeChoices = labelled(MailCode, MAIL_CODE)
