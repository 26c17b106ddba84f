"""The queue page, ``GET /staff/candidatures``: the member's applications, filtered,
sorted and paged from the URL.

Without JS the filter is a GET form and sort / page are links; with htmx the same
requests ask only for the results (``HX-Target: queue-results``) and swap them in place.
Every filter choice offered is limited to the member's scope; a value from the URL that
is not among them is ignored (the SQL is scoped anyway).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from litestar import get
from litestar.plugins.htmx import HTMXRequest

from app.core.codes.staff import StaffRole
from app.core.i18n import current_language
from app.core.i18n import gettext as _
from app.review import queue_labels
from app.review.auth import staff_of, staff_required
from app.review.bulk import MAX_ROWS, BulkAction
from app.review.identity import StaffMember
from app.review.queue_filter import PAGE_SIZE, QueueFilter
from app.review.queue_query import QueuePage, queue_page
from app.review.scope import programme_scope
from app.tables.catalog import Campaign, Centre, Commission, Programme
from app.web.templating import Template

QUEUE_URL = "/staff/candidatures"
RESULTS_ID = "queue-results"


@dataclass(frozen=True)
class Choices:
    """What the filter form offers this member, and the campaign shown."""

    campaign_id: int
    campaigns: list[tuple[int, str]]
    centres: list[tuple[int, str]]
    programmes: list[tuple[int, str]]


def _label(row: dict) -> str:
    english = current_language.get() == "en"
    return (row["label_en"] if english else "") or row["label_fr"]


async def _campaigns(member: StaffMember) -> list[dict]:
    query = Campaign.select(
        Campaign.id, Campaign.label_fr, Campaign.label_en, Campaign.active
    ).order_by(Campaign.start_date, ascending=False)
    if member.role is StaffRole.CENTRE_MANAGER:
        query = query.where(
            Campaign.id.is_in(
                Centre.select(Centre.campaign).where(
                    Centre.id.is_in(list(member.centre_ids) or [0])
                )
            )
        )
    elif member.role is StaffRole.COMMISSION_MEMBER:
        query = query.where(
            Campaign.id.is_in(
                Commission.select(Commission.centre.campaign).where(
                    Commission.id.is_in(list(member.commission_ids) or [0])
                )
            )
        )
    elif not member.sees_all:
        return []
    return await query


async def _centres(member: StaffMember, campaign_id: int) -> list[tuple[int, str]]:
    query = Centre.select(Centre.id, Centre.label).where(Centre.campaign == campaign_id)
    if member.role is StaffRole.CENTRE_MANAGER:
        query = query.where(Centre.id.is_in(list(member.centre_ids) or [0]))
    elif member.role is StaffRole.COMMISSION_MEMBER:
        query = query.where(
            Centre.id.is_in(
                Commission.select(Commission.centre).where(
                    Commission.id.is_in(list(member.commission_ids) or [0])
                )
            )
        )
    elif not member.sees_all:
        return []
    rows = await query.order_by(Centre.position).order_by(Centre.label)
    return [(r["id"], r["label"]) for r in rows]


async def _programmes(
    member: StaffMember, campaign_id: int, centre_id: int | None
) -> list[tuple[int, str]]:
    condition = programme_scope(member) & (Programme.commission.centre.campaign == campaign_id)
    if centre_id:
        condition &= Programme.commission.centre.id == centre_id
    rows = (
        await Programme.select(Programme.id, Programme.label)
        .where(condition)
        .order_by(Programme.label)
    )
    return [(r["id"], r["label"]) for r in rows]


async def scoped_filter(member: StaffMember, queue: QueueFilter) -> tuple[QueueFilter, Choices]:
    """The filter with the values outside the member's choices dropped, and the choices.

    The campaign defaults to the active one (or the member's latest)."""
    campaigns = await _campaigns(member)
    ids = [c["id"] for c in campaigns]
    if queue.campaign not in ids:
        queue = replace(queue, campaign=None)
    default = next((c["id"] for c in campaigns if c["active"]), ids[0] if ids else 0)
    campaign_id = queue.campaign or default
    centres = await _centres(member, campaign_id)
    if queue.centre not in {c[0] for c in centres}:
        queue = replace(queue, centre=None)
    programmes = await _programmes(member, campaign_id, queue.centre)
    if queue.programme not in {p[0] for p in programmes}:
        queue = replace(queue, programme=None)
    choices = Choices(
        campaign_id=campaign_id,
        campaigns=[(c["id"], _label(c)) for c in campaigns],
        centres=centres,
        programmes=programmes,
    )
    return queue, choices


def columns() -> list[tuple[str, str]]:
    """The table's columns: sort key (``QueueFilter.sort``) and translated header."""
    return [
        ("dossier", _("N° dossier")),
        ("nom", _("Nom")),
        ("naissance", _("Date de naissance")),
        ("nationalite", _("Nationalité")),
        ("bac", _("Année du bac")),
        ("formation", _("Formation")),
        ("transmission", _("Transmise le")),
        ("statut", _("Statut du dossier")),
        ("pieces", _("Pièces à vérifier")),
        ("decision", _("Décision")),
    ]


def queue_context(member: StaffMember, queue: QueueFilter, choices: Choices, page: QueuePage):
    return {
        "staff": member,
        "queue": queue,
        "choices": choices,
        "page": page,
        "columns": columns(),
        "labels": queue_labels,
        "bulk_actions": [(a.value, queue_labels.action_label(a)) for a in BulkAction],
        "max_rows": MAX_ROWS,
        "page_size": PAGE_SIZE,
        "queue_url": QUEUE_URL,
        "results_id": RESULTS_ID,
    }


@get("/candidatures", name="staff_queue", guards=[staff_required])
async def queue_view(request: HTMXRequest) -> Template:
    member = staff_of(request)
    queue, choices = await scoped_filter(member, QueueFilter.from_params(request.query_params))
    page = await queue_page(member, queue, campaign_id=choices.campaign_id)
    # htmx asking for the results only (filter, sort, page): the table, not the page.
    partial = bool(request.htmx) and request.htmx.target == RESULTS_ID
    return Template(
        "review/_queue_table.html" if partial else "review/queue.html",
        context=queue_context(member, queue, choices, page),
        headers={"Vary": "HX-Request, HX-Target"},
    )


queue_handlers = [queue_view]
