"""What the arq workers are doing, read from Redis for the jobs dashboard (no web here).

arq keeps (see ``arq.constants`` and ``Worker.record_health``):
- ``arq:queue``: a sorted set of job ids scored by the time (ms) they may run; a score
  in the future is a deferred job (a retry waits there too);
- ``arq:job:<id>``: the pickled job (function, args, kwargs, try, enqueue time);
- ``arq:in-progress:<id>``: set while a worker runs the job;
- ``arq:result:<id>``: the pickled result, for ``keep_result`` seconds;
- ``arq:queue:health-check``: one string per queue, rewritten by the worker every
  ``health_check_interval`` and expiring one second later: "Nov-30 02:40:00 j_complete=3
  j_failed=1 j_retried=0 j_ongoing=0 queued=0". Workers sharing a queue overwrite each
  other's, so the dashboard shows one health line per queue.

arq does not remember when a cron job last ran: ``workers.cron_runs`` stores it under
``CRON_RUN_KEY + name`` as JSON ``{started, finished, ok, error}``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from arq.constants import (
    default_queue_name,
    health_check_key_suffix,
    in_progress_key_prefix,
    job_key_prefix,
    result_key_prefix,
)
from arq.cron import CronJob
from arq.jobs import DeserializationError, deserialize_job, deserialize_result
from redis.asyncio import Redis

CRON_RUN_KEY = "ecesure:cron:last:"
HEALTH_KEY = default_queue_name + health_check_key_suffix
HEALTH_FIELDS = ("j_complete", "j_failed", "j_retried", "j_ongoing", "queued")
MAX_LISTED = 100  # jobs and results shown; the counts are exact
TEXT_SHOWN = 12  # characters of a string argument (a name, an address: never in full)
ERROR_SHOWN = 500


@dataclass(frozen=True)
class WorkerHealth:
    queue: str
    stamp: str  # the worker's own clock, as arq writes it
    ttl_ms: int  # how long the line stays alive: it is gone when no worker rewrites it
    counts: dict[str, int]


@dataclass(frozen=True)
class QueuedJob:
    job_id: str
    function: str
    arguments: str
    enqueued_at: datetime | None
    run_at: datetime
    tries: int
    deferred: bool


@dataclass(frozen=True)
class JobOutcome:
    job_id: str
    function: str
    arguments: str
    success: bool
    started_at: datetime
    finished_at: datetime
    tries: int
    error: str

    @property
    def seconds(self) -> float:
        return max((self.finished_at - self.started_at).total_seconds(), 0.0)


@dataclass(frozen=True)
class CronState:
    name: str
    schedule: str
    last: dict[str, Any] | None
    next_run: datetime


@dataclass(frozen=True)
class JobsState:
    workers: list[WorkerHealth]
    queued: list[QueuedJob]
    queued_total: int
    in_progress: list[str]
    results: list[JobOutcome]


def summarize(args: tuple, kwargs: dict) -> str:
    """The arguments without personal data: numbers in full, strings cut short, other
    values by their type."""

    def one(value: Any) -> str:
        if isinstance(value, bool | int | float) or value is None:
            return repr(value)
        if isinstance(value, str):
            return repr(value if len(value) <= TEXT_SHOWN else value[:TEXT_SHOWN] + "…")
        return type(value).__name__

    parts = [one(v) for v in args] + [f"{k}={one(v)}" for k, v in kwargs.items()]
    return ", ".join(parts)


def error_text(result: Any) -> str:
    """A failed job's result is the exception arq caught."""
    if isinstance(result, BaseException):
        text = f"{type(result).__name__}: {result}"
    else:
        text = str(result)
    return text if len(text) <= ERROR_SHOWN else text[:ERROR_SHOWN] + "…"


