""" "Mes données" (issue 15, item 3): the candidate asks for the archive of everything
the portal holds about them; a job builds it and mails a link; the link works once,
for its owner signed in, until it expires.

The link's token is random (``secrets``) and only its SHA-256 is kept, like the
account links of app.accounts.tokens: a copy of the database gives no usable link.
"""

from __future__ import annotations

import asyncio
import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from pathlib import Path
from zoneinfo import ZoneInfo

import structlog

from app.audit import record_event
from app.clock import now
from app.core.codes.applications import ActorKind
from app.core.codes.mail import MailCode
from app.core.codes.ops import ExportStatus
from app.db import write_transaction
from app.mail.outbox import queue_mail
from app.ops.data_export_content import export_content, write_archive
from app.ops.data_export_files import export_path
from app.settings import get_settings
from app.tables.accounts import CandidateAccount
from app.tables.ops import DataExport

log = structlog.get_logger(__name__)

BUILD_JOB = "build_data_export"
DOWNLOAD_PATH = "/mes-donnees/archive"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def build_job_id(export_id: int) -> str:
    return f"data_export:{export_id}"


async def latest_export(account_id: int) -> dict | None:
    return (
        await DataExport.select(
            DataExport.id,
            DataExport.status,
            DataExport.requested_at,
            DataExport.ready_at,
            DataExport.expires_at,
            DataExport.downloaded_at,
        )
        .where(DataExport.account == account_id)
        .order_by(DataExport.id, ascending=False)
        .first()
    )


async def request_export(*, account_id: int) -> tuple[int, bool]:
    """Ask for an archive; returns (export id, whether it is a new request).

    A request still waiting for the job is the answer to a second click (double submit,
    or an impatient candidate): no second archive. Otherwise, in one transaction: the
    queued row and the audit event ``data_export_requested``. The caller enqueues
    :data:`BUILD_JOB` after the commit.
    """
    async with write_transaction():
        waiting = (
            await DataExport.select(DataExport.id)
            .where(
                (DataExport.account == account_id)
                & (DataExport.status == ExportStatus.QUEUED.value)
            )
            .first()
        )
        if waiting is not None:
            return waiting["id"], False
        row = DataExport(account=account_id)
        await row.save()
        await record_event(
            actor_kind=ActorKind.CANDIDATE,
            actor_id=account_id,
            action="data_export_requested",
            entity="data_export",
            entity_id=row.id,
        )
    return row.id, True


async def build_export(export_id: int) -> list[int]:
    """Job: build a queued archive; returns the ids of the mails to enqueue.

    Read the rows and files (outside any transaction: the read takes time and must not
    hold SQLite's write lock), write the ZIP under a random name, then in one
    transaction: compare-and-set ``queued -> ready`` with the token's hash and the
    expiry, the mail DATA_EXPORT_READY with the link, the audit event
    ``data_export_ready`` (counts only). A second run, or an account deleted meanwhile,
    finds nothing to update and removes its ZIP.
    """
    row = (
        await DataExport.select(DataExport.account)
        .where((DataExport.id == export_id) & (DataExport.status == ExportStatus.QUEUED.value))
        .first()
    )
    if row is None:
        return []
    account_id = row["account"]
    content = await export_content(account_id)
    key = secrets.token_hex(16)
    path = export_path(key)
    size = await asyncio.to_thread(write_archive, path, content)
    token = secrets.token_urlsafe(32)
    moment = now()
    expires_at = moment + timedelta(hours=get_settings().data_export_hours)
    async with write_transaction():
        won = (
            await DataExport.update(
                {
                    DataExport.status: ExportStatus.READY.value,
                    DataExport.token_hash: token_hash(token),
                    DataExport.storage_key: key,
                    DataExport.size_bytes: size,
                    DataExport.ready_at: moment,
                    DataExport.expires_at: expires_at,
                }
            )
            .where((DataExport.id == export_id) & (DataExport.status == ExportStatus.QUEUED.value))
            .returning(DataExport.id)
        )
        account = (
            await CandidateAccount.select(
                CandidateAccount.email,
                CandidateAccount.language,
                CandidateAccount.first_name,
                CandidateAccount.last_name,
                CandidateAccount.login,
            )
            .where(CandidateAccount.id == account_id)
            .first()
        )
        if not won or account is None:
            path.unlink(missing_ok=True)
            return []
        local = expires_at.astimezone(ZoneInfo(get_settings().timezone))
        mail_id = await queue_mail(
            to=account["email"],
            code=MailCode.DATA_EXPORT_READY,
            language=account["language"],
            account_id=account_id,
            context={
                "first_name": account["first_name"],
                "last_name": account["last_name"],
                "login": account["login"],
                "link_url": f"{get_settings().base_url}{DOWNLOAD_PATH}/{token}",
                "expires": local.strftime("%d/%m/%Y %H:%M"),
            },
        )
        await record_event(
            actor_kind=ActorKind.SYSTEM,
            actor_id=None,
            action="data_export_ready",
            entity="data_export",
            entity_id=export_id,
            data={"files": len(content.files), "bytes": size},
        )
    log.info("data_export_ready", export_id=export_id, files=len(content.files), bytes=size)
    return [mail_id]


class DownloadRefusal(StrEnum):
    NOT_FOUND = "not_found"  # no such link, or another candidate's
    GONE = "gone"  # this candidate's link, already used or expired


@dataclass(frozen=True)
class Download:
    path: Path
    export_id: int


async def take_download(*, token: str, account_id: int) -> Download | DownloadRefusal:
    """Use the link once: compare-and-set ``ready -> downloaded`` for this token, this
    account and a future expiry. The caller serves the file, then removes it."""
    digest = token_hash(token)
    moment = now()
    won = (
        await DataExport.update(
            {DataExport.status: ExportStatus.DOWNLOADED.value, DataExport.downloaded_at: moment}
        )
        .where(
            (DataExport.token_hash == digest)
            & (DataExport.account == account_id)
            & (DataExport.status == ExportStatus.READY.value)
            & (DataExport.expires_at > moment)
        )
        .returning(DataExport.id, DataExport.storage_key)
    )
    if won and export_path(won[0]["storage_key"]).exists():
        return Download(path=export_path(won[0]["storage_key"]), export_id=won[0]["id"])
    mine = await DataExport.exists().where(
        (DataExport.token_hash == digest) & (DataExport.account == account_id)
    )
    return DownloadRefusal.GONE if mine else DownloadRefusal.NOT_FOUND


def remove_archive(path: Path) -> None:
    """After the download: the archive leaves the disk (the link worked once)."""
    path.unlink(missing_ok=True)


async def discard_expired_exports() -> int:
    """Job (hourly): archives past their expiry leave the disk; returns how many."""
    expired = (
        await DataExport.update({DataExport.status: ExportStatus.EXPIRED.value})
        .where((DataExport.status == ExportStatus.READY.value) & (DataExport.expires_at <= now()))
        .returning(DataExport.storage_key)
    )
    for row in expired:
        export_path(row["storage_key"]).unlink(missing_ok=True)
    return len(expired)
