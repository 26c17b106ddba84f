""" "Mes données" and "Données personnelles" (issue 15, items 3 to 5): the archive of the
candidate's data, the deletion of their account, a request to the university's
contact, and the information notice. Plain forms (post/redirect/get), htmx optional.
"""

from __future__ import annotations

import structlog
from litestar import Request, Router, get, post
from litestar.background_tasks import BackgroundTask
from litestar.exceptions import HTTPException, NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import File, Redirect
from litestar.status_codes import HTTP_410_GONE

from app.accounts.auth import end_sessions
from app.accounts.guards import (
    FirstSignInRequired,
    account_id_of,
    signed_in_candidate,
    to_first_sign_in,
)
from app.core.i18n import N_
from app.core.i18n import gettext as _
from app.documents.serving import content_disposition
from app.mail.outbox import REDIS_DOWN, as_arq, enqueue_mails
from app.ops.account_deletion import (
    MESSAGE_MAX,
    DeletionRefusal,
    DeletionRefused,
    delete_own_account,
    has_transmitted_application,
    send_data_request,
)
from app.ops.data_export import (
    BUILD_JOB,
    DownloadRefusal,
    build_job_id,
    latest_export,
    remove_archive,
    request_export,
    take_download,
)
from app.settings import get_settings
from app.tables.accounts import CandidateAccount
from app.web.forms import Form, read_form
from app.web.ratelimit import Limit, check_rate
from app.web.templating import Template

log = structlog.get_logger(__name__)

MY_DATA_URL = "/mes-donnees"
NOTICE_URL = "/donnees-personnelles"
DELETED_URL = "/compte-supprime"
# Each archive reads every row and file of the account, each request mails the contact.
EXPORT_LIMIT = Limit("data_export", per_ip=20, per_account=3, window_seconds=3600)
REQUEST_LIMIT = Limit("data_request", per_ip=20, per_account=3, window_seconds=3600)
# The password is checked: as many tries as a sign-in.
DELETE_LIMIT = Limit("account_delete", per_ip=30, per_account=10, window_seconds=900)

DONE = {
    "archive": N_(
        "Votre demande est enregistrée : vous recevrez un mail avec le lien de "
        "téléchargement dès que l'archive sera prête."
    ),
    "demande": N_("Votre demande a été envoyée au contact de l'université."),
}


class ArchiveGone(HTTPException):
    status_code = HTTP_410_GONE


async def _page(request: Request, *, status_code: int = 200, **forms: Form) -> Template:
    account_id = account_id_of(request)
    account = (
        await CandidateAccount.select(CandidateAccount.password_hash)
        .where(CandidateAccount.id == account_id)
        .first()
    )
    done = request.query_params.get("fait", "")
    return Template(
        "accounts/my_data.html",
        status_code=status_code,
        context={
            "export": await latest_export(account_id),
            "transmitted": await has_transmitted_application(account_id),
            "has_password": bool(account and account["password_hash"]),
            "done": _(DONE[done]) if done in DONE else "",
            "delete_form": forms.get("delete_form"),
            "request_form": forms.get("request_form"),
            "message_max": MESSAGE_MAX,
            "settings": get_settings(),
        },
    )


@get("/", name="my_data")
async def my_data(request: Request, fait: FromQuery[str] = "") -> Template:
    return await _page(request)


@post("/archive", name="my_data_export")
async def ask_for_archive(request: Request) -> Redirect:
    account_id = account_id_of(request)
    await check_rate(request, EXPORT_LIMIT, str(account_id))
    export_id, _new = await request_export(account_id=account_id)
    # Also for a request already waiting: its job may have been lost with Redis (a
    # second click then hands it to the worker again; a duplicate job id is ignored).
    try:
        await as_arq(request.app.state.redis).enqueue_job(
            BUILD_JOB, export_id, _job_id=build_job_id(export_id)
        )
    except REDIS_DOWN:
        log.warning("data_export_not_enqueued", export_id=export_id)
    return Redirect(f"{MY_DATA_URL}?fait=archive", status_code=303)


