"""``/metrics`` for Prometheus: requests that reached a route (by route, method and status,
with their duration) and the response cache (hits, misses, stored hits, entries, bytes).

Answers served from the response cache are counted by the cache itself and not timed one by
one, so measuring costs the hot path nothing. Each process reports its own numbers: scrape
each worker, or run one worker per instance.
"""

import time
from collections.abc import Iterator

from fastapi import APIRouter, Request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.web.cache import ResponseCache

router = APIRouter(tags=["operations"])


class Metrics:
    def __init__(self, cache: ResponseCache) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "folio_http_requests",
            "Requests that reached a route.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.duration = Histogram(
            "folio_http_request_duration_seconds",
            "Time to answer requests that reached a route.",
            ["method", "route"],
            registry=self.registry,
        )
        self.registry.register(_CacheCollector(cache))


class _CacheCollector(Collector):
    def __init__(self, cache: ResponseCache) -> None:
        self.cache = cache

    def collect(self) -> Iterator[CounterMetricFamily | GaugeMetricFamily]:
        yield CounterMetricFamily(
            "folio_cache_hits", "Answers served from the response cache.", value=self.cache.hits
        )
        yield CounterMetricFamily(
            "folio_cache_misses",
            "Cacheable requests the cache could not answer.",
            value=self.cache.misses,
        )
        yield CounterMetricFamily(
            "folio_cache_stored_hits",
            "Misses in memory answered from the representations stored in the database.",
            value=self.cache.stored_hits,
        )
        yield GaugeMetricFamily(
            "folio_cache_entries", "Responses in the cache.", value=len(self.cache)
        )
        yield GaugeMetricFamily(
            "folio_cache_bytes", "Bytes of the responses in the cache.", value=self.cache.size
        )


class MetricsMiddleware:
    """Counts and times every request that gets past the response cache."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def recording_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, recording_send)
        finally:
            route = getattr(scope.get("route"), "path", "unmatched")
            self.metrics.requests.labels(scope["method"], route, str(status)).inc()
            self.metrics.duration.labels(scope["method"], route).observe(
                time.perf_counter() - started
            )


@router.get(
    "/metrics", response_class=Response, responses={200: {"content": {CONTENT_TYPE_LATEST: {}}}}
)
def get_metrics(request: Request) -> Response:
    """Prometheus metrics of this process."""
    registry = request.app.state.metrics.registry
    return Response(
        generate_latest(registry),
        media_type=CONTENT_TYPE_LATEST,
        headers={"Cache-Control": "private, no-store"},
    )
