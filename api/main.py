"""The ASGI application: routers, middleware and error handlers."""

import asyncio
import gc
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.metadata import version
from typing import Any

from anyio import to_thread
from fastapi import Depends, FastAPI
from fastapi.routing import APIRoute
from fastapi.telemetry import TelemetryConfig
from sqlalchemy.engine import Engine
from starlette.middleware.cors import CORSMiddleware

from api.articles import router as articles
from api.assets.router import router as assets_router
from api.assets.storage import make_storage
from api.audit.router import router as audit_router
from api.auth.dependencies import current_key, metrics_reader
from api.auth.router import router as keys_router
from api.batch.router import router as batch_router
from api.changes.router import router as changes_router
from api.changes.stream import Signal
from api.comparisons import router as comparisons
from api.core import db, kinds, surrogates
from api.core.bounds import breaker_of, watchdog
from api.core.config import Settings, get_settings
from api.core.errors import install_error_handlers
from api.core.logs import configure_logging
from api.feeds.router import router as feeds_router
from api.graphql.router import router as graphql_router
from api.labels.router import authors_router, tags_router
from api.people.router import router as people_router
from api.previews.router import router as previews_router
from api.purge import service as purge
from api.roles import router as roles
from api.schedule import read_changes
from api.search.router import router as search_router
from api.sharing.router import router as sharing_router
from api.studio import router as studio
from api.transfer.router import router as import_router
from api.translations.router import router as translations_router
from api.trash.router import router as trash_router
from api.web import commits, openapi
from api.web.cache import CacheMiddleware
from api.web.commits import CommitCounter
from api.web.docs import router as docs_router
from api.web.health import Readiness
from api.web.health import router as health_router
from api.web.http import HeadMiddleware, RequestGuardMiddleware, acceptable
from api.web.memory import ResponseCache
from api.web.metrics import Metrics, MetricsMiddleware
from api.web.metrics import router as metrics_router
from api.web.ratelimit import Limiter, RateLimitMiddleware, RequestLimits
from api.web.requestid import RequestIdMiddleware
from api.web.server import drain_on_sigterm
from api.web.store import RepresentationStore
from api.web.watcher import make_watcher
from api.webhooks import service as webhooks_service
from api.webhooks.router import router as webhooks_router


def _operation_id(route: APIRoute) -> str:
    return route.name


# FastAPI's document builder is not safe to run in two threads at once (two first 422s, each
# naming the closest parameter, failed with a KeyError): built under a lock. It takes most of
# a second, and depends only on the routes: apps with the same ones (a test suite makes
# hundreds) share one, read-only.
_BUILDING_OPENAPI = threading.Lock()
_DOCUMENTS: dict[tuple[Any, ...], dict[str, Any]] = {}


def _openapi(app: FastAPI) -> dict[str, Any]:
    with _BUILDING_OPENAPI:
        if app.openapi_schema is None:
            routes = tuple(
                (getattr(r, "path", ""), tuple(sorted(getattr(r, "methods", None) or ())),
                 getattr(r, "endpoint", None), getattr(r, "response_model", None))
                for r in app.routes
            )  # fmt: skip
            key = (app.title, app.version, routes)
            if key not in _DOCUMENTS:
                _DOCUMENTS[key] = openapi.build(app)
            app.openapi_schema = _DOCUMENTS[key]
    return app.openapi_schema


def _freeze_heap() -> None:
    """Moves what startup made (modules, models, routes, schemas: some 200,000 objects) out of
    the garbage collector's sight. A full collection otherwise walks all of them, about 60 ms
    in which the worker answers nobody, a p99 spike whenever one comes due; with them frozen
    it takes about a millisecond. What startup made lives as long as the process anyway."""
    gc.collect()
    gc.freeze()


def _telemetry(on: bool) -> TelemetryConfig:
    return {"tracing": on, "metrics": on, "logs": on, "operation_spans": on}


