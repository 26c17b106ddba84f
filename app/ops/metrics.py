"""``/metrics``: the Prometheus text format, for the allowed addresses only.

What the web process cannot know by itself (the queue, the workers, the outbox) is read
from Redis and the database at scrape time, so every web process answers the same
whatever process did the work. docs/ops.md says what each metric means.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from datetime import datetime

import structlog
from arq.constants import default_queue_name, health_check_key_suffix, in_progress_key_prefix
from litestar import Request, get
from litestar.exceptions import NotFoundException
from litestar.response import Response
from piccolo.query.functions.aggregate import Count
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)

from app.clock import now
from app.core.codes.mail import MailStatus
from app.ops.heartbeat import HEARTBEAT_KEY
from app.ops.http_metrics import http_registry
from app.ops.job_metrics import DURATION_BUCKETS, OUTCOMES, read_job_stats
from app.settings import get_settings
from app.tables.mail import OutboxMail

log = structlog.get_logger(__name__)

# What generate_latest writes; Litestar adds "; charset=utf-8" to text/ types.
CONTENT_TYPE = "text/plain; version=0.0.4"

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def client_allowed(host: str | None, allowed: Iterable[Network]) -> bool:
    """Whether the peer address is in one of the allowed networks. The peer is the
    address uvicorn reports: behind a reverse proxy, that of the proxy unless uvicorn
    trusts its X-Forwarded-For (``--forwarded-allow-ips``)."""
    try:
        address = ipaddress.ip_address(host or "")
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
    return any(address in network for network in allowed)


class _Families:
    """A collector over metric families computed before the (synchronous) collection."""

    def __init__(self, families: list[Metric]) -> None:
        self.families = families

    def collect(self) -> Iterable[Metric]:
        return self.families


async def redis_families(redis) -> list[Metric]:
    """Queue, jobs in progress, job outcomes and durations, worker liveness."""
    families: list[Metric] = []
    now_ms = int(now().timestamp() * 1000)
    depth = await redis.zcard(default_queue_name)
    ready = await redis.zcount(default_queue_name, "-inf", now_ms)
    queue = GaugeMetricFamily(
        "ecesure_queue_depth",
        "Jobs waiting in the arq queue, due now or deferred.",
        labels=["state"],
    )
    queue.add_metric(["ready"], ready)
    queue.add_metric(["deferred"], depth - ready)
    families.append(queue)
    in_progress = 0
    async for _key in redis.scan_iter(match=f"{in_progress_key_prefix}*", count=500):
        in_progress += 1
    families.append(
        GaugeMetricFamily("ecesure_jobs_in_progress", "Jobs a worker is running.", in_progress)
    )

    stats = await read_job_stats(redis)
    outcomes = CounterMetricFamily(
        "ecesure_jobs", "Job runs ended, by function and outcome.", labels=["function", "outcome"]
    )
    durations = HistogramMetricFamily(
        "ecesure_job_duration_seconds", "Seconds per job run, by function.", labels=["function"]
    )
    for function in sorted(stats):
        entry = stats[function]
        for outcome in OUTCOMES:
            outcomes.add_metric([function, outcome], entry.counts.get(outcome, 0))
        runs = sum(entry.counts.values())
        buckets = [(repr(b), entry.buckets.get(repr(b), 0)) for b in DURATION_BUCKETS]
        durations.add_metric([function], [*buckets, ("+Inf", runs)], entry.total_seconds)
    families += [outcomes, durations]

    alive = await redis.exists(default_queue_name + health_check_key_suffix)
    families.append(
        GaugeMetricFamily(
            "ecesure_worker_up",
            "1 while a worker refreshes arq's health-check key (every 10 s), else 0.",
            1 if alive else 0,
        )
    )
    stamp = await redis.get(HEARTBEAT_KEY)
    if stamp is not None:
        beat = datetime.fromisoformat(stamp.decode() if isinstance(stamp, bytes) else stamp)
        families.append(
            GaugeMetricFamily(
                "ecesure_worker_heartbeat_age_seconds",
                "Seconds since the worker's heartbeat cron job last ran (every minute).",
                max(0.0, (now() - beat).total_seconds()),
            )
        )
    return families


async def outbox_families() -> list[Metric]:
    rows = await OutboxMail.select(OutboxMail.status, Count(alias="count")).group_by(
        OutboxMail.status
    )
    counts = {row["status"]: row["count"] for row in rows}
    outbox = GaugeMetricFamily(
        "ecesure_outbox_mails", "Outbox mails, by state (all time).", labels=["state"]
    )
    for state in MailStatus:
        outbox.add_metric([state.value], counts.get(state.value, 0))
    return [outbox]


async def scrape_families(redis) -> list[Metric]:
    """Everything read at scrape time; a source that fails is reported down, not fatal."""
    families: list[Metric] = []
    up = GaugeMetricFamily(
        "ecesure_metrics_source_up",
        "1 when the scrape could read this source, else 0.",
        labels=["source"],
    )
    for source, read in (("redis", lambda: redis_families(redis)), ("database", outbox_families)):
        try:
            families += await read()
        except Exception as exc:  # any failure of a source: say so, keep the rest
            log.warning("metrics_source_failed", source=source, error=repr(exc))
            up.add_metric([source], 0)
        else:
            up.add_metric([source], 1)
    return [*families, up]


@get("/metrics", opt={"skip_session": True}, exclude_from_csrf=True, include_in_schema=False)
async def metrics(request: Request) -> Response[bytes]:
    settings = request.app.state.get("settings") or get_settings()
    host = request.client.host if request.client else None
    if not client_allowed(host, settings.metrics_allowed_networks):
        raise NotFoundException  # not even a hint that something is here
    scraped = CollectorRegistry(auto_describe=False)
    scraped.register(_Families(await scrape_families(request.app.state.redis)))
    body = generate_latest(http_registry()) + generate_latest(scraped)
    return Response(body, media_type=CONTENT_TYPE)
