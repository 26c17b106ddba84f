"""The jobs dashboard (/staff/ops/jobs) with a real Redis and a real arq worker: who may
see it, a failed job with its error, retry, run a cron job now, the outbox and resend."""

from __future__ import annotations

import dataclasses
import json
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from arq import cron, func
from arq.worker import FailedJobs

from app.audit import record_event
from app.core.codes.applications import ActorKind
from app.core.codes.mail import MailStatus
from app.core.codes.staff import StaffRole
from app.ops.jobs_state import HEALTH_KEY, cron_states, run_seconds, summarize
from app.ops.retention import PURGE_ACTION
from app.tables.mail import OutboxMail
from app.tables.ops import AuditEvent
from tests.factories import make_campaign, make_centre
from tests.factories_staff import STAFF_PASSWORD, make_staff
from tests.fixtures.web import post_form
from workers.cron_runs import tracked
from workers.settings import WorkerSettings

PAGE = "/staff/ops/jobs"
ATTEMPTS_KEY = "test:ops:attempts"


async def explode(ctx: dict, account_id: int, name: str) -> str:
    """Fails the first time it runs, succeeds after (the retry)."""
    if await ctx["redis"].incr(ATTEMPTS_KEY) == 1:
        raise ValueError(f"SMTP refusé pour le compte {account_id}")
    return "ok"


EXPLODE = func(explode, name="explode")


async def signed_in(client, role: StaffRole, **kw) -> int:
    user_id = await make_staff(role, username=f"ops-{role.value}", **kw)
    response = await post_form(
        client, "/staff/connexion", {"username": f"ops-{role.value}", "password": STAFF_PASSWORD}
    )
    assert response.status_code == 303
    return user_id


async def _events(action: str) -> list[dict]:
    rows = await AuditEvent.select().where(AuditEvent.action == action)
    for row in rows:  # JSON column: text on SQLite
        if isinstance(row["data"], str):
            row["data"] = json.loads(row["data"])
    return rows


async def test_only_the_administrator_and_the_central_office_see_the_dashboard(client):
    response = await client.get("/ops/jobs")
    assert (response.status_code, response.headers["location"]) == (303, PAGE)
    response = await client.get(PAGE)
    assert response.status_code == 303
    assert response.headers["location"] == "/staff/connexion?suivant=/staff/ops/jobs"

    campaign = await make_campaign()
    await signed_in(client, StaffRole.CENTRE_MANAGER, centres=[await make_centre(campaign)])
    assert (await client.get(PAGE)).status_code == 403
    assert (await post_form(client, f"{PAGE}/cron", {"tache": "cron:heartbeat"})).status_code == 403
    assert "Travaux et courriels" not in (await client.get("/staff/")).text

    client.cookies.clear()
    await signed_in(client, StaffRole.CENTRAL_OFFICE)
    page = await client.get(PAGE)
    assert page.status_code == 200
    assert "Alerte : aucun worker n'est en vie." in page.text
    assert 'hx-trigger="every 5s"' in page.text and "Rafraîchir" in page.text
    assert 'href="/staff/ops/jobs"' in (await client.get("/staff/")).text


async def test_a_live_worker_shows_its_counts(client, redis):
    await signed_in(client, StaffRole.TECH_ADMIN)
    line = "Nov-30 02:40:00 j_complete=7 j_failed=2 j_retried=1 j_ongoing=0 queued=3"
    await redis.psetex(HEALTH_KEY, 11_000, line)
    panel = await client.get(f"{PAGE}/etat")
    assert panel.status_code == 200
    assert "aucun worker" not in panel.text
    assert "Nov-30 02:40:00" in panel.text
    assert [c in panel.text for c in ('<td class="num">7</td>', '<td class="num">2</td>')] == [
        True,
        True,
    ]


