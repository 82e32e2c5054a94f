"""The changes as they happen: ``GET /v1/changes/stream``, Server-Sent Events.

Each event is an entry of ``/v1/changes`` (``event: change``), its ``id`` the token to resume
after it, so ``Last-Event-ID`` (which every EventSource sends when it reconnects) picks up
exactly where the client was: nothing lost, nothing twice. The first event (``event: ready``)
names where the stream starts, so a client that reconnects before any change still resumes.

No stream polls the database. A process wakes all its streams (``Signal``) when content may
have changed: at once after its own commits, and when its watcher hears of another process's
(NOTIFY on PostgreSQL, ``PRAGMA data_version`` on SQLite), and at the next scheduled
publication. Each stream then reads what came after its position, in a session of its own
held for that read only. A stream is bounded in number (per process), in life (it ends, and
the client resumes), and in what it may leave unsent (a client that does not take an event in
time is closed rather than buffered for).
"""

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Annotated, Any

import anyio
from fastapi import Depends, Header, Query
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import StreamingResponse
from starlette.types import Send

from api.changes import service
from api.changes.models import Change, ChangeFilters, StreamQuery
from api.core import locales
from api.core.clock import clock
from api.core.config import Settings, get_settings
from api.core.errors import InvalidParameter, StreamsFull

EVENT_STREAM = "text/event-stream"
RECONNECT_MS = 2000  # what a client waits before it connects again (the stream's ``retry``)
# A stream a draining node ends asks its client back sooner: about when the balancer's health
# check (every 250 ms in fleet/haproxy.cfg) has taken the node out, so the client resumes on
# another node in a moment, not seconds later; should it come back to this one first, that
# stream ends the same way at once.
DRAIN_RECONNECT_MS = 250
PAGE = 100  # changes read at a time


