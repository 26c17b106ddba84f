"""Bulk actions from the queue: choose → confirm (the action and the count) → result.

- ``POST /staff/candidatures/lot``: the action and the rows (the ticked ones, this
  page's, or the whole filtered queue) → the confirmation page, which carries the ids;
  entering a decision asks for the decision there.
- ``POST /staff/candidatures/lot/confirmer``: runs the loop (``app.review.bulk``), one
  lifecycle call per row, enqueues the mails after it, keeps the result in Redis and
  redirects (post/redirect/get) to
- ``GET /staff/candidatures/lot/{token}``: what was done, what was refused and why.

Every step reads the ids again and the loop checks them against the member's scope:
a hand-made form reaches nothing outside it.
"""

from __future__ import annotations

import json
import re
import secrets

from litestar import Request, get, post
from litestar.datastructures import FormMultiDict
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect

from app.application_pages.page_data.labels import verdict_label
from app.core.codes.applications import Verdict
from app.core.i18n import current_language
from app.core.i18n import gettext as _
from app.input_rules import is_ascii_digits
from app.mail.outbox import enqueue_mails
from app.review import queue_labels
from app.review.auth import staff_of, staff_required
from app.review.bulk import (
    MAX_ROWS,
    BulkAction,
    BulkResult,
    DecisionEntry,
    Outcome,
    clean_ids,
    decision_types,
    refusal_reasons,
    run_bulk,
    scoped_ids,
)
from app.review.identity import StaffMember
from app.review.queue_filter import QueueFilter
from app.review.queue_query import queue_ids
from app.review.routes_queue import QUEUE_URL, scoped_filter
from app.web.forms import Form, checked_form
from app.web.templating import Template

BULK_URL = f"{QUEUE_URL}/lot"
RESULT_KEY = "ecesure:staff-bulk:"
RESULT_SECONDS = 12 * 3600
TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")
COMMENT_MAX = 1000
RANK_MAX = 100_000
SCOPE_SELECTION, SCOPE_PAGE, SCOPE_ALL = "selection", "page", "tout"


def _action(data: FormMultiDict) -> BulkAction | None:
    try:
        return BulkAction(data.get("action"))
    except ValueError:
        return None


def _texts(data: FormMultiDict, name: str) -> list[str]:
    return [v for v in data.getall(name, []) if isinstance(v, str)]


def _text(data: FormMultiDict, name: str) -> str:
    value = data.get(name)
    return value if isinstance(value, str) else ""


def _filter(data: FormMultiDict) -> QueueFilter:
    """The queue's filter, carried by the forms as its URL parameters."""
    return QueueFilter.from_params({k: v for k, v in data.items() if isinstance(v, str)})


async def _chosen_ids(member: StaffMember, data: FormMultiDict, queue: QueueFilter) -> list[int]:
    scope = _text(data, "portee")
    if scope == SCOPE_ALL:
        queue, choices = await scoped_filter(member, queue)
        return await queue_ids(member, queue, campaign_id=choices.campaign_id)
    if scope == SCOPE_PAGE:
        ids = clean_ids(_text(data, "ids_page").split(","))
    else:
        ids = clean_ids(_texts(data, "ids"))
    # Only the member's rows are offered for confirmation (and checked again then).
    return await scoped_ids(member, ids) if len(ids) <= MAX_ROWS else ids


def _decision_label(row: dict) -> str:
    english = current_language.get() == "en"
    label = (row["label_en"] if english else "") or row["label_fr"]
    return f"{verdict_label(row['verdict'])} — {label}"


async def _confirm_page(
    member: StaffMember,
    *,
    action: BulkAction | None,
    ids: list[int],
    queue: QueueFilter,
    form: Form | None = None,
    problem: str = "",
) -> Template:
    """The confirmation step; with ``problem`` it explains why there is nothing to
    confirm (no action, no row, too many rows) and offers the way back."""
    context = {
        "staff": member,
        "action": action,
        "ids": ids,
        "count": len(ids),
        "back": queue.url(),
        "filter_params": queue.params(),
        "form": form or Form(),
        "problem": problem,
        "labels": queue_labels,
        "enter_decision": action is BulkAction.ENTER_DECISION,
    }
    if action is BulkAction.ENTER_DECISION and not problem:
        context["decision_types"] = [
            (str(row["id"]), _decision_label(row)) for row in await decision_types()
        ]
        english = current_language.get() == "en"
        context["refusal_reasons"] = [
            (str(row["id"]), (row["label_en"] if english else "") or row["label_fr"])
            for row in await refusal_reasons()
        ]
    return Template("review/bulk_confirm.html", context=context)


def _problem(action: BulkAction | None, ids: list[int]) -> str:
    if action is None:
        return _("Choisissez l'action à appliquer.")
    if not ids:
        return _(
            "Aucune candidature choisie : cochez des candidatures dans la liste, ou appliquez l'action à toute la page ou à toute la file filtrée."
        )
    if len(ids) > MAX_ROWS:
        return _(
            "L'action porte sur %(count)d candidatures : une action groupée en traite au plus %(max)d à la fois. Affinez le filtre de la liste (par formation, statut ou décision) puis recommencez.",
            count=len(ids),
            max=MAX_ROWS,
        )
    return ""


