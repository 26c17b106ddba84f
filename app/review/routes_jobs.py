"""The jobs dashboard at ``/staff/ops/jobs`` (technical administrator, central office).

It lives under the review desk's router: the desk's session cookie is scoped to
``/staff``, so the desk's sign-in, CSRF and flash messages serve it as they are.
``/ops/jobs`` (the address ops expect) redirects there.

The page shows a panel that htmx fetches again every few seconds
(``/staff/ops/jobs/etat``); without JavaScript, a "Rafraîchir" link reloads the page.
Actions are POSTs answered by a redirect to the page with a flash message.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from arq.cron import CronJob
from litestar import Request, get, post
from litestar.connection import ASGIConnection
from litestar.exceptions import PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.response import Redirect

from app.clock import now
from app.core.actor import Actor
from app.core.i18n import gettext as _
from app.ops.jobs_actions import (
    NothingToDo,
    resend_all_failed,
    resend_one,
    retry_job,
    run_cron_now,
)
from app.ops.jobs_state import cron_states, jobs_state, run_seconds
from app.ops.outbox_state import STATES, failed_mails, outbox_counts
from app.ops.purge_state import recent_purges
from app.review.actions import flash, parse_id, pop_flash
from app.review.auth import staff_of, staff_required
from app.review.identity import ALL_CENTRES
from app.settings import get_settings
from app.web.templating import Template

JOBS_URL = "/staff/ops/jobs"


async def ops_required(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
    """Signed in to the desk (else its sign-in page), as administrator or central
    office (else 403)."""
    await staff_required(connection, handler)
    if connection.state.staff.role not in ALL_CENTRES:
        raise PermissionDeniedException()


def cron_jobs(request: Request) -> list[CronJob]:
    """The worker's schedule, handed over by the assembly (``app.asgi``): the app does
    not import ``workers``, which imports it."""
    return request.app.state.cron_jobs


async def _panel_context(request: Request) -> dict:
    redis = request.app.state.redis
    moment = now()
    zone = ZoneInfo(get_settings().timezone)  # the worker's cron zone (workers/settings.py)
    failed, failed_total = await failed_mails()
    return {
        "jobs": await jobs_state(redis, moment),
        "crons": await cron_states(redis, cron_jobs(request), moment.astimezone(zone)),
        "run_seconds": run_seconds,
        "outbox": await outbox_counts(moment),
        "outbox_states": STATES,
        "failed_mails": failed,
        "failed_total": failed_total,
        "purges": await recent_purges(),
        "poll_seconds": get_settings().jobs_refresh_seconds,
        "checked_at": moment,
    }


@get("/ops/jobs", name="staff_ops_jobs", guards=[ops_required])
async def jobs_page(request: Request) -> Template:
    context = await _panel_context(request)
    context.update(staff=staff_of(request), flash=pop_flash(request))
    return Template("ops/jobs.html", context=context)


@get("/ops/jobs/etat", name="staff_ops_jobs_panel", guards=[ops_required])
async def jobs_panel(request: Request) -> Template:
    return Template("ops/_jobs_panel.html", context=await _panel_context(request))


def _field(data, name: str) -> str:
    value = data.get(name)
    return value if isinstance(value, str) else ""


def _actor(request: Request) -> Actor:
    return Actor.staff(staff_of(request).user_id)


@post("/ops/jobs/relancer", name="staff_ops_job_retry", guards=[ops_required])
async def retry(request: Request) -> Redirect:
    job_id = _field(await request.form(), "job").strip()
    try:
        done = await retry_job(request.app.state.redis, job_id=job_id, actor=_actor(request))
    except NothingToDo:
        flash(
            request,
            _("Ce travail ne peut pas être relancé : son résultat a expiré ou il n'a pas échoué."),
            ok=False,
        )
    else:
        flash(request, _("Le travail %(function)s est relancé.", function=done.function))
    return Redirect(JOBS_URL, status_code=303)


@post("/ops/jobs/cron", name="staff_ops_cron_now", guards=[ops_required])
async def cron_now(request: Request) -> Redirect:
    name = _field(await request.form(), "tache")
    job = next((j for j in cron_jobs(request) if j.name == name), None)
    if job is None:
        flash(request, _("Cette tâche planifiée n'existe pas."), ok=False)
        return Redirect(JOBS_URL, status_code=303)
    try:
        await run_cron_now(request.app.state.redis, cron_job=job, actor=_actor(request))
    except NothingToDo:
        flash(request, _("La tâche %(name)s n'a pas pu être mise en file.", name=name), ok=False)
    else:
        flash(request, _("La tâche %(name)s est mise en file.", name=name))
    return Redirect(JOBS_URL, status_code=303)


@post("/ops/jobs/renvoyer", name="staff_ops_mail_resend", guards=[ops_required])
async def resend(request: Request) -> Redirect:
    data = await request.form()
    redis, actor = request.app.state.redis, _actor(request)
    if _field(data, "tous"):
        count = await resend_all_failed(redis, actor=actor)
        flash(request, _("Courriels en échec remis en file : %(count)d.", count=count))
        return Redirect(JOBS_URL, status_code=303)
    mail_id = parse_id(_field(data, "courriel"))
    if mail_id is not None and await resend_one(redis, mail_id=mail_id, actor=actor):
        flash(request, _("Le courriel n° %(id)d est remis en file.", id=mail_id))
    else:
        flash(
            request,
            _(
                "Ce courriel ne peut pas être renvoyé : il n'existe pas ou il est déjà en cours d'envoi."
            ),
            ok=False,
        )
    return Redirect(JOBS_URL, status_code=303)


@get("/ops/jobs", name="ops_jobs", opt={"skip_session": True})
async def ops_jobs_redirect() -> Redirect:
    """The address in the issue; the page is the desk's (its cookie's path)."""
    return Redirect(JOBS_URL, status_code=303)


jobs_handlers = [jobs_page, jobs_panel, retry, cron_now, resend]
