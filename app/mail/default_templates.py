"""The mail templates shipped with eCésure, installed as ``MailTemplate`` rows.

A template's subjects and variable list are declared here (the application mails in
:mod:`app.mail.application_templates`); its bodies are files under
``templates/mail/defaults/``: ``{code}.{language}.html`` and, only when the text part
must differ from the one derived from the HTML, ``{code}.{language}.txt``. Staff edit
the rows in the admin afterwards: installing again adds missing rows and never
overwrites an edit.

``python -m app.mail.default_templates`` installs them.
"""

from __future__ import annotations

import asyncio

from app.core.codes.mail import MailCode
from app.mail.application_templates import APPLICATION_TEMPLATES
from app.mail.template_spec import COMMON_VARIABLES, DefaultTemplate, documented_names
from app.settings import PROJECT_ROOT
from app.tables.mail import MailTemplate

DEFAULTS_DIR = PROJECT_ROOT / "templates" / "mail" / "defaults"

_STAFF = "first_name, last_name : prénom et nom du personnel.\nusername : son identifiant."
_ACCOUNT = "first_name, last_name : prénom et nom du candidat.\nlogin : numéro de dossier."

DEFAULT_TEMPLATES: tuple[DefaultTemplate, ...] = (
    DefaultTemplate(
        code=MailCode.DEV_TEST,
        subjects={"fr": "Message de test eCésure", "en": "eCésure test message"},
        variables="name : nom du destinataire.",
    ),
    DefaultTemplate(
        code=MailCode.ACCOUNT_CREATED,
        subjects={"fr": "eCésure : création de votre compte", "en": "eCésure: your new account"},
        variables=f"{_ACCOUNT}\ncampaign : libellé de la campagne.\n"
        "activation_url : lien d'activation (usage unique).\n"
        "purge_date : date (jj/mm/aaaa) après laquelle un compte non validé est détruit.",
    ),
    DefaultTemplate(
        code=MailCode.ACTIVATION_RESENT,
        subjects={
            "fr": "eCésure : nouveau lien d'activation",
            "en": "eCésure: new activation link",
        },
        variables=f"{_ACCOUNT}\ncampaign : libellé de la campagne.\n"
        "activation_url : nouveau lien d'activation.\npurge_date : date de destruction.",
    ),
    DefaultTemplate(
        code=MailCode.PASSWORD_RESET,
        subjects={"fr": "eCésure : nouveau mot de passe", "en": "eCésure: new password"},
        variables=f"{_ACCOUNT}\nreset_url : lien de changement (usage unique).\n"
        "hours : durée de validité du lien en heures.",
    ),
    DefaultTemplate(
        code=MailCode.LOGIN_REMINDER,
        subjects={"fr": "eCésure : votre identifiant", "en": "eCésure: your login"},
        variables=f"{_ACCOUNT}\nsign_in_url : page de connexion.",
    ),
    DefaultTemplate(
        code=MailCode.EMAIL_CHANGE,
        subjects={
            "fr": "eCésure : validez votre adresse mail",
            "en": "eCésure: confirm your email address",
        },
        variables=f"{_ACCOUNT}\nconfirm_url : lien de validation de la nouvelle adresse.",
    ),
    DefaultTemplate(
        code=MailCode.EMAIL_CHANGED_NOTICE,
        subjects={
            "fr": "eCésure : votre adresse mail a changé",
            "en": "eCésure: your email address changed",
        },
        variables=f"{_ACCOUNT}\nnew_email : la nouvelle adresse.",
    ),
    *APPLICATION_TEMPLATES,
    # The candidates of an archived campaign, before the retention purge
    # (app.catalog.retention).
    DefaultTemplate(
        code=MailCode.RETENTION_WARNING,
        subjects={
            "fr": "eCésure : vos données seront supprimées le {{ purge_date }}",
            "en": "eCésure: your data will be deleted on {{ purge_date }}",
        },
        variables=f"{_ACCOUNT}\ncampaign : libellé de la campagne archivée.\n"
        "purge_date : date (jj/mm/aaaa) à partir de laquelle le compte, le dossier et les "
        "pièces sont supprimés.",
    ),
    # The candidate's rights over their data (issue 15, app.ops.data_export and
    # app.ops.account_deletion).
    DefaultTemplate(
        code=MailCode.DATA_EXPORT_READY,
        subjects={
            "fr": "eCésure : vos données sont prêtes à être téléchargées",
            "en": "eCésure: your data is ready to download",
        },
        variables=f"{_ACCOUNT}\nlink_url : lien de téléchargement de l'archive (usage unique, "
        "après connexion).\nexpires : date et heure (jj/mm/aaaa hh:mm) où le lien expire.",
    ),
    DefaultTemplate(
        code=MailCode.ACCOUNT_DELETED,
        subjects={
            "fr": "eCésure : votre compte a été supprimé",
            "en": "eCésure: your account has been deleted",
        },
        # No variable: the outbox row outlives the account, so it names nobody (its
        # address aside).
        variables="",
    ),
    DefaultTemplate(
        code=MailCode.DATA_REQUEST,
        subjects={
            # sent in French to the university's contact; the English one is for previews
            "fr": "eCésure : demande d'un candidat sur ses données personnelles ({{ login }})",
            "en": "eCésure: a candidate's request about their personal data ({{ login }})",
        },
        variables=f"{_ACCOUNT}\nemail : adresse mail du compte.\n"
        "campaign : libellé de la campagne.\nmessage : la demande, telle que saisie.",
    ),
    # Staff accounts made in the admin (app.backoffice.staff_links).
    DefaultTemplate(
        code=MailCode.STAFF_ACTIVATION,
        subjects={
            "fr": "eCésure : activez votre compte de gestion",
            "en": "eCésure: activate your staff account",
        },
        variables=f"{_STAFF}\nlink_url : lien pour choisir son mot de passe (usage unique).\n"
        "hours : durée de validité du lien en heures.",
    ),
    DefaultTemplate(
        code=MailCode.STAFF_PASSWORD_RESET,
        subjects={
            "fr": "eCésure : nouveau mot de passe de gestion",
            "en": "eCésure: new staff password",
        },
        variables=f"{_STAFF}\nlink_url : lien pour choisir un nouveau mot de passe (usage "
        "unique).\nhours : durée de validité du lien en heures.",
    ),
)