class Signal:
    """Wakes the streams of one process when content may have changed. ``bump`` runs on the
    event loop (the watcher's announcements); ``bump_from_thread`` anywhere (a commit)."""

    def __init__(self) -> None:
        self.generation = 0
        self.open = 0  # streams being served
        self._event = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None

    def attach(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop

    def bump(self) -> None:
        self.generation += 1
        event, self._event = self._event, asyncio.Event()
        event.set()

    def bump_from_thread(self, _keys: frozenset[str] = frozenset()) -> None:
        loop = self._loop
        if loop is not None:
            with contextlib.suppress(RuntimeError):  # the loop has closed
                loop.call_soon_threadsafe(self.bump)

    async def wait(self, seen: int, timeout: float) -> bool:
        """True once something changed after generation ``seen``; False after ``timeout``."""
        if self.generation != seen:
            return True
        if self._loop is None:  # no lifespan (a test's client): nothing wakes it but time
            await asyncio.sleep(timeout)
            return self.generation != seen
        with anyio.move_on_after(timeout):
            await self._event.wait()
            return True
        return False


def event(kind: str, event_id: int | None, data: Any) -> bytes:
    """One Server-Sent Event (its data a line of JSON)."""
    head = f"id: {service.encode_token(event_id)}\n" if event_id is not None else ""
    body = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    return f"{head}event: {kind}\ndata: {body}\n\n".encode()


class EventStream(StreamingResponse):
    """A stream whose every write must be taken within ``send_timeout`` seconds: a client
    that stops reading is closed, not buffered for."""

    def __init__(self, content: AsyncIterator[bytes], send_timeout: float) -> None:
        super().__init__(
            content,
            media_type=EVENT_STREAM,
            headers={
                "Cache-Control": "no-store",
                "X-Accel-Buffering": "no",  # a proxy passes each event on as it comes
            },
        )
        self.send_timeout = send_timeout

    async def stream_response(self, send: Send) -> None:
        async def bounded(message: Any) -> None:
            with anyio.fail_after(self.send_timeout):
                await send(message)

        try:
            with contextlib.suppress(TimeoutError):
                await super().stream_response(bounded)
        finally:  # the stream is let go now, not when the collector finds it
            close = getattr(self.body_iterator, "aclose", None)
            if close is not None:
                await close()


async def changes(
    *,
    read: Callable[[Callable[[Any], Any]], Any],
    position: int,
    filters: ChangeFilters,
    preview: bool,
    signal: Signal,
    settings: Settings,
    stopping: Callable[[], bool],
    horizon: Callable[[], datetime | None],
) -> AsyncIterator[bytes]:
    """The events of one stream from the event ``position`` on. ``read(work)`` runs
    ``work(session)`` in a worker thread with a session of its own; ``stopping()`` says the
    node is draining; ``horizon()`` is the next scheduled publication, if known."""
    signal.open += 1
    try:
        yield f"retry: {RECONNECT_MS}\n".encode()
        yield event("ready", position, {"since": service.encode_token(position)})
        ends = time.monotonic() + settings.stream_max_seconds
        reading, seen = True, 0
        while True:  # one read at least, then until the stream's time is up
            more = False
            if reading:  # at first, when woken, and when a publication came due: never idly
                seen = signal.generation  # before the read: a commit after it wakes the wait
                found, position, more = await read(partial(_page, position, filters, preview))
                for event_id, change in found:
                    yield event("change", event_id, change.model_dump(mode="json"))
            if stopping():
                yield f"retry: {DRAIN_RECONNECT_MS}\n\n".encode()
                break
            if not more and time.monotonic() >= ends:
                break
            if more:
                continue
            quiet = min(settings.stream_heartbeat_seconds, max(0.0, ends - time.monotonic()))
            due = horizon()  # a publication comes due then: read at that moment
            until_due = None if due is None else max(0.05, (due - clock.now()).total_seconds())
            wait = quiet if until_due is None else min(quiet, until_due)
            reading = await signal.wait(seen, wait) or wait != quiet
            if not reading:
                yield b": heartbeat\n\n"  # quiet all that time: proxies keep the stream open
    finally:
        signal.open -= 1


def _page(
    since: int, filters: ChangeFilters, preview: bool, session: Any
) -> tuple[list[tuple[int, Change]], int, bool]:
    return service.after(session, since, filters, limit=PAGE, preview=preview)


async def read_with(sessions: Callable[[], Any], work: Callable[[Any], Any]) -> Any:
    """``work(session)`` in a worker thread, in a session opened and closed for it."""

    def run() -> Any:
        with sessions() as session:
            return work(session)

    return await run_in_threadpool(run)


@dataclass(frozen=True)
class Asked:
    """What a stream's request asks: the filters and ``since`` in its query, and the
    ``Last-Event-ID`` an EventSource sends when it reconnects."""

    query: StreamQuery
    last_event_id: str | None


def _asked(
    query: Annotated[StreamQuery, Query()],
    last_event_id: Annotated[str | None, Header(max_length=64)] = None,
) -> Asked:
    return Asked(query, last_event_id)


AskedDep = Annotated[Asked, Depends(_asked)]


async def opened(request: Request, asked: Asked, *, preview: bool) -> EventStream:
    """A stream for ``request`` (``/v1/changes/stream``, and the studio's for its people):
    after ``Last-Event-ID``, else after ``since``, else from now; 503 once this process serves
    as many as it may."""
    settings = get_settings()
    query, last_event_id = asked.query, asked.last_event_id
    if query.locale is not None:
        locales.parse_locale(query.locale)
    signal: Signal = request.app.state.streams
    if signal.open >= settings.stream_max_per_process:
        raise StreamsFull(
            f"this node serves {settings.stream_max_per_process} change streams already",
            retry_after=1,
        )
    sessions = request.app.state.sessions
    if last_event_id:
        try:
            position = service.decode_token(last_event_id)
        except InvalidParameter as exc:
            raise InvalidParameter(
                "Last-Event-ID", "not an event id of this stream", where="header"
            ) from exc
    elif query.since:
        position = service.decode_token(query.since)
    else:
        position = await read_with(sessions, service.latest)
    watcher = request.app.state.cache.watcher
    events = changes(
        read=partial(read_with, sessions),
        position=position,
        filters=query,
        preview=preview,
        signal=signal,
        settings=settings,
        stopping=lambda: bool(getattr(request.app.state, "draining", False)),
        horizon=watcher.horizon if watcher is not None else lambda: None,
    )
    return EventStream(events, settings.stream_send_timeout_seconds)
