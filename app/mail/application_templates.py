"""The shipped templates of the application mails (to the candidate and alerts to the
commission), with the variables ``app.applications.lifecycle_mail`` gives them."""

from __future__ import annotations

from app.core.codes.mail import MailCode
from app.mail.template_spec import DefaultTemplate

# Every application mail (app.applications.lifecycle_mail.application_context).
_APPLICATION = (
    "first_name, last_name : prénom et nom du candidat.\n"
    "login : numéro de dossier.\n"
    "programme, programme_code : libellé et code de la formation.\n"
    "centre : centre de candidature. commission : commission ; "
    "commission_email, commission_address : son adresse mail (peut être vide) et postale.\n"
    "campaign, academic_year : libellé de la campagne, année universitaire (2026/2027).\n"
    "application_id : numéro de la candidature "
    "(lien : {{ base_url }}/candidatures/{{ application_id }}).\n"
    "return_date : date limite de retour (jj/mm/aaaa)."
)
# The commission's alerts link to the application in the review desk (issue 9).
_DESK_LINK = (
    "lien vers la candidature dans l'espace de gestion : "
    "{{ base_url }}/staff/candidatures/{{ application_id }}"
)
_DEADLINE = "deadline : date limite de confirmation (jj/mm/aaaa, vide si aucune)."
_DECISION = (
    f"{_APPLICATION}\ndecision : libellé de la décision.\n"
    "comment : commentaire de la décision (vide s'il n'est pas montré au candidat).\n"
    "refusal_reason : motif de refus (vide sauf défavorable).\n"
    "rank : rang en liste complémentaire (vide sauf LC).\n"
    f"{_DEADLINE}"
)


def _application_mail(code: MailCode, fr: str, en: str, variables: str = "") -> DefaultTemplate:
    extra = f"\n{variables}" if variables else ""
    return DefaultTemplate(
        code=code, subjects={"fr": fr, "en": en}, variables=f"{_APPLICATION}{extra}"
    )


APPLICATION_TEMPLATES: tuple[DefaultTemplate, ...] = (
    _application_mail(
        MailCode.APPLICATION_CREATED,
        "eCésure : votre candidature est enregistrée",
        "eCésure: your application is recorded",
    ),
    _application_mail(
        MailCode.APPLICATION_CANCELLED,
        "eCésure : candidature annulée",
        "eCésure: application cancelled",
    ),
    _application_mail(
        MailCode.APPLICATION_TRANSMITTED,
        "eCésure : accusé de réception de votre candidature",
        "eCésure: your application was received",
        "transmitted_on : date de transmission (jj/mm/aaaa).",
    ),
    _application_mail(
        MailCode.APPLICATION_CONFIRMED,
        "eCésure : confirmation de votre candidature",
        "eCésure: application confirmed",
        _DEADLINE,
    ),
    _application_mail(
        MailCode.APPLICATION_WITHDRAWN,
        "eCésure : désistement enregistré",
        "eCésure: withdrawal recorded",
        _DEADLINE,
    ),
    _application_mail(
        MailCode.APPLICATION_AUTO_WITHDRAWN,
        "eCésure : désistement automatique",
        "eCésure: automatic withdrawal",
        _DEADLINE,
    ),
    _application_mail(
        MailCode.ANSWER_REMINDER,
        "eCésure : confirmez votre candidature",
        "eCésure: please confirm your application",
        _DEADLINE,
    ),
    _application_mail(
        MailCode.RETURN_REMINDER,
        "eCésure : transmettez votre dossier avant le {{ return_date }}",
        "eCésure: send your application by {{ return_date }}",
        "days_left : nombre de jours restant avant la date limite de retour.",
    ),
    _application_mail(
        MailCode.STATUS_INCOMPLETE,
        "eCésure : dossier incomplet",
        "eCésure: incomplete file",
        "pieces : pièces en attente ou refusées, séparées par des virgules.",
    ),
    _application_mail(
        MailCode.STATUS_COMPLETE,
        "eCésure : dossier complet",
        "eCésure: complete file",
        "pieces : pièces en attente ou refusées (en principe vide).",
    ),
    _application_mail(
        MailCode.PIECE_REFUSED,
        "eCésure : pièce refusée",
        "eCésure: document refused",
        "piece : libellé de la pièce.\ncomment : commentaire du gestionnaire.",
    ),
    *(
        DefaultTemplate(code=code, subjects={"fr": fr, "en": en}, variables=_DECISION)
        for code, fr, en in (
            (MailCode.DECISION_FA, "eCésure : avis favorable", "eCésure: favourable decision"),
            (MailCode.DECISION_DE, "eCésure : avis défavorable", "eCésure: unfavourable decision"),
            (MailCode.DECISION_LA, "eCésure : liste d'attente", "eCésure: waiting list"),
            (
                MailCode.DECISION_LC,
                "eCésure : liste complémentaire",
                "eCésure: complementary list",
            ),
            (MailCode.DECISION_PR, "eCésure : présélection", "eCésure: preselection"),
        )
    ),
    _application_mail(
        MailCode.COMMISSION_TRANSMISSION,
        "eCésure : candidature transmise — {{ programme_code }} — {{ login }}",
        "eCésure: application transmitted — {{ programme_code }} — {{ login }}",
        f"transmitted_on : date de transmission (jj/mm/aaaa).\n{_DESK_LINK}",
    ),
    _application_mail(
        MailCode.COMMISSION_CANCELLATION,
        "eCésure : candidature annulée — {{ programme_code }} — {{ login }}",
        "eCésure: application cancelled — {{ programme_code }} — {{ login }}",
        _DESK_LINK,
    ),
    _application_mail(
        MailCode.COMMISSION_WITHDRAWAL,
        "eCésure : désistement — {{ programme_code }} — {{ login }}",
        "eCésure: withdrawal — {{ programme_code }} — {{ login }}",
        f"{_DEADLINE}\nautomatic : vrai pour un désistement automatique (date dépassée).\n"
        f"{_DESK_LINK}",
    ),
    _application_mail(
        MailCode.COMMISSION_PROMOTION,
        "eCésure : admission depuis la liste complémentaire — {{ programme_code }}",
        "eCésure: admitted from the waiting list — {{ programme_code }}",
        f"{_DEADLINE}\nrank : rang qu'avait le candidat en liste complémentaire.\n{_DESK_LINK}",
    ),
)
