"""Job outcomes and durations, counted in Redis by the worker, read by ``/metrics``.

The worker and the web are separate processes (and there may be several of each), so
in-process counters would each see a part: every job adds to one Redis hash instead,
which any web process reads at scrape time. The counts live as long as Redis keeps
them; Prometheus takes a reset (Redis flushed) as a counter restart, as it should.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import structlog
from arq import Retry
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = structlog.get_logger(__name__)

JOB_METRICS_KEY = "ecesure:metrics:jobs"
# Seconds. Mails take well under a second; cron jobs may take a minute (job_timeout 120).
DURATION_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0)
SUCCESS, RETRY, FAILURE = "success", "retry", "failure"
OUTCOMES = (SUCCESS, RETRY, FAILURE)
_SEP = "|"  # function names are Python identifiers: never hold it

Job = Callable[..., Awaitable[Any]]


def _bucket_label(bound: float) -> str:
    return repr(bound)


def _bucket_of(seconds: float) -> str | None:
    """The label of the first bucket ``seconds`` falls in (None: above the last)."""
    for bound in DURATION_BUCKETS:
        if seconds <= bound:
            return _bucket_label(bound)
    return None


async def record_job(redis, function: str, outcome: str, seconds: float) -> None:
    """Add one run of ``function`` to the counters (one round trip, no transaction: a
    scrape between two increments sees a run counted in one field and not yet in the
    next, which the next scrape corrects).

    A run adds to one duration bucket, the first it falls in; :func:`read_job_stats`
    sums them into Prometheus' cumulative buckets. Adding to every bucket above it (up
    to 13 commands a run) cost 0.15 ms of the mail worker's CPU a job
    (docs/benchmarks.md, mail throughput)."""
    pipe = redis.pipeline(transaction=False)
    pipe.hincrby(JOB_METRICS_KEY, f"{function}{_SEP}count{_SEP}{outcome}", 1)
    pipe.hincrbyfloat(JOB_METRICS_KEY, f"{function}{_SEP}sum", seconds)
    bucket = _bucket_of(seconds)
    if bucket is not None:
        pipe.hincrby(JOB_METRICS_KEY, f"{function}{_SEP}in{_SEP}{bucket}", 1)
    await pipe.execute()


def recorded(job: Job) -> Job:
    """``job`` counted by outcome and timed: success, retry (arq.Retry, e.g. a mail the
    SMTP server refused, tried again later) or failure (any other exception). A job
    cancelled (timeout, worker stopping) is not counted: arq runs it again."""
    name = job.__name__

    @functools.wraps(job)
    async def run(ctx: dict, *args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        outcome: str | None = None
        try:
            result = await job(ctx, *args, **kwargs)
        except Retry:
            outcome = RETRY
            raise
        except Exception:
            outcome = FAILURE
            raise
        else:
            outcome = SUCCESS
            return result
        finally:
            # Cancelled (not an Exception): no outcome, and nothing awaited on the way out.
            if outcome is not None:
                await _record_quietly(ctx["redis"], name, outcome, time.perf_counter() - started)

    return run


async def _record_quietly(redis, name: str, outcome: str, seconds: float) -> None:
    # Metrics must never fail a job: Redis gone now is arq's problem, not the mail's.
    try:
        await record_job(redis, name, outcome, seconds)
    except (RedisConnectionError, RedisTimeoutError, OSError) as exc:
        log.warning("job_metrics_not_recorded", function=name, error=str(exc))


@dataclass
class FunctionStats:
    counts: dict[str, int] = field(default_factory=dict)
    total_seconds: float = 0.0
    buckets: dict[str, int] = field(default_factory=dict)  # upper bound label → cumulative


async def read_job_stats(redis) -> dict[str, FunctionStats]:
    """The counters, per function name, with cumulative duration buckets.

    Fields ``le`` are cumulative counts written by earlier versions (each run added to
    every bucket above it): they are added as they are, so the counters keep growing
    across the upgrade."""
    raw = await redis.hgetall(JOB_METRICS_KEY)
    stats: dict[str, FunctionStats] = {}
    single: dict[str, dict[str, int]] = {}  # function → bucket label → runs in it alone
    for key, value in raw.items():
        key = key.decode() if isinstance(key, bytes) else key
        value = value.decode() if isinstance(value, bytes) else value
        function, _, rest = key.partition(_SEP)
        entry = stats.setdefault(function, FunctionStats())
        kind, _, label = rest.partition(_SEP)
        if kind == "count":
            entry.counts[label] = int(value)
        elif kind == "sum":
            entry.total_seconds = float(value)
        elif kind == "le":
            entry.buckets[label] = entry.buckets.get(label, 0) + int(value)
        elif kind == "in":
            single.setdefault(function, {})[label] = int(value)
    for function, runs in single.items():
        buckets, below = stats[function].buckets, 0
        for bound in DURATION_BUCKETS:
            label = _bucket_label(bound)
            below += runs.get(label, 0)
            if below:
                buckets[label] = buckets.get(label, 0) + below
    return stats
