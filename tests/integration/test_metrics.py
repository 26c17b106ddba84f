"""``/metrics``: Prometheus text format, parsed back with prometheus-client's parser."""

from __future__ import annotations

import dataclasses
import ipaddress

import httpx
import pytest
from arq import Retry
from arq.constants import default_queue_name, health_check_key_suffix
from arq.worker import FailedJobs
from prometheus_client.parser import text_string_to_metric_families

from app.asgi import create_app
from app.clock import now
from app.core.codes.mail import MailCode, MailStatus
from app.mail.outbox import enqueue_mails, queue_mail
from app.ops.heartbeat import HEARTBEAT_KEY
from app.ops.job_metrics import DURATION_BUCKETS, read_job_stats, record_job, recorded
from app.ops.metrics import client_allowed
from app.settings import get_settings, load_settings
from app.tables.mail import OutboxMail
from tests.fixtures.web import BASE_URL, running


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample, keyed by name and sorted labels."""
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


async def scrape(http: httpx.AsyncClient) -> dict:
    response = await http.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    return samples(response.text)


async def queue_test_mails(count: int) -> list[int]:
    return [
        await queue_mail(to=f"c{n}@example.org", code=MailCode.DEV_TEST, context={"name": "C"})
        for n in range(count)
    ]


async def test_metrics_hold_the_queue_outbox_jobs_and_worker(client, redis, mail_templates):
    mail_ids = await queue_test_mails(3)
    await enqueue_mails(redis, mail_ids)
    await OutboxMail.update({OutboxMail.status: MailStatus.FAILED.value}).where(
        OutboxMail.id == mail_ids[0]
    )
    await record_job(redis, "send_mail", "success", 0.2)
    await record_job(redis, "send_mail", "retry", 3.0)
    await redis.set(default_queue_name + health_check_key_suffix, "alive")
    await redis.set(HEARTBEAT_KEY, now().isoformat())

    got = await scrape(client)

    assert got[("ecesure_queue_depth", (("state", "ready"),))] == 3
    assert got[("ecesure_queue_depth", (("state", "deferred"),))] == 0
    assert got[("ecesure_outbox_mails", (("state", "queued"),))] == 2
    assert got[("ecesure_outbox_mails", (("state", "failed"),))] == 1
    assert got[("ecesure_outbox_mails", (("state", "sent"),))] == 0
    send_mail = (("function", "send_mail"),)
    assert got[("ecesure_jobs_total", (("function", "send_mail"), ("outcome", "success")))] == 1
    assert got[("ecesure_jobs_total", (("function", "send_mail"), ("outcome", "retry")))] == 1
    assert got[("ecesure_jobs_total", (("function", "send_mail"), ("outcome", "failure")))] == 0
    assert got[("ecesure_job_duration_seconds_count", send_mail)] == 2
    assert got[("ecesure_job_duration_seconds_sum", send_mail)] == 3.2
    assert got[("ecesure_job_duration_seconds_bucket", (*send_mail, ("le", "0.25")))] == 1
    assert got[("ecesure_job_duration_seconds_bucket", (*send_mail, ("le", "5.0")))] == 2
    assert got[("ecesure_worker_up", ())] == 1
    assert 0 <= got[("ecesure_worker_heartbeat_age_seconds", ())] < 5
    assert got[("ecesure_metrics_source_up", (("source", "redis"),))] == 1
    assert got[("ecesure_metrics_source_up", (("source", "database"),))] == 1


async def test_http_requests_are_counted_by_route_template_not_path(client):
    before = await scrape(client)
    for path in ("/compte/activer/abc", "/compte/activer/def", "/healthz"):
        await client.get(path)
    after = await scrape(client)

    def delta(route: str, status: str) -> float:
        key = (
            "ecesure_http_requests_total",
            (("method", "GET"), ("route", route), ("status", status)),
        )
        return after.get(key, 0) - before.get(key, 0)

    assert delta("/compte/activer/{token}", "200") == 2
    assert delta("/healthz", "200") == 1
    routes = {
        dict(labels).get("route") for (name, labels) in after if name.startswith("ecesure_http")
    }
    assert not any("abc" in route or "def" in route for route in routes if route)
    latency = (
        "ecesure_http_request_duration_seconds_count",
        (("method", "GET"), ("route", "/healthz")),
    )
    assert after[latency] - before.get(latency, 0) == 1


async def test_no_worker_alive_and_no_heartbeat_yet(client):
    got = await scrape(client)
    assert got[("ecesure_worker_up", ())] == 0
    assert ("ecesure_worker_heartbeat_age_seconds", ()) not in got
    assert got[("ecesure_queue_depth", (("state", "ready"),))] == 0


async def test_other_addresses_get_a_404(redis):
    app = create_app()
    async with running(app):
        transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 4000))
        async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as outsider:
            assert (await outsider.get("/metrics")).status_code == 404
    settings = dataclasses.replace(
        get_settings(), metrics_allowed_networks=(ipaddress.ip_network("203.0.113.0/24"),)
    )
    app = create_app(settings)
    async with running(app):
        transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 4000))
        async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as monitor:
            assert (await monitor.get("/metrics")).status_code == 200


def test_allowed_addresses():
    local = get_settings().metrics_allowed_networks
    assert client_allowed("127.0.0.1", local)
    assert client_allowed("::1", local)
    assert client_allowed("::ffff:127.0.0.1", local)
    assert not client_allowed("127.0.0.2", local)
    assert not client_allowed("10.0.0.1", local)
    assert not client_allowed("testclient", local)
    assert not client_allowed(None, local)


async def flaky(ctx: dict, mode: str) -> str:
    if mode == "retry":
        raise Retry(defer=3600)
    if mode == "fail":
        raise RuntimeError("boom")
    return "ok"


async def test_the_worker_counts_each_job_by_outcome(arq_pool, run_worker, redis):
    job = recorded(flaky)
    for mode in ("ok", "ok", "retry", "fail"):
        await arq_pool.enqueue_job("flaky", mode)

    with pytest.raises(FailedJobs):
        await run_worker([job], max_burst_jobs=4)

    stats = (await read_job_stats(redis))["flaky"]
    assert stats.counts == {"success": 2, "retry": 1, "failure": 1}
    assert stats.buckets[repr(DURATION_BUCKETS[-1])] == 4


def test_metrics_allowed_ips_setting(monkeypatch):
    monkeypatch.setenv("METRICS_ALLOWED_IPS", "10.1.0.0/16, 192.0.2.5")
    allowed = load_settings().metrics_allowed_networks
    assert client_allowed("10.1.200.3", allowed) and client_allowed("192.0.2.5", allowed)
    assert not client_allowed("127.0.0.1", allowed)
    monkeypatch.setenv("METRICS_ALLOWED_IPS", "10.1.0.0/16, localhost")
    with pytest.raises(RuntimeError, match="METRICS_ALLOWED_IPS"):
        load_settings()


async def test_durations_read_back_cumulative_including_counters_of_the_former_layout(redis):
    # One run of 0.04 s, as written before each run added to one bucket only: every
    # bucket from the run's up.
    await redis.hset(
        "ecesure:metrics:jobs",
        mapping={f"send_mail|le|{bound!r}": 1 for bound in DURATION_BUCKETS},
    )
    await record_job(redis, "send_mail", "success", 0.07)
    await record_job(redis, "send_mail", "success", 3.0)
    await record_job(redis, "send_mail", "success", 500.0)  # above every bucket

    buckets = (await read_job_stats(redis))["send_mail"].buckets
    assert buckets == {
        "0.05": 1,
        "0.1": 2,
        "0.25": 2,
        "0.5": 2,
        "1.0": 2,
        "2.5": 2,
        "5.0": 3,
        "10.0": 3,
        "30.0": 3,
        "60.0": 3,
        "120.0": 3,
    }
