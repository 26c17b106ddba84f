"""Exports of the filtered queue at ``/staff/candidatures/export`` (thin handlers).

The page lets the member pick the columns (checkboxes in a plain GET form); the files
take the queue's own query parameters plus ``colonnes=`` (repeated). Without
``colonnes`` they use the columns this member last exported (the defaults at first).
"""

from __future__ import annotations

from litestar import Request, get
from litestar.response import Stream

from app import clock
from app.core.i18n import gettext as _
from app.documents.spool import spool_pieces, spool_size
from app.review.auth import staff_of, staff_required
from app.review.export_audit import record_queue_export
from app.review.export_files import (
    CSV_MEDIA_TYPE,
    XLSX_MEDIA_TYPE,
    csv_stream,
    file_name,
    xlsx_file,
)
from app.review.exports import (
    COLUMNS,
    EXPORT_PATH,
    Formatter,
    chosen_columns,
    remember_columns,
    remembered_columns,
)
from app.review.queue_filter import QueueFilter
from app.review.queue_query import queue_page, queue_rows
from app.web.forms import Form
from app.web.templating import Template

CHOICE_MARK = "choix"  # sent by the page's form: an empty choice is then an error


def _campaign_id(request: Request) -> int:
    """The active campaign (0: none, so nothing is exported); ``campagne=`` may name
    another one, and the scope still applies."""
    campaign = request.state.get("campaign")
    return campaign["id"] if campaign else 0


async def _export_page(
    request: Request, queue: QueueFilter, columns: list[str], form: Form | None = None
) -> Template:
    member = staff_of(request)
    total = (await queue_page(member, queue, campaign_id=_campaign_id(request))).total
    return Template(
        "review/export.html",
        context={
            "staff": member,
            "queue": queue,
            "hidden": queue.params(page=1),
            "columns": [(column, _(column.header)) for column in COLUMNS],
            "chosen": set(columns),
            "total": total,
            "form": form,
            "export_path": EXPORT_PATH,
        },
    )


async def _columns(request: Request) -> list[str] | None:
    """The columns asked for (remembered for next time), else the remembered ones;
    None when the page's form was sent with no column ticked."""
    redis = request.app.state.redis
    user_id = staff_of(request).user_id
    asked = chosen_columns(request.query_params.getall("colonnes", []))
    if asked:
        await remember_columns(redis, user_id, asked)
        return asked
    if request.query_params.get(CHOICE_MARK):
        return None
    return await remembered_columns(redis, user_id)


def _no_column() -> Form:
    form = Form(values={})
    form.add_error("colonnes", _("Cochez au moins une colonne à exporter."))
    return form


@get("/candidatures/export", name="staff_export", guards=[staff_required])
async def export_page(request: Request) -> Template:
    queue = QueueFilter.from_params(request.query_params)
    columns = await remembered_columns(request.app.state.redis, staff_of(request).user_id)
    return await _export_page(request, queue, columns)


async def _audited_rows(request: Request, queue: QueueFilter, columns: list[str], file_format: str):
    """The export's rows, once the export is in the audit trail."""
    member, campaign_id = staff_of(request), _campaign_id(request)
    await record_queue_export(
        member, queue, columns, file_format=file_format, campaign_id=campaign_id
    )
    return queue_rows(member, queue, campaign_id=campaign_id)


def _attachment(name: str) -> dict[str, str]:
    return {
        "Content-Disposition": f'attachment; filename="{name}"',
        "Cache-Control": "no-store",  # personal data: no copy in any cache
        "X-Content-Type-Options": "nosniff",
    }


@get("/candidatures/export.csv", name="staff_export_csv", guards=[staff_required])
async def export_csv(request: Request) -> Stream | Template:
    queue = QueueFilter.from_params(request.query_params)
    columns = await _columns(request)
    if columns is None:
        return await _export_page(request, queue, [], _no_column())
    rows = await _audited_rows(request, queue, columns, "csv")
    return Stream(
        csv_stream(rows, Formatter(columns)),
        media_type=CSV_MEDIA_TYPE,
        headers=_attachment(file_name(clock.today(), "csv")),
    )


@get("/candidatures/export.xlsx", name="staff_export_xlsx", guards=[staff_required])
async def export_xlsx(request: Request) -> Stream | Template:
    queue = QueueFilter.from_params(request.query_params)
    columns = await _columns(request)
    if columns is None:
        return await _export_page(request, queue, [], _no_column())
    rows = await _audited_rows(request, queue, columns, "xlsx")
    spool = await xlsx_file(rows, Formatter(columns))
    return Stream(
        spool_pieces(spool),
        media_type=XLSX_MEDIA_TYPE,
        headers={
            **_attachment(file_name(clock.today(), "xlsx")),
            "Content-Length": str(spool_size(spool)),
        },
    )


export_routes = [export_page, export_csv, export_xlsx]
