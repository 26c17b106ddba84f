"""Retention of an archived campaign's candidate data (issue 11, item 4).

When a new campaign opens, the previous one is archived (``app.backoffice.next_campaign``)
and becomes read-only. ``RETENTION_DAYS`` after its archiving, its candidates' personal
data go: accounts, dossiers, applications, pieces and their files, mails, and the audit
events that speak of them. ``RETENTION_WARNING_DAYS`` before that, each candidate is
warned by mail. What stays: anonymous counts (``CampaignStatistics``: applications per
programme, status, verdict, answer) and one audit event ``retention_purge`` per campaign
holding counts only, for the ops dashboard.

Both jobs are set-based (a handful of statements per campaign, whatever its size) and
run once: the warning stamps ``CandidateAccount.retention_warned_at`` with a
compare-and-set UPDATE ... RETURNING, the purge stamps ``Campaign.purged_at`` the same
way first, in the transaction that deletes; a second run, or a second worker, finds
nothing left to do.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import structlog

from app.applications.deadlines import local_date
from app.audit import record_event
from app.clock import now
from app.core.codes.applications import ActorKind
from app.core.codes.mail import MailCode
from app.db import write_transaction
from app.mail.outbox import enqueue_mails, queue_mail
from app.ops.account_purge import purge_accounts, remove_files
from app.settings import get_settings
from app.tables.accounts import CandidateAccount
from app.tables.catalog import Campaign

log = structlog.get_logger(__name__)

PURGE_ACTION = "retention_purge"
"""``AuditEvent.action`` of a campaign's purge; ``data`` holds the counts."""
WARNING_ACTION = "retention_warning_sent"

# The purged rows, as subqueries of one campaign (its id is an integer from the
# database, written into the statement: these are not user input). Which rows are about
# its accounts is app.ops.account_rows' business; these two feed the counts.
ACCOUNTS = "SELECT id FROM candidate_account WHERE campaign = {campaign}"
CANDIDATES = f"SELECT id FROM candidate WHERE account IN ({ACCOUNTS})"
APPLICATIONS = f"SELECT id FROM application WHERE candidate IN ({CANDIDATES})"
STATISTICS = """
INSERT INTO campaign_statistics
  (campaign, programme, status, verdict, answer, cancelled, applications, computed_at)
SELECT {campaign}, a.programme, a.status, COALESCE(dt.verdict, ''), COALESCE(a.answer, ''),
  a.cancelled_at IS NOT NULL, COUNT(*), {{}}
FROM application a
LEFT JOIN decision d ON d.id = (
  SELECT MAX(d2.id) FROM decision d2 WHERE d2.application = a.id AND d2.validated)
LEFT JOIN decision_type dt ON dt.id = d.decision_type
WHERE a.id IN ({applications})
GROUP BY a.programme, a.status, COALESCE(dt.verdict, ''), COALESCE(a.answer, ''),
  a.cancelled_at IS NOT NULL
ON CONFLICT DO NOTHING
RETURNING applications
"""


def _sql(template: str, campaign_id: int) -> str:
    return template.replace("{campaign}", str(int(campaign_id)))


def purge_date(archived_at: datetime) -> datetime:
    return archived_at + timedelta(days=get_settings().retention_days)


async def _campaigns_archived_before(moment: datetime) -> list[dict]:
    return await Campaign.select(
        Campaign.id, Campaign.code, Campaign.label_fr, Campaign.label_en, Campaign.archived_at
    ).where(
        Campaign.archived_at.is_not_null()
        & (Campaign.archived_at <= moment)
        & Campaign.purged_at.is_null()
    )