@get("/archive/{token:str}", name="my_data_download")
async def download_archive(request: Request, token: FromPath[str]) -> File:
    taken = await take_download(token=token[:200], account_id=account_id_of(request))
    if taken is DownloadRefusal.NOT_FOUND:
        raise NotFoundException
    if taken is DownloadRefusal.GONE:
        raise ArchiveGone
    return File(
        path=taken.path,
        media_type="application/zip",
        headers={
            "Content-Disposition": content_disposition("attachment", "mes-donnees-ecesure.zip"),
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
        },
        background=BackgroundTask(remove_archive, taken.path),
    )


def _gone(request: Request, _: Exception) -> Template:
    return Template("accounts/archive_gone.html", status_code=HTTP_410_GONE)


REFUSALS = {
    DeletionRefusal.WRONG_PASSWORD: N_("Le mot de passe est incorrect."),
    DeletionRefusal.NO_PASSWORD: N_(
        "Votre compte universitaire n'a pas de mot de passe eCésure : écrivez au contact "
        "de l'université ci-dessous pour demander la suppression de vos données."
    ),
    DeletionRefusal.TRANSMITTED: N_(
        "Une candidature a été transmise : votre compte ne peut plus être supprimé ici. "
        "Vos données sont conservées jusqu'à la fin de la durée de conservation."
    ),
}


@post("/suppression", name="my_data_delete")
async def delete_account(request: Request) -> Template | Redirect:
    """Delete the account (password confirmed), end its sessions everywhere, then the
    public "account deleted" page; a refusal shows the page again with the reason."""
    account_id = account_id_of(request)
    await check_rate(request, DELETE_LIMIT, str(account_id))
    form = await read_form(request)
    password = form.require("password", _("Saisissez votre mot de passe pour confirmer."))
    if form.ok:
        try:
            deleted = await delete_own_account(account_id=account_id, password=password)
        except DeletionRefused as refused:
            form.add_error("password", _(REFUSALS[refused.reason]))
        else:
            await enqueue_mails(request.app.state.redis, deleted.mail_ids)
            await end_sessions(request, account_id, keep_current=False)
            return Redirect(DELETED_URL, status_code=303)
    return await _page(request, delete_form=form)


@post("/demande", name="my_data_request")
async def ask_the_contact(request: Request) -> Template | Redirect:
    account_id = account_id_of(request)
    form = await read_form(request, multiline={"message"})
    message = form.require("message", _("Écrivez votre demande."))
    if len(message) > MESSAGE_MAX:
        form.add_error(
            "message",
            _("La demande ne doit pas dépasser %(max)s caractères.", max=MESSAGE_MAX),
        )
    if not form.ok:
        return await _page(request, request_form=form)
    await check_rate(request, REQUEST_LIMIT, str(account_id))
    mail_ids = await send_data_request(account_id=account_id, message=message.strip())
    await enqueue_mails(request.app.state.redis, mail_ids)
    return Redirect(f"{MY_DATA_URL}?fait=demande", status_code=303)


@get(NOTICE_URL, name="privacy_notice")
async def privacy_notice() -> Template:
    """Public: linked from every page's footer and from the sign-up form."""
    return Template("accounts/privacy_notice.html", context={"settings": get_settings()})


@get(DELETED_URL, name="account_deleted")
async def account_deleted() -> Template:
    return Template("accounts/account_deleted.html")


my_data_router = Router(
    path=MY_DATA_URL,
    route_handlers=[my_data, ask_for_archive, download_archive, delete_account, ask_the_contact],
    guards=[signed_in_candidate],
    exception_handlers={FirstSignInRequired: to_first_sign_in, ArchiveGone: _gone},
)

data_routes = [my_data_router, privacy_notice, account_deleted]