def parse_health(queue: str, raw: bytes, ttl_ms: int) -> WorkerHealth:
    text = raw.decode(errors="replace")
    counts = {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", text) if k in HEALTH_FIELDS}
    stamp = text.split(" j_complete=", 1)[0]
    return WorkerHealth(queue=queue, stamp=stamp, ttl_ms=ttl_ms, counts=counts)


async def worker_health(redis: Redis) -> list[WorkerHealth]:
    """One line per queue whose worker wrote its health lately; empty: no worker alive."""
    found = []
    async for key in redis.scan_iter(match=b"*" + health_check_key_suffix.encode()):
        raw, ttl = await redis.get(key), await redis.pttl(key)
        if raw is not None:
            queue = key.decode(errors="replace").removesuffix(health_check_key_suffix)
            found.append(parse_health(queue, raw, ttl))
    return sorted(found, key=lambda w: w.queue)


def _from_ms(ms: float) -> datetime:
    return datetime.fromtimestamp(ms / 1000).astimezone()


async def queued_jobs(redis: Redis, now_ms: int) -> tuple[list[QueuedJob], int]:
    """The first ``MAX_LISTED`` jobs by run time, and how many there are."""
    total = await redis.zcard(default_queue_name)
    rows = await redis.zrange(default_queue_name, 0, MAX_LISTED - 1, withscores=True)
    jobs = []
    for raw_id, score in rows:
        job_id = raw_id.decode(errors="replace")
        raw = await redis.get(job_key_prefix + job_id)
        try:
            job = deserialize_job(raw) if raw is not None else None
        except DeserializationError:
            job = None
        jobs.append(
            QueuedJob(
                job_id=job_id,
                function=job.function if job else "?",
                arguments=summarize(job.args, job.kwargs) if job else "",
                enqueued_at=job.enqueue_time if job else None,
                run_at=_from_ms(score),
                tries=(job.job_try or 0) if job else 0,
                deferred=score > now_ms,
            )
        )
    return jobs, total


async def _keys(redis: Redis, prefix: str) -> list[str]:
    return [
        key.decode(errors="replace")[len(prefix) :]
        async for key in redis.scan_iter(match=prefix.encode() + b"*")
    ]


async def job_results(redis: Redis) -> list[JobOutcome]:
    """The results arq still keeps, newest first."""
    outcomes = []
    for job_id in await _keys(redis, result_key_prefix):
        raw = await redis.get(result_key_prefix + job_id)
        try:
            result = deserialize_result(raw) if raw is not None else None
        except DeserializationError:
            continue  # written by code this process cannot unpickle
        if result is None:
            continue
        outcomes.append(
            JobOutcome(
                job_id=job_id,
                function=result.function,
                arguments=summarize(result.args, result.kwargs),
                success=result.success,
                started_at=result.start_time,
                finished_at=result.finish_time,
                tries=result.job_try or 0,
                error="" if result.success else error_text(result.result),
            )
        )
    outcomes.sort(key=lambda o: o.finished_at, reverse=True)
    return outcomes[:MAX_LISTED]


async def failed_job(redis: Redis, job_id: str):
    """The kept result of ``job_id`` when it failed (arq's ``JobResult``), else None."""
    raw = await redis.get(result_key_prefix + job_id)
    try:
        result = deserialize_result(raw) if raw is not None else None
    except DeserializationError:
        return None
    return result if result is not None and not result.success else None


async def jobs_state(redis: Redis, now: datetime) -> JobsState:
    queued, total = await queued_jobs(redis, int(now.timestamp() * 1000))
    return JobsState(
        workers=await worker_health(redis),
        queued=queued,
        queued_total=total,
        in_progress=sorted(await _keys(redis, in_progress_key_prefix))[:MAX_LISTED],
        results=await job_results(redis),
    )


def schedule_text(job: CronJob) -> str:
    """The cron fields that are set, e.g. "hour=23 minute=15 second=0"."""
    fields = ("month", "day", "weekday", "hour", "minute", "second")
    parts = []
    for name in fields:
        value = getattr(job, name)
        if value is not None:
            shown = ",".join(str(v) for v in sorted(value)) if isinstance(value, set) else value
            parts.append(f"{name}={shown}")
    return " ".join(parts)


async def cron_states(redis: Redis, jobs: list[CronJob], now: datetime) -> list[CronState]:
    """Each cron job with its last recorded run and its next run, computed as arq's
    worker does (``CronJob.calculate_next`` from ``now``, given in the worker's zone)."""
    states = []
    for job in jobs:
        raw = await redis.get(CRON_RUN_KEY + job.name)
        try:
            last = json.loads(raw) if raw is not None else None
        except ValueError:
            last = None
        probe = CronJob(**{**job.__dict__, "next_run": None})
        probe.calculate_next(now)
        states.append(CronState(job.name, schedule_text(job), last, probe.next_run))
    return states


def run_seconds(last: dict[str, Any]) -> float | None:
    try:
        started = datetime.fromisoformat(last["started"])
        finished = datetime.fromisoformat(last["finished"])
    except (KeyError, TypeError, ValueError):
        return None
    return max((finished - started).total_seconds(), 0.0)