async def warn_before_purge(*, redis=None) -> int:
    """Job: RETENTION_WARNING to each candidate of a campaign whose purge is
    RETENTION_WARNING_DAYS away or less, once; returns how many were warned.

    Per campaign, in one transaction: compare-and-set ``retention_warned_at = now WHERE
    it IS NULL`` over the campaign's accounts (RETURNING them), one mail each, one audit
    event ``retention_warning_sent`` with the count; mails enqueued after commit.
    """
    settings = get_settings()
    moment = now()
    threshold = moment - timedelta(days=settings.retention_days - settings.retention_warning_days)
    warned = 0
    for campaign in await _campaigns_archived_before(threshold):
        mail_ids: list[int] = []
        async with write_transaction():
            accounts = (
                await CandidateAccount.update({CandidateAccount.retention_warned_at: moment})
                .where(
                    (CandidateAccount.campaign == campaign["id"])
                    & CandidateAccount.retention_warned_at.is_null()
                )
                .returning(
                    CandidateAccount.id,
                    CandidateAccount.email,
                    CandidateAccount.language,
                    CandidateAccount.first_name,
                    CandidateAccount.last_name,
                    CandidateAccount.login,
                )
            )
            if not accounts:
                continue
            when = local_date(purge_date(campaign["archived_at"])).strftime("%d/%m/%Y")
            for account in accounts:
                english = account["language"] == "en" and campaign["label_en"]
                mail_ids.append(
                    await queue_mail(
                        to=account["email"],
                        code=MailCode.RETENTION_WARNING,
                        language=account["language"],
                        account_id=account["id"],
                        context={
                            "first_name": account["first_name"],
                            "last_name": account["last_name"],
                            "login": account["login"],
                            "campaign": campaign["label_en"] if english else campaign["label_fr"],
                            "purge_date": when,
                        },
                    )
                )
            await record_event(
                actor_kind=ActorKind.SYSTEM,
                actor_id=None,
                action=WARNING_ACTION,
                entity="campaign",
                entity_id=campaign["id"],
                data={"campaign": campaign["code"], "accounts": len(accounts)},
            )
        warned += len(accounts)
        if redis is not None:
            await enqueue_mails(redis, mail_ids)
    return warned


async def purge_expired_campaigns() -> int:
    """Job: purge the candidate data of every campaign archived RETENTION_DAYS ago or
    more, once; returns how many accounts were purged.

    Nobody is purged without notice: a campaign one of whose candidates has not been
    warned RETENTION_WARNING_DAYS ago yet (the warning job was down, or the setting
    changed) waits until then.
    """
    settings = get_settings()
    moment = now()
    threshold = moment - timedelta(days=settings.retention_days)
    notice = moment - timedelta(days=settings.retention_warning_days)
    purged = 0
    for campaign in await _campaigns_archived_before(threshold):
        unwarned = await CandidateAccount.exists().where(
            (CandidateAccount.campaign == campaign["id"])
            & (
                CandidateAccount.retention_warned_at.is_null()
                | (CandidateAccount.retention_warned_at > notice)
            )
        )
        if unwarned:
            log.info("campaign_purge_postponed", campaign=campaign["code"])
            continue
        purged += await purge_campaign(campaign["id"])
    return purged


async def purge_campaign(campaign_id: int) -> int:
    """Purge one archived campaign's candidates; returns how many accounts went.

    In one transaction: compare-and-set ``Campaign.purged_at`` (a concurrent or later
    run stops here), the anonymous counts, then the purge of the accounts and of every
    row about them (:func:`app.ops.account_purge.purge_accounts`, shared with a
    candidate deleting their own account), and the audit event ``retention_purge`` with
    the counts. After commit, the files leave the disk.
    """
    moment = now()
    async with write_transaction():
        won = (
            await Campaign.update({Campaign.purged_at: moment})
            .where(
                (Campaign.id == campaign_id)
                & Campaign.archived_at.is_not_null()
                & Campaign.purged_at.is_null()
            )
            .returning(Campaign.code)
        )
        if not won:
            return 0
        counted = await Campaign.raw(
            STATISTICS.format(
                campaign=int(campaign_id), applications=_sql(APPLICATIONS, campaign_id)
            ),
            moment,
        )
        purged = await purge_accounts(_sql(ACCOUNTS, campaign_id))
        counts = {
            "campaign": won[0]["code"],
            "accounts": purged.accounts,
            "applications": sum(row["applications"] for row in counted),
            "files": len(purged.storage_keys),
            "mails": purged.mails,
        }
        await record_event(
            actor_kind=ActorKind.SYSTEM,
            actor_id=None,
            action=PURGE_ACTION,
            entity="campaign",
            entity_id=campaign_id,
            data=counts,
        )
    remove_files(purged)
    log.info("campaign_purged", **counts)
    return purged.accounts