async def test_a_failed_job_is_listed_with_its_error_and_retry_runs_it(
    client, redis, arq_pool, run_worker
):
    user_id = await signed_in(client, StaffRole.CENTRAL_OFFICE)
    await arq_pool.enqueue_job("explode", 42, "Dupont-Martin Jean-Baptiste", _job_id="j1")
    panel = (await client.get(f"{PAGE}/etat")).text
    assert "explode" in panel and "42, &#39;Dupont-Marti…&#39;" in panel  # never in full
    assert "Dupont-Martin Jean" not in panel

    with pytest.raises(FailedJobs):
        await run_worker([EXPLODE])
    panel = (await client.get(f"{PAGE}/etat")).text
    assert "ValueError: SMTP refusé pour le compte 42" in panel
    assert '<input type="hidden" name="job" value="j1">' in panel

    response = await post_form(client, f"{PAGE}/relancer", {"job": "j1"})
    assert (response.status_code, response.headers["location"]) == (303, PAGE)
    queued = await arq_pool.queued_jobs()
    assert [(j.function, j.args) for j in queued] == [
        ("explode", (42, "Dupont-Martin Jean-Baptiste"))
    ]
    assert queued[0].job_id.startswith("retry:")
    [event] = await _events("job_retried")
    assert (event["actor_kind"], event["actor_id"]) == ("staff", user_id)
    assert event["data"]["job_id"] == "j1" and event["data"]["function"] == "explode"
    assert "Le travail explode est relancé." in (await client.get(PAGE)).text

    assert await run_worker([EXPLODE]) == 1
    results = {r.job_id: r.success for r in await arq_pool.all_job_results()}
    assert results == {"j1": False, queued[0].job_id: True}


async def test_retry_refuses_what_it_cannot_run(client, redis, arq_pool):
    await signed_in(client, StaffRole.CENTRAL_OFFICE)
    for job in ("unknown", "", "x" * 5000, "a\x00b", "j1"):
        response = await post_form(client, f"{PAGE}/relancer", {"job": job})
        assert response.status_code in (303, 400)
    assert await arq_pool.queued_jobs() == []
    assert await _events("job_retried") == []
    assert "ne peut pas être relancé" in (await client.get(PAGE)).text


async def test_run_a_cron_job_now_and_see_its_last_run(client, redis, arq_pool, run_worker):
    user_id = await signed_in(client, StaffRole.TECH_ADMIN)
    schedule = {job.name: job for job in WorkerSettings.cron_jobs}
    panel = (await client.get(f"{PAGE}/etat")).text
    for name in schedule:
        assert f'value="{name}"' in panel
    assert "jamais (depuis l" in panel

    response = await post_form(client, f"{PAGE}/cron", {"tache": "cron:heartbeat"})
    assert response.status_code == 303
    [queued] = await arq_pool.queued_jobs()
    assert queued.function == "cron:heartbeat"
    [event] = await _events("cron_run_now")
    assert (event["actor_id"], event["data"]["function"]) == (user_id, "cron:heartbeat")

    # Only the queued run: the schedule's own (second 0) must not fall in the worker's run.
    beat = dataclasses.replace(
        schedule["cron:heartbeat"], run_at_startup=False, second=(time.localtime().tm_sec + 30) % 60
    )
    assert await run_worker([], cron_jobs=[beat]) == 1
    panel = (await client.get(f"{PAGE}/etat")).text
    row = panel.split("<td>cron:heartbeat</td>", 1)[1].split("</tr>", 1)[0]
    assert "Réussi" in row and "jamais" not in row

    response = await post_form(client, f"{PAGE}/cron", {"tache": "cron:nope\x00"})
    assert response.status_code in (303, 400)
    assert len(await _events("cron_run_now")) == 1


async def _mail(status: MailStatus, code: str, error: str = "") -> int:
    row = OutboxMail(
        to_address="jean.dupont@example.org",
        subject="Objet",
        html="<p>x</p>",
        text="x",
        template_code=code,
        status=status.value,
        attempts=5 if status is MailStatus.FAILED else 1,
        last_error=error,
    )
    await row.save()
    return row.id


