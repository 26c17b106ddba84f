"""HTTP requests by route template and status, with latency histograms.

A Litestar middleware: it runs once the request is routed, so it knows the route's
template (``/staff/candidatures/{application_id:int}``), never the raw path: ids cannot
multiply the series. Requests that match no route (404 from scanners) are not counted
for the same reason.

Several uvicorn workers: set ``PROMETHEUS_MULTIPROC_DIR`` to an empty directory, the
same for all of them, before they start (prometheus-client then keeps the values in
files there and ``/metrics`` sums them over the processes); empty it at each start.
"""

from __future__ import annotations

import os
import time

from litestar.exceptions import HTTPException
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram
from prometheus_client.multiprocess import MultiProcessCollector

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

HTTP_REQUESTS = Counter(
    "ecesure_http_requests",
    "HTTP requests answered, by method, route template and status code.",
    ["method", "route", "status"],
)
HTTP_LATENCY = Histogram(
    "ecesure_http_request_duration_seconds",
    "Seconds to answer a request, from routing to the last byte sent.",
    ["method", "route"],
    buckets=LATENCY_BUCKETS,
)


def http_registry() -> CollectorRegistry:
    """The registry the HTTP metrics are read from: this process's, or every process's
    in multiprocess mode."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
        return registry
    return REGISTRY


def route_template(scope: Scope) -> str:
    template = scope.get("path_template") or ""
    # A mount (the admin) answers for every path under it: its prefix is the route.
    return template or "<unknown>"


def http_metrics_middleware(app: ASGIApp) -> ASGIApp:
    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # an exception that no handler turned into a response

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await app(scope, receive, send_status)
        except HTTPException as exc:  # raised past the route's handler (CSRF, guards)
            status = exc.status_code
            raise
        finally:
            count, latency = _series(scope.get("method", ""), route_template(scope), status)
            count.inc()
            latency.observe(time.perf_counter() - started)

    return middleware


_SERIES: dict[tuple[str, str, int], tuple] = {}


def _series(method: str, route: str, status: int) -> tuple:
    """The labelled counter and histogram of a request, looked up once per label set
    (``labels()`` takes a lock and builds its key on every call). Route templates keep
    the label sets few (see the module docstring)."""
    key = (method, route, status)
    series = _SERIES.get(key)
    if series is None:
        series = (
            HTTP_REQUESTS.labels(method, route, str(status)),
            HTTP_LATENCY.labels(method, route),
        )
        _SERIES[key] = series
    return series
