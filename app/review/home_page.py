"""What the desk's home page shows: counts per programme, as a chart and a table."""

from __future__ import annotations

from litestar import Request

from app.application_pages.page_data.labels import dossier_status_label, verdict_label
from app.core.i18n import gettext as _
from app.review.auth import staff_of
from app.review.chart import status_chart
from app.review.counts import STATUSES, desk_counts
from app.review.exports import export_url
from app.review.queue_filter import (
    DECISION_ENTERED,
    DECISION_NONE,
    DECISION_VALIDATED,
    QueueFilter,
)


async def home_context(request: Request) -> dict:
    """The counts of the active campaign in the member's scope (None: no campaign)."""
    member = staff_of(request)
    campaign = request.state.get("campaign")
    counts = await desk_counts(member, campaign_id=campaign["id"]) if campaign else None
    statuses = [(code, dossier_status_label(code)) for code in STATUSES]
    states = [
        (DECISION_NONE, _("Aucune décision")),
        (DECISION_ENTERED, _("Saisie, non validée")),
        (DECISION_VALIDATED, _("Validée")),
    ]
    return {
        "staff": member,
        "counts": counts,
        "chart": status_chart(counts, dict(statuses)) if counts else None,
        "statuses": statuses,
        "states": states,
        "verdict_label": verdict_label,
        "export_url": export_url(QueueFilter()),
    }
