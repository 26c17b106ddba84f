"""What the application page's forms share: reading a field safely, running one
lifecycle call, and the one-shot message shown after the redirect (flash).

The flash lives in the desk's own session (``request.session`` is the desk's; see
``app.review.auth``): set by a POST, shown and removed by the next page.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Awaitable
from datetime import date, datetime

from litestar import Request
from litestar.exceptions import NotFoundException

from app.applications.lifecycle_base import Change, LifecycleRefused, Refusal
from app.applications.staff_decisions import DECISION_COMMENT_MAX
from app.core.codes.applications import Verdict
from app.core.i18n import gettext as _
from app.input_rules import is_ascii_digits
from app.mail.outbox import enqueue_mails
from app.review.application_trail import state_token
from app.review.queue_filter import MAX_ID
from app.tables.catalog import DecisionType
from app.web.forms import Form

FLASH_KEY = "desk_flash"
ALLOWED_CONTROLS = frozenset("\n\r\t")


def flash(request: Request, text: str, *, ok: bool = True) -> None:
    request.session[FLASH_KEY] = {"ok": ok, "text": text}


def pop_flash(request: Request) -> dict | None:
    session = request.session
    return session.pop(FLASH_KEY, None) if isinstance(session, dict) else None


def parse_id(value: str | None) -> int | None:
    """A database id typed in a form or a URL: digits, 1 to 2³¹-1; None otherwise (an
    id PostgreSQL's integer cannot hold must not reach the query)."""
    value = (value or "").strip()
    if is_ascii_digits(value) and 0 < int(value) <= MAX_ID:
        return int(value)
    return None


def in_range(value: int) -> bool:
    return 0 < value <= MAX_ID


def has_control_characters(text: str) -> bool:
    return any(unicodedata.category(c) == "Cc" and c not in ALLOWED_CONTROLS for c in text)


def text_error(text: str, limit: int) -> str | None:
    """Why a typed text cannot be stored, or None."""
    if has_control_characters(text):
        return _("Ce texte contient des caractères non autorisés.")
    if len(text) > limit:
        return _("Ce texte ne peut pas dépasser %(max)d caractères.", max=limit)
    return None


def parse_date(value: str | None) -> date | ValueError | None:
    """A date typed as 2026-07-13 (date input) or 13/07/2026; None when empty; a
    ValueError (returned, not raised) when it is not a date."""
    value = (value or "").strip()
    if not value:
        return None
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    return ValueError(value)


async def run_change(request: Request, call: Awaitable[Change | int]) -> Change | int | Refusal:
    """Await one lifecycle call; after its commit, hand its mails to the worker.
    NOT_FOUND is a 404; another refusal is returned for the page to explain."""
    try:
        result = await call
    except LifecycleRefused as refused:
        if refused.reason is Refusal.NOT_FOUND:
            raise NotFoundException from refused
        return refused.reason
    if isinstance(result, Change):
        await enqueue_mails(request.app.state.redis, result.mail_ids)
    return result


async def refusal_text(application_id: int, posted_token: str | None, reason: Refusal) -> str:
    """Why the action did not happen: the dossier changed since the form was shown
    (another staff member acted first), or the rule's own message."""
    if reason is Refusal.CAMPAIGN_ARCHIVED:
        return _("La campagne de ce dossier est archivée : il n'est plus modifiable.")
    seen = parse_id(posted_token)
    if seen is not None and seen != await state_token(application_id):
        return _(
            "Ce dossier a changé entre-temps : l'action n'a pas été faite. Voici son état actuel ; vérifiez-le avant de recommencer."
        )
    return _("Cette action n'est pas possible dans l'état actuel du dossier.")


async def decision_input(form: Form) -> dict:
    """The decision form's values for ``enter_decision``; errors on the form."""
    type_id = parse_id(form.values.get("decision-type"))
    verdict = None
    if type_id is not None:
        row = (
            await DecisionType.select(DecisionType.verdict)
            .where((DecisionType.id == type_id) & DecisionType.active.eq(True))
            .first()
        )
        verdict = Verdict(row["verdict"]) if row else None
    if verdict is None:
        form.add_error("decision-type", _("Choisissez un type de décision dans la liste."))
    reason_text = form.values.get("decision-motif", "").strip()
    reason_id = parse_id(reason_text) if reason_text else None
    if reason_text and (reason_id is None or verdict is not Verdict.UNFAVOURABLE):
        form.add_error(
            "decision-motif", _("Un motif de refus ne s'indique que pour une décision défavorable.")
        )
    rank_text = form.values.get("decision-rang", "").strip()
    rank = None
    if verdict is Verdict.COMPLEMENTARY_LIST:
        rank = int(rank_text) if is_ascii_digits(rank_text) else None
        if rank is None or not 1 <= rank <= 100000:
            form.add_error(
                "decision-rang",
                _("Indiquez le rang en liste complémentaire (un nombre entier à partir de 1)."),
            )
    elif rank_text:
        form.add_error(
            "decision-rang", _("Un rang ne s'indique que pour une liste complémentaire.")
        )
    comment = form.values.get("decision-commentaire", "").strip()
    problem = text_error(comment, DECISION_COMMENT_MAX)
    if problem:
        form.add_error("decision-commentaire", problem)
    return {
        "decision_type_id": type_id,
        "refusal_reason_id": reason_id,
        "rank": rank,
        "comment": comment,
    }