TEMPLATES_BY_CODE: dict[MailCode, DefaultTemplate] = {t.code: t for t in DEFAULT_TEMPLATES}


def provided_variables(code: MailCode) -> frozenset[str]:
    """The variables the mail ``code`` is rendered with: those documented for it, and
    ``base_url``. A template using any other fails to render, so the admin refuses it.
    A code shipped without a template (none written yet) is given ``base_url`` only."""
    template = TEMPLATES_BY_CODE.get(code)
    return documented_names(f"{COMMON_VARIABLES}\n{template.variables if template else ''}")


def _body(code: MailCode, language: str, suffix: str) -> str:
    path = DEFAULTS_DIR / f"{code.value}.{language}.{suffix}"
    if suffix == "txt" and not path.exists():
        return ""  # the text part is derived from the HTML when sending
    return path.read_text(encoding="utf-8")


def default_rows() -> list[MailTemplate]:
    """One unsaved row per (code, language) shipped with eCésure."""
    return [
        MailTemplate(
            code=template.code.value,
            language=language,
            subject=subject,
            body_html=_body(template.code, language, "html"),
            body_text=_body(template.code, language, "txt"),
            variables=f"{COMMON_VARIABLES}\n{template.variables}",
        )
        for template in DEFAULT_TEMPLATES
        for language, subject in template.subjects.items()
    ]


async def install_default_templates() -> int:
    """Insert the missing (code, language) rows; return how many were inserted.

    ON CONFLICT DO NOTHING rather than read-then-insert: two processes starting at
    once (web and worker) must not fail on the unique constraint, and an existing row
    may hold a staff edit.
    """
    inserted = (
        await MailTemplate.insert(*default_rows())
        .on_conflict(target=(MailTemplate.code, MailTemplate.language), action="DO NOTHING")
        .returning(MailTemplate.id)
    )
    return len(inserted)


if __name__ == "__main__":
    count = asyncio.run(install_default_templates())
    print(f"{count} mail template(s) installed")