@post("/candidatures/lot", name="staff_bulk_ask", guards=[staff_required])
async def bulk_ask(request: Request) -> Template:
    member = staff_of(request)
    data = await request.form()
    queue = _filter(data)
    action = _action(data)
    ids = await _chosen_ids(member, data, queue)
    return await _confirm_page(
        member, action=action, ids=ids, queue=queue, problem=_problem(action, ids)
    )


@get("/candidatures/lot", name="staff_bulk_back", guards=[staff_required])
async def bulk_back() -> Redirect:
    """A reload of the confirmation page by address: back to the queue."""
    return Redirect(QUEUE_URL, status_code=303)


async def _decision_entry(form: Form) -> DecisionEntry | None:
    """The decision typed on the confirmation page, or None with the form's errors."""
    types = {str(row["id"]): row for row in await decision_types()}
    reasons = {str(row["id"]) for row in await refusal_reasons()}
    chosen = types.get(form.values.get("type_decision", ""))
    if chosen is None:
        form.add_error("type_decision", _("Choisissez le type de décision."))
        return None
    verdict = Verdict(chosen["verdict"])
    reason = form.values.get("motif", "")
    if verdict is Verdict.UNFAVOURABLE and reasons and reason not in reasons:
        form.add_error("motif", _("Choisissez le motif de la décision défavorable."))
    elif verdict is not Verdict.UNFAVOURABLE:
        reason = ""
    comment = form.values.get("commentaire", "").strip()
    if len(comment) > COMMENT_MAX:
        form.add_error(
            "commentaire",
            _("Le commentaire compte au plus %(max)d caractères.", max=COMMENT_MAX),
        )
    rank = None
    if verdict is Verdict.COMPLEMENTARY_LIST:
        text = form.values.get("rang", "").strip()
        if is_ascii_digits(text) and 1 <= int(text) <= RANK_MAX:
            rank = int(text)
        else:
            form.add_error(
                "rang",
                _(
                    "Indiquez le rang sur la liste complémentaire : un nombre entier entre 1 et %(max)d.",
                    max=RANK_MAX,
                ),
            )
    if not form.ok:
        return None
    return DecisionEntry(
        decision_type_id=chosen["id"],
        verdict=verdict,
        refusal_reason_id=int(reason) if reason else None,
        comment=comment,
        first_rank=rank,
    )


def _payload(member: StaffMember, result: BulkResult, back: str) -> str:
    return json.dumps(
        {
            "user_id": member.user_id,
            "action": result.action.value,
            "back": back,
            "rows": [
                [r.application_id, r.outcome.value, r.login, r.name, r.rank] for r in result.rows
            ],
        }
    )


@post("/candidatures/lot/confirmer", name="staff_bulk_confirm", guards=[staff_required])
async def bulk_confirm(request: Request) -> Template | Redirect:
    member = staff_of(request)
    data = await request.form()
    queue = _filter(data)
    action = _action(data)
    ids = clean_ids(_texts(data, "ids"))
    problem = _problem(action, ids)
    if problem:
        return await _confirm_page(member, action=action, ids=ids, queue=queue, problem=problem)
    entry = None
    if action is BulkAction.ENTER_DECISION:
        form = checked_form(data, multiline={"commentaire"})
        entry = await _decision_entry(form) if form.ok else None
        if entry is None:
            return await _confirm_page(member, action=action, ids=ids, queue=queue, form=form)
    result = BulkResult(action)
    try:
        await run_bulk(member, action, ids, entry=entry, into=result)
    finally:
        # Whatever the loop reached is committed: its mails go out.
        await enqueue_mails(request.app.state.redis, result.mail_ids)
    token = secrets.token_urlsafe(24)
    await request.app.state.redis.set(
        RESULT_KEY + token, _payload(member, result, queue.url()), ex=RESULT_SECONDS
    )
    return Redirect(f"{BULK_URL}/{token}", status_code=303)


@get("/candidatures/lot/{token:str}", name="staff_bulk_result", guards=[staff_required])
async def bulk_result(request: Request, token: FromPath[str]) -> Template:
    member = staff_of(request)
    raw = await request.app.state.redis.get(RESULT_KEY + token) if TOKEN.fullmatch(token) else None
    stored = json.loads(raw) if raw else None
    if stored is None or stored.get("user_id") != member.user_id:
        raise NotFoundException()
    rows = [
        {"id": i, "outcome": Outcome(o), "login": login, "name": name, "rank": rank}
        for i, o, login, name, rank in stored["rows"]
    ]
    done = [r for r in rows if r["outcome"] is Outcome.DONE]
    refused = [r for r in rows if r["outcome"] is not Outcome.DONE]
    return Template(
        "review/bulk_result.html",
        context={
            "staff": member,
            "action": BulkAction(stored["action"]),
            "done": done,
            "refused": refused,
            "back": stored["back"],
            "labels": queue_labels,
        },
    )


bulk_handlers = [bulk_ask, bulk_back, bulk_confirm, bulk_result]
