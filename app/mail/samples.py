"""Sample values for previewing mail templates (issue 11 item 6), and the preview itself.

One value per variable name, shared by every template that uses it: the names mean
the same thing in every mail (``app.mail.default_templates``). A few values are
written in the template's language (a decision's label, a piece's name). A template
whose variable has no sample cannot be previewed: tests/unit/test_mail_samples.py
fails when a mail code is given a variable without one here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.core.codes.mail import MailCode
from app.mail.default_templates import TEMPLATES_BY_CODE, provided_variables
from app.mail.outbox import find_template, render_error, render_mail
from app.mail.template_spec import COMMON_VARIABLES
from app.settings import get_settings

LANGUAGES = ("fr", "en")

_SAMPLES: dict[str, Any] = {
    "first_name": "Camille",
    "last_name": "Martin",
    "login": "C26000123",
    "username": "cmartin",
    "name": "Camille Martin",
    "programme": "Licence Informatique — L3",
    "programme_code": "L3INFO",
    "centre": "Faculté des sciences et ingénierie",
    "commission": "Commission Informatique",
    "commission_email": "commission.info@univ.example.fr",
    "commission_address": "118 route de Narbonne, 31062 Toulouse",
    "campaign": "Campagne 2026/2027",
    "academic_year": "2026/2027",
    "application_id": 123,
    "return_date": "15/05/2026",
    "transmitted_on": "02/05/2026",
    "deadline": "30/06/2026",
    "rank": 3,
    "automatic": False,
    "purge_date": "30/06/2026",
    "hours": 24,
    "days_left": 7,
    "new_email": "camille.martin@example.org",
    "email": "camille.martin@example.org",
    "expires": "18/06/2026 10:00",
    # Links: shapes of the real ones, with a token that leads nowhere.
    "activation_url": "{base_url}/compte/activer/exemple-de-lien",
    "reset_url": "{base_url}/compte/mot-de-passe/exemple-de-lien",
    "confirm_url": "{base_url}/compte/adresse-mail/exemple-de-lien",
    "sign_in_url": "{base_url}/connexion",
    "link_url": "{base_url}/staff/activation/exemple-de-lien",
}
_BY_LANGUAGE: dict[str, Mapping[str, str]] = {
    "decision": {"fr": "Favorable", "en": "Favourable"},
    "comment": {
        "fr": "Dossier solide ; merci de confirmer avant la date limite.",
        "en": "A strong file; please confirm before the deadline.",
    },
    "refusal_reason": {"fr": "Projet insuffisamment détaillé", "en": "Project not detailed enough"},
    "pieces": {"fr": "Lettre de motivation, Relevé de notes", "en": "Cover letter, Transcript"},
    "piece": {"fr": "Lettre de motivation", "en": "Cover letter"},
    "message": {
        "fr": "Je souhaite que mes données soient effacées.",
        "en": "I would like my data to be erased.",
    },
}
SAMPLE_NAMES = frozenset(_SAMPLES) | frozenset(_BY_LANGUAGE) | {"base_url"}


def sample_value(name: str, language: str, base_url: str) -> Any:
    """The sample of one variable; KeyError when it has none."""
    if name == "base_url":
        return base_url
    if name in _BY_LANGUAGE:
        values = _BY_LANGUAGE[name]
        return values.get(language, values["fr"])
    value = _SAMPLES[name]
    return value.format(base_url=base_url) if isinstance(value, str) else value


def sample_context(code: MailCode, language: str) -> dict[str, Any]:
    """Every variable the mail ``code`` is given, with its sample value."""
    base_url = get_settings().base_url
    return {name: sample_value(name, language, base_url) for name in provided_variables(code)}


@dataclass(frozen=True)
class Preview:
    code: MailCode
    language: str  # asked for
    template_language: str  # the row used: French when the asked one is missing
    subject: str
    html: str
    text: str
    error: str  # why it did not render ("" when it did)
    variables: list[tuple[str, str]]  # (names, what they are), as documented


def documented_variables(code: MailCode) -> list[tuple[str, str]]:
    """The variable documentation of ``code`` as (names, description) lines."""
    default = TEMPLATES_BY_CODE.get(code)
    text = f"{COMMON_VARIABLES}\n{default.variables if default else ''}"
    lines = []
    for line in text.splitlines():
        names, sep, what = line.partition(" : ")
        if sep:
            lines.append((names.strip(), what.strip()))
        elif line.strip():
            lines.append(("", line.strip()))
    return lines


async def preview(code: MailCode, language: str) -> Preview:
    """The template of ``code`` as stored (staff edits included) rendered with the
    samples; MailTemplateMissing when neither the language nor French has a row."""
    template = await find_template(code, language)
    context = sample_context(code, language)
    try:
        rendered = render_mail(template, context)
    except Exception as exc:  # whatever a staff edit may fail with: shown, not a 500
        subject, html, text, error = template.subject, "", "", render_error(template, exc)
    else:
        subject, html, text, error = rendered.subject, rendered.html, rendered.text, ""
    return Preview(
        code=code,
        language=language,
        template_language=template.language,
        subject=subject,
        html=html,
        text=text,
        error=error,
        variables=documented_variables(code),
    )
