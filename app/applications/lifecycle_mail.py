"""The mails of the lifecycle: one context shape for every application mail, so staff
editing a template find the same variables everywhere (listed in
``app.mail.default_templates``).

Called inside the change's transaction: the outbox row exists only if the change does.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from app.applications.queries import ApplicationView
from app.core.codes.applications import Verdict
from app.core.codes.mail import MailCode
from app.core.dates import short_date
from app.mail.outbox import queue_mail
from app.mail.outbox_batch import MailToQueue

COMMISSION_LANGUAGE = "fr"


def day(value: date | datetime | None) -> str:
    """dd/mm/yyyy in the portal's timezone, "" for no date."""
    return short_date(value)


def application_context(application: ApplicationView) -> dict[str, Any]:
    """The variables every application mail gets (candidate and commission alike)."""
    return {
        "first_name": application.first_name,
        "last_name": application.last_name,
        "login": application.login,
        "programme": application.programme_label,
        "programme_code": application.programme_code,
        "centre": application.centre_label,
        "commission": application.commission_label,
        "commission_email": application.commission_email,
        "commission_address": application.commission_address,
        "campaign": application.campaign_label,
        "academic_year": application.academic_year,
        "application_id": application.id,
        "return_date": day(application.return_deadline),
    }


def candidate_mail(application: ApplicationView, code: MailCode, **extra: Any) -> MailToQueue:
    """The mail :func:`mail_candidate` writes, as a value (jobs write many at once)."""
    return MailToQueue(
        to=application.email,
        code=code,
        language=application.language,
        account_id=application.account_id,
        application_id=application.id,
        context={**application_context(application), **extra},
    )


async def mail_candidate(application: ApplicationView, code: MailCode, **extra: Any) -> int:
    """One mail to the candidate, in the account's language."""
    return await queue_mail(
        to=application.email,
        code=code,
        language=application.language,
        account_id=application.account_id,
        application_id=application.id,
        context={**application_context(application), **extra},
    )


def commission_addresses(email: str) -> list[str]:
    """Staff may type several addresses in the commission's field; one mail each."""
    return [part for part in re.split(r"[\s,;]+", email) if "@" in part]


async def mail_commission(
    application: ApplicationView, code: MailCode, *, wanted: bool = True, **extra: Any
) -> list[int]:
    """The commission's alert, when it wants it (its flag) and has an address."""
    if not wanted:
        return []
    context = {**application_context(application), **extra}
    return [
        await queue_mail(
            to=address,
            code=code,
            language=COMMISSION_LANGUAGE,
            application_id=application.id,
            context=context,
        )
        for address in commission_addresses(application.commission_email)
    ]


DECISION_MAILS = {
    Verdict.FAVOURABLE: MailCode.DECISION_FA,
    Verdict.UNFAVOURABLE: MailCode.DECISION_DE,
    Verdict.WAITING_LIST: MailCode.DECISION_LA,
    Verdict.COMPLEMENTARY_LIST: MailCode.DECISION_LC,
    Verdict.PRESELECTION: MailCode.DECISION_PR,
}


async def mail_decision(application: ApplicationView) -> int:
    """The candidate's mail for the current decision, just validated (one template per
    verdict; the deadline is set for a favourable one, "" otherwise)."""
    decision = application.decision
    assert decision is not None and decision.validated
    language = application.language
    return await mail_candidate(
        application,
        DECISION_MAILS[decision.verdict],
        decision=decision.label(language),
        comment=decision.shown_comment,
        refusal_reason=decision.refusal_reason(language),
        rank="" if decision.rank is None else decision.rank,
        deadline=day(application.confirmation_deadline),
    )
