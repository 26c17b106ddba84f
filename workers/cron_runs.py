"""Remember each cron job's last run in Redis, for the jobs dashboard (arq does not).

``tracked(cron_jobs)`` wraps every job's coroutine: the run is stored under
``app.ops.jobs_state.CRON_RUN_KEY + name`` as ``{started, finished, ok, error}`` (no
expiry: the dashboard shows how long ago). The wrapper keeps the coroutine's name, so
arq's job names (``cron:<name>``) do not change.
"""

from __future__ import annotations

import dataclasses
import functools
import json
from collections.abc import Sequence

from arq.cron import CronJob

from app.clock import now
from app.ops.jobs_state import CRON_RUN_KEY, error_text


def _recording(name: str, coroutine):
    @functools.wraps(coroutine)
    async def run(ctx: dict, *args, **kwargs):
        started = now().isoformat()
        key = CRON_RUN_KEY + name
        await ctx["redis"].set(key, json.dumps({"started": started, "finished": None}))
        try:
            result = await coroutine(ctx, *args, **kwargs)
        except BaseException as exc:  # recorded, then arq handles it as before
            record = {"ok": False, "error": error_text(exc)}
            await ctx["redis"].set(
                key, json.dumps({"started": started, "finished": now().isoformat(), **record})
            )
            raise
        record = {"ok": True, "error": ""}
        await ctx["redis"].set(
            key, json.dumps({"started": started, "finished": now().isoformat(), **record})
        )
        return result

    run.__wrapped_cron__ = True
    return run


def tracked(cron_jobs: Sequence[CronJob]) -> list[CronJob]:
    return [
        job
        if getattr(job.coroutine, "__wrapped_cron__", False)
        else dataclasses.replace(job, coroutine=_recording(job.name, job.coroutine))
        for job in cron_jobs
    ]