async def test_outbox_counts_and_resend(client, redis, arq_pool):
    await signed_in(client, StaffRole.CENTRAL_OFFICE)
    first = await _mail(MailStatus.FAILED, "account_created", "550 mailbox unavailable")
    second = await _mail(MailStatus.FAILED, "account_created", "421 try later")
    await _mail(MailStatus.SENT, "account_created")
    await _mail(MailStatus.QUEUED, "decision_fa")
    panel = (await client.get(f"{PAGE}/etat")).text
    row = panel.split("<td>account_created</td>", 1)[1].split("</tr>", 1)[0]
    assert row.count('<td class="num">') == 4
    assert [c for c in row.split('<td class="num">')[1:]] == [
        "0</td>",
        "0</td>",
        "1</td>",
        "2</td>",
    ]
    assert "550 mailbox unavailable" in panel and "jean.dupont" not in panel

    assert (
        await post_form(client, f"{PAGE}/renvoyer", {"courriel": str(first)})
    ).status_code == 303
    assert f"Le courriel n° {first} est remis en file." in (await client.get(PAGE)).text
    statuses = {
        r["id"]: r["status"] for r in await OutboxMail.select(OutboxMail.id, OutboxMail.status)
    }
    assert (statuses[first], statuses[second]) == ("queued", "failed")
    for bad in (str(first), "99999999999", "-1", "x\x00"):
        response = await post_form(client, f"{PAGE}/renvoyer", {"courriel": bad})
        assert response.status_code in (303, 400)

    assert (await post_form(client, f"{PAGE}/renvoyer", {"tous": "1"})).status_code == 303
    assert "Courriels en échec remis en file : 1." in (await client.get(PAGE)).text
    assert await OutboxMail.count().where(OutboxMail.status == "failed") == 0
    assert len(await _events("mail_resent")) == 2
    assert {j.args for j in await arq_pool.queued_jobs()} == {(first,), (second,)}


def test_arguments_are_summarized_without_personal_data():
    assert summarize((1, "a" * 40, b"x", None), {"email": "jean@example.org"}) == (
        "1, '" + "a" * 12 + "…', bytes, None, email='jean@example…'"
    )


async def broken(ctx: dict) -> None:
    raise RuntimeError("base indisponible")


async def test_a_cron_run_is_recorded_with_its_outcome_and_the_next_run_computed(
    redis, arq_pool, run_worker
):
    [job] = tracked([cron(broken, second=0)])
    await arq_pool.enqueue_job("cron:broken")
    with pytest.raises(FailedJobs):
        await run_worker([], cron_jobs=[dataclasses.replace(job, run_at_startup=False)])
    paris = ZoneInfo("Europe/Paris")
    moment = datetime(2026, 6, 15, 22, 0, 5, tzinfo=paris)
    withdraw = next(j for j in WorkerSettings.cron_jobs if j.name == "cron:auto_withdraw")
    broken_state, withdraw_state = await cron_states(redis, [job, withdraw], moment)
    assert broken_state.last["ok"] is False
    assert broken_state.last["error"] == "RuntimeError: base indisponible"
    assert run_seconds(broken_state.last) is not None
    assert broken_state.next_run.replace(microsecond=0) == datetime(
        2026, 6, 15, 22, 1, tzinfo=paris
    )
    assert withdraw_state.last is None
    assert withdraw_state.schedule == "hour=23 minute=15 second=0"
    assert withdraw_state.next_run.replace(microsecond=0) == datetime(
        2026, 6, 15, 23, 15, tzinfo=paris
    )


async def test_the_retention_purges_are_reported_with_their_counts(client):
    await signed_in(client, StaffRole.TECH_ADMIN)
    assert "Aucune purge" in (await client.get(f"{PAGE}/etat")).text
    campaign = await make_campaign(label_fr="Campagne 2024/2025")
    counts = {"campaign": campaign.id, "accounts": 3, "applications": 4, "files": 6, "mails": 9}
    await record_event(
        actor_kind=ActorKind.SYSTEM,
        actor_id=None,
        action=PURGE_ACTION,
        entity="campaign",
        entity_id=campaign.id,
        data=counts,
    )

    panel = (await client.get(f"{PAGE}/etat")).text
    row = panel.split("<td>Campagne 2024/2025</td>", 1)[1].split("</tr>", 1)[0]
    assert row == (
        '<td class="num">3</td><td class="num">4</td><td class="num">6</td><td class="num">9</td>'
    )
    assert "Aucune purge" not in panel