def create_app(
    settings: Settings | None = None, *, engine: Engine | None = None, serving: bool = False
) -> FastAPI:
    """The app. ``serving``: a worker of ``folio serve``, the process's only app, whose heap
    is frozen once it has started (``_freeze_heap``)."""
    settings = settings or get_settings()
    configure_logging(settings.log_level)
    kinds.check_complete()  # every room imported above has registered its pieces
    owns_engine = engine is None
    engine = engine or db.make_engine(
        settings.database_url,
        pool_size=settings.db_pool_size,
        pool_timeout=settings.db_pool_timeout,
        bounds=settings.db_bounds(hold=True),
    )
    cache = ResponseCache(
        max_entries=settings.cache_max_entries, max_bytes=settings.cache_max_bytes
    )
    if settings.store_representations:
        cache.store = RepresentationStore(
            engine, queries_max=settings.stored_queries_max, bounds=settings.db_bounds()
        )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # No more request threads than the pool has connections (make_engine: its size and as
        # many on overflow), so a request never waits for one.
        to_thread.current_default_thread_limiter().total_tokens = 2 * settings.db_pool_size
        # The watcher reads through an engine of its own: a busy request pool never delays it.
        watch_engine = db.make_engine(settings.database_url, pool_size=1)
        watcher = make_watcher(
            settings.database_url,
            lambda last, batch: read_changes(watch_engine, last, batch=batch),
            settings.db_bounds(),
            poll_seconds=settings.watch_poll_seconds,
        )
        if watcher is not None:
            watcher.stale_seconds = settings.watch_stale_seconds
        cache.watcher = watcher
        # The change streams wake on each snapshot the watcher takes, after this process's
        # commits and others' alike; with no watcher (in-memory SQLite), on this one's commits.
        streams: Signal = app.state.streams
        streams.attach(asyncio.get_running_loop())
        counter = None
        if watcher is None:
            surrogates.after_content_commit.append(streams.bump_from_thread)
        else:
            watcher.droppers.append(cache.invalidate)
            watcher.listeners.append(streams.bump)
            if settings.node_dir is not None:  # a worker of `folio serve`
                counter = watcher.counter = CommitCounter(settings.node_dir / commits.FILE_NAME)
                # Counted before the watcher reads what this commit changed (``bump``).
                surrogates.after_content_commit.append(counter.bump)
            surrogates.after_content_commit.append(watcher.bump)
            watcher.start(wait=5.0, loop=asyncio.get_running_loop())
        if cache.store is not None:
            await cache.store.open()
        app.state.metrics.start()
        undrain = drain_on_sigterm(
            app.state, settings.drain_seconds, asyncio.get_running_loop(), streams.bump
        )
        if serving:
            _freeze_heap()
        try:
            yield
        finally:
            undrain()
            app.state.metrics.stop()
            await app.state.rate_limits.close()
            if replica is not None:
                replica.engine.dispose()
            if watcher is None:
                surrogates.after_content_commit.remove(streams.bump_from_thread)
            else:
                surrogates.after_content_commit.remove(watcher.bump)
                watcher.stop()
            if counter is not None:
                surrogates.after_content_commit.remove(counter.bump)
                counter.close()
            cache.watcher = None
            if cache.store is not None:
                await cache.store.close()
            watch_engine.dispose()
            if owns_engine:
                engine.dispose()

    app = FastAPI(
        title="Folio",
        version=version("folio"),
        summary="A headless content API for articles, roles and comparisons of roles.",
        generate_unique_id_function=_operation_id,
        lifespan=lifespan,
        dependencies=[Depends(current_key), Depends(acceptable)],
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        # Off unless asked for: Folio reports through /metrics and its logs, and FastAPI
        # otherwise looks for an OpenTelemetry provider on every request (a twentieth of a
        # cached answer's time) even when none is configured.
        telemetry=_telemetry(settings.opentelemetry),
    )
    app.openapi = lambda: app.openapi_schema or _openapi(app)  # type: ignore[method-assign]
    app.state.engine = engine
    app.state.sessions = lambda: db.open_session(engine)
    app.state.breaker = breaker = breaker_of(engine)
    app.state.readiness = Readiness(
        engine.url.render_as_string(hide_password=False),
        settings.ready_timeout_seconds,
        breaker,
    )
    app.state.cache = cache
    app.state.streams = Signal()
    replica = (
        db.ReadReplica(settings.read_database_url, pool_size=settings.db_pool_size)
        if settings.read_database_url
        else None
    )
    app.state.replica = replica
    app.state.metrics = Metrics(
        cache,
        engine,
        live={
            "folio_change_streams": (
                "Change streams open (/v1/changes/stream and the studio's).",
                lambda: app.state.streams.open,
            )
        },
        worst={
            "folio_cache_watch_lag_seconds": (
                "Seconds the content watcher is behind (0 while it keeps up); memory serves"
                " nothing once it passes FOLIO_WATCH_STALE_SECONDS.",
                lambda: cache.watcher.lag() if cache.watcher is not None else 0.0,
            )
        },
        node=lambda: webhooks_service.queue_figures(engine) + purge.lag(engine),
        counts={
            "folio_replica_reads": (
                "Anonymous reads the read replica answered.",
                lambda: replica.answered if replica else 0,
            ),
            "folio_replica_declined": (
                "Reads the replica could not take (behind what they must show, or down).",
                lambda: replica.declined if replica else 0,
            ),
            "folio_db_cuts": (
                "Database waits cut past their bound (FOLIO_DB_STATEMENT_TIMEOUT and others).",
                lambda: watchdog.cuts,
            ),
            "folio_db_refused": (
                "Requests answered 503 at once because the database had just failed.",
                lambda: breaker.refused,
            ),
        },
    )
    app.state.limiter = Limiter(settings)
    app.state.storage = make_storage(settings)
    install_error_handlers(app)
    for router in (
        docs_router,
        health_router,
        articles.router,
        assets_router,
        roles.router,
        comparisons.router,
        comparisons.compare_router,
        authors_router,
        tags_router,
        keys_router,
        people_router,
        audit_router,
        trash_router,
        search_router,
        feeds_router,
        changes_router,
        webhooks_router,
        previews_router,
        translations_router,
        sharing_router,
        batch_router,
        import_router,
        graphql_router,
    ):
        app.include_router(router)
    app.include_router(metrics_router, dependencies=[Depends(metrics_reader)])
    studio.install(app)
    # Added innermost first: HEAD becomes GET before anything else sees it, and CORS wraps the
    # cache, so cached answers get CORS headers too.
    app.add_middleware(MetricsMiddleware, metrics=app.state.metrics)
    app.add_middleware(
        RequestGuardMiddleware,
        max_bytes=settings.max_body_bytes,
        max_import_bytes=settings.max_import_bytes,
        max_asset_bytes=settings.max_asset_bytes,
        body_timeout=settings.body_timeout_seconds,
    )
    app.add_middleware(CacheMiddleware, cache=cache)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_methods=["GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"],
        allow_headers=[
            "Authorization",
            "Content-Type",
            "If-None-Match",
            "If-Modified-Since",
            "If-Match",
            "Accept-Language",
            "Idempotency-Key",
            "X-Request-ID",
        ],
        # Beyond the headers every browser lets a script read: what a frontend needs to
        # revalidate, page, follow, back off (429, 503) and save a download by its name.
        expose_headers=[
            "ETag",
            "Link",
            "Location",
            "X-Request-ID",
            "Retry-After",
            "RateLimit",
            "RateLimit-Policy",
            "Content-Disposition",
        ],
        allow_credentials=False,
        max_age=600,
    )
    app.add_middleware(HeadMiddleware)
    # Counted before the cache, so that cached answers count too.
    app.state.rate_limits = RequestLimits(settings)
    app.add_middleware(RateLimitMiddleware, limits=app.state.rate_limits)
    app.add_middleware(RequestIdMiddleware)  # outermost: every answer has one, cached ones too
    return app


app = create_app(serving=True)  # what `folio serve` runs
