"""``/metrics`` for Prometheus: requests that reached a route (by route, method and status,
with their duration), the response cache (hits, misses, stored hits, entries, bytes), the
database pool, and the node's queues (webhook deliveries waiting, and for how long; the event
log's newest entry).

Answers served from the response cache are counted by the cache itself and not timed one by
one, so measuring costs the hot path nothing. Under ``folio serve`` (any number of workers)
the numbers are prometheus_client's multiprocess mode: every worker writes them to files in
``PROMETHEUS_MULTIPROC_DIR`` (``folio serve`` makes a fresh one when it is not set), and a
scrape, whichever worker answers it, reads them all: one scrape sees the whole node. A worker
writes its cache and pool figures there every second.
"""

import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import suppress

from fastapi import APIRouter, Request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from sqlalchemy import Engine
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.core import db
from api.web.memory import ResponseCache

REFRESH_SECONDS = 1.0
# What a node's database says about its queues, read when scraped: (name, help, value).
NodeFigures = Callable[[], list[tuple[str, str, float]]]

router = APIRouter(tags=["operations"])


class Metrics:
    def __init__(
        self,
        cache: ResponseCache,
        engine: Engine,
        node: NodeFigures | None = None,
        counts: dict[str, tuple[str, Callable[[], int]]] | None = None,
        live: dict[str, tuple[str, Callable[[], float]]] | None = None,
        worst: dict[str, tuple[str, Callable[[], float]]] | None = None,
    ) -> None:
        self.cache = cache
        self.engine = engine
        # Counts this process keeps (name: help, how to read it): the cache's, and others'.
        self.counts: dict[str, tuple[str, Callable[[], int]]] = {
            f"folio_cache_{name}": (doc, lambda name=name: int(getattr(cache, name)))
            for name, doc in CACHE_COUNTERS.items()
        } | (counts or {})
        # Figures of this process as they are now (name: help, how to read it), summed over
        # the live workers of a node.
        self.live: dict[str, tuple[str, Callable[[], float]]] = {
            "folio_cache_entries": ("Responses in the cache.", lambda: len(cache)),
            "folio_cache_bytes": ("Bytes of the responses in the cache.", lambda: cache.size),
            "folio_db_connections_in_use": (
                "Database connections checked out of the pool.",
                lambda: _in_use(engine),
            ),
        } | (live or {})
        # Figures of this process as they are now, of which a node reports its worst worker's.
        self.worst = worst or {}
        self.multiprocess = bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))
        self.registry = CollectorRegistry()  # this app's metrics (and, alone, its scrape)
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
        self.write_wait = Histogram(
            "folio_db_write_wait_seconds",
            "Time a write waited for its database connection and, on SQLite, the writer's lock.",
            buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
            registry=self.registry,
        )
        self.node = _NodeCollector(node)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        if not self.multiprocess:
            self.registry.register(_CacheCollector(self))
            self.registry.register(self.node)
            return
        # Shared through files: counters as increments, so a worker that exits keeps its
        # share; entries, bytes and connections as the sum of the live workers.
        self._reported = dict.fromkeys(self.counts, 0)
        self._counters = {
            name: Counter(name, doc, registry=self.registry)
            for name, (doc, _) in self.counts.items()
        }
        self._gauges = {
            name: Gauge(name, doc, multiprocess_mode="livesum", registry=self.registry)
            for name, (doc, _) in self.live.items()
        } | {
            name: Gauge(name, doc, multiprocess_mode="livemax", registry=self.registry)
            for name, (doc, _) in self.worst.items()
        }

    def start(self) -> None:
        """Times writes' waits; in multiprocess mode, writes this worker's cache and pool
        figures every second."""
        db.write_waits.append(self.write_wait.observe)
        if self.multiprocess and self._thread is None:
            self._thread = threading.Thread(target=self._refreshing, daemon=True)
            self._thread.start()

    def stop(self) -> None:
        with suppress(ValueError):
            db.write_waits.remove(self.write_wait.observe)
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def _refreshing(self) -> None:
        while not self._stop.wait(REFRESH_SECONDS):
            self.refresh()

    def refresh(self) -> None:
        for name, (_, read) in self.counts.items():
            value = read()
            if value > self._reported[name]:
                self._counters[name].inc(value - self._reported[name])
                self._reported[name] = value
        for name, (_, read_live) in (self.live | self.worst).items():
            self._gauges[name].set(read_live())

    def scrape(self) -> bytes:
        if not self.multiprocess:
            return generate_latest(self.registry)
        self.refresh()
        registry = CollectorRegistry()
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        registry.register(self.node)
        return generate_latest(registry)


CACHE_COUNTERS = {
    "hits": "Answers served from the response cache.",
    "misses": "Cacheable requests the cache could not answer.",
    "stored_hits": "Misses in memory answered from the representations stored in the database.",
}


def _in_use(engine: Engine) -> int:
    checked_out = getattr(engine.pool, "checkedout", None)
    return int(checked_out()) if callable(checked_out) else 0


class _CacheCollector(Collector):
    """One process's counts, cache and pool, read when scraped."""

    def __init__(self, metrics: "Metrics") -> None:
        self.metrics = metrics

    def collect(self) -> Iterator[CounterMetricFamily | GaugeMetricFamily]:
        for name, (doc, read) in self.metrics.counts.items():
            yield CounterMetricFamily(name, doc, value=read())
        for name, (doc, read_live) in (self.metrics.live | self.metrics.worst).items():
            yield GaugeMetricFamily(name, doc, value=read_live())


class _NodeCollector(Collector):
    """The node's figures (``NodeFigures``); nothing when the database does not answer, so
    the scrape still works (``/readyz`` says what is wrong)."""

    def __init__(self, figures: NodeFigures | None) -> None:
        self.figures = figures

    def collect(self) -> Iterator[GaugeMetricFamily]:
        if self.figures is None:
            return
        try:
            figures = self.figures()
        except Exception:
            return
        for name, doc, value in figures:
            yield GaugeMetricFamily(name, doc, value=value)


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
    """Prometheus metrics of this node: every worker's requests, cache and pool, and the
    queues. They tell of unpublished activity (event ids, the webhook queue), so they are for
    a scraper at an address in `FOLIO_METRICS_FROM` (loopback unless set) or an admin key
    (``api.auth.dependencies.metrics_reader``, which ``create_app`` puts on this route)."""
    return Response(
        request.app.state.metrics.scrape(),
        media_type=CONTENT_TYPE_LATEST,
        headers={"Cache-Control": "private, no-store"},
    )
