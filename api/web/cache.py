"""Rendered responses kept per process, valid for exactly one version of the content.

Anonymous GETs of public content are answered from memory once rendered: no database round trip,
no serialization and no hashing per request. Each entry is stamped with the *content generation*
seen before it was rendered; an entry is served only while the generation is unchanged.

A watcher thread per process follows the content and keeps a ``Snapshot`` of what the cache
needs: the generation, when the next scheduled publication comes due (the content changes then
with no write at all), and when the content last changed (``Last-Modified``). The event loop
only reads that snapshot: it never waits on the database.

- PostgreSQL: the thread LISTENs on ``api.core.db.CONTENT_CHANNEL``; every committed write NOTIFYs
  it. While the listening connection is down the generation is unknown and nothing is cached.
- SQLite: the thread polls ``PRAGMA data_version`` on a connection of its own, which changes
  whenever any other connection, in any process, commits.

Writes in this process bump the generation right after their commit (``api.db``), so a client
always reads its own writes: until the thread has caught up, requests pass the cache by.
"""

import asyncio
import contextlib
import itertools
import select
import socket
import sqlite3
import threading
from abc import ABC, abstractmethod
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import anyio
import psycopg
import structlog
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.core import db
from api.core.clock import clock
from api.web.http import LAST_MODIFIED, not_modified

log = structlog.get_logger(__name__)

# What the watcher reads from the database after each change: the next scheduled publication
# and when the content last changed.
Refresh = Callable[[], tuple[datetime | None, datetime | None]]


@dataclass(frozen=True, slots=True)
class Snapshot:
    generation: int  # the watcher's generation when it was taken
    epoch: int  # one more for every snapshot: with the generation, the key of cached entries
    horizon: datetime | None  # the next scheduled publication: stale from then on
    last_modified: datetime | None


class Watcher(ABC):
    """Follows content changes in a daemon thread (``_follow``, one per database kind)."""

    poll_seconds = 0.2

    def __init__(self, refresh: Refresh) -> None:
        self._refresh = refresh
        self._changes = itertools.count(1)  # next() is atomic: bumps from any thread
        self._generation = 0
        self._epoch = 0
        self._snapshot: Snapshot | None = None
        self._connected = False
        self._failing = False
        # The thread waits on this socket (beside the database's, where it has one): a byte
        # written to the other end wakes it at once.
        self._wake_reader, self._wake_writer = socket.socketpair()
        self._wake_reader.setblocking(False)
        self._stopping = threading.Event()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._follow, name="folio-watch", daemon=True)
        # The event loop that serves requests, told of every new snapshot (``fresh``).
        self._loop: asyncio.AbstractEventLoop | None = None
        self._published = asyncio.Event()

    def start(self, *, wait: float, loop: asyncio.AbstractEventLoop | None = None) -> None:
        self._loop = loop
        self._thread.start()
        self._ready.wait(wait)

    def stop(self) -> None:
        self._stopping.set()
        self._wake()
        self._thread.join(timeout=5)
        self._wake_reader.close()
        self._wake_writer.close()

    def bump(self) -> None:
        """This process committed a write: what was cached is stale at once."""
        self._changed()
        self._wake()

    def _wake(self) -> None:
        with contextlib.suppress(OSError):  # full (the thread is awake anyway) or closed
            self._wake_writer.send(b"\0")

    def _sleep(self, *others: Any) -> list[Any]:
        """Waits up to ``poll_seconds`` for a wake-up or for one of ``others`` to be readable."""
        ready, _, _ = select.select([self._wake_reader, *others], [], [], self.poll_seconds)
        if self._wake_reader in ready:
            with contextlib.suppress(OSError):
                self._wake_reader.recv(4096)
        return ready

    def snapshot(self) -> Snapshot | None:
        """The current snapshot, or None while it is out of date (the thread is woken)."""
        snapshot = self._snapshot
        if (
            snapshot is None
            or not self._connected
            or snapshot.generation != self._generation
            or (snapshot.horizon is not None and clock.now() >= snapshot.horizon)
        ):
            self._wake()
            return None
        return snapshot

    async def fresh(self, timeout: float) -> Snapshot | None:
        """The current snapshot, waiting up to ``timeout`` for the thread to take one when it
        is out of date (right after a write, say) rather than passing the cache by; None at
        once while the database cannot be read."""
        snapshot = self.snapshot()
        if snapshot is not None or self._loop is None or self._failing or not self._connected:
            return snapshot
        with anyio.move_on_after(timeout):
            while snapshot is None:
                await self._published.wait()
                snapshot = self.snapshot()
        return snapshot

    def _announce(self) -> None:
        # On the event loop: wakes every request waiting in ``fresh``.
        published, self._published = self._published, asyncio.Event()
        published.set()

    def _changed(self) -> None:
        self._generation = next(self._changes)

    def _keep_fresh(self) -> None:
        """Takes a new snapshot when the last one is out of date. The generation is read
        before the database, so a change committed meanwhile leaves the snapshot stale."""
        snapshot, generation = self._snapshot, self._generation
        if (
            snapshot is not None
            and snapshot.generation == generation
            and (snapshot.horizon is None or clock.now() < snapshot.horizon)
        ):
            return
        try:
            horizon, last_modified = self._refresh()
        except SQLAlchemyError as exc:
            if not self._failing:
                log.warning("content_snapshot_failed", error=str(exc))
            self._failing, self._snapshot = True, None
            return
        self._failing = False
        self._epoch += 1
        self._snapshot = Snapshot(generation, self._epoch, horizon, last_modified)
        self._ready.set()
        if self._loop is not None:
            with contextlib.suppress(RuntimeError):  # the loop has closed
                self._loop.call_soon_threadsafe(self._announce)

    def _follow(self) -> None:
        """The thread: watches over one connection at a time (``_watch``); when it drops,
        connects again after a pause that doubles up to ten seconds."""
        delay = 0.5
        while not self._stopping.is_set():
            try:
                for _ in self._watch():  # each round the connection works, all is well
                    self._connected = True
                    delay = 0.5
                    self._keep_fresh()
            except self.failures as exc:
                log.warning("content_watcher_down", error=str(exc), retry_in=delay)
            finally:
                self._connected = False
                self._ready.set()  # the first attempt is over, whatever came of it
            self._stopping.wait(delay)
            delay = min(delay * 2, 10.0)

    failures: tuple[type[Exception], ...] = ()

    @abstractmethod
    def _watch(self) -> Iterator[None]:
        """Connects and notes every change (``_changed``), yielding after each wait."""


class SQLiteWatcher(Watcher):
    poll_seconds = 0.05
    failures = (sqlite3.Error,)

    def __init__(self, path: str, refresh: Refresh) -> None:
        super().__init__(refresh)
        self._path = path

    def _watch(self) -> Iterator[None]:
        seen = None
        uri = f"file:{self._path}?mode=rw"  # never creates an empty database in its place
        with contextlib.closing(sqlite3.connect(uri, uri=True, isolation_level=None)) as db_:
            while not self._stopping.is_set():
                (version,) = db_.execute("PRAGMA data_version").fetchone()
                if version != seen:
                    seen = version
                    self._changed()
                yield
                self._sleep()


class PostgresWatcher(Watcher):
    failures = (psycopg.Error,)

    def __init__(self, conninfo: str, refresh: Refresh, *, channel: str = db.CONTENT_CHANNEL):
        super().__init__(refresh)
        self._conninfo = conninfo
        self._channel = channel

    def _watch(self) -> Iterator[None]:
        with psycopg.connect(self._conninfo, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f"LISTEN {self._channel}")
            self._changed()  # whatever happened while not listening
            while not self._stopping.is_set():
                yield
                if conn.fileno() in self._sleep(conn.fileno()):
                    for notify in conn.notifies(timeout=0):
                        # This process's own writes bumped it already (``bump``).
                        if notify.payload != db.origin():
                            self._changed()


def make_watcher(
    database_url: str, refresh: Refresh, *, loop: asyncio.AbstractEventLoop | None = None
) -> Watcher | None:
    """A started watcher for the database, or None where none can work (in-memory SQLite);
    ``loop``, the event loop serving requests, is told of every new snapshot."""
    url = make_url(database_url)
    backend = url.get_backend_name()
    watcher: Watcher
    if backend == "sqlite":
        if url.database in (None, "", ":memory:"):
            return None
        watcher = SQLiteWatcher(url.database, refresh)
    elif backend == "postgresql":
        conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
        watcher = PostgresWatcher(conninfo, refresh)
    else:
        return None
    watcher.start(wait=5.0, loop=loop)
    return watcher


Generation = tuple[int, int]


@dataclass(slots=True)
class Entry:
    generation: Generation
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes
    etag: bytes


class ResponseCache:
    """A bounded LRU of rendered responses, keyed by what the response depends on."""

    def __init__(self, *, max_entries: int, max_bytes: int) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.watcher: Watcher | None = None
        self._entries: OrderedDict[tuple[bytes, ...], Entry] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    fresh_seconds = 0.25  # how long a request waits for the watcher to catch up

    async def generation(self) -> tuple[Generation, datetime | None] | None:
        """What an entry must have been rendered under to be served now, and when the
        content last changed; None while that is not known (nothing is cached then)."""
        watcher = self.watcher
        if watcher is None:
            return None
        snapshot = watcher.snapshot() or await watcher.fresh(self.fresh_seconds)
        if snapshot is None:
            return None
        return (snapshot.generation, snapshot.epoch), snapshot.last_modified

    def get(self, key: tuple[bytes, ...], generation: Generation) -> Entry | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and entry.generation != generation:
                self._drop(key)
                entry = None
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def put(self, key: tuple[bytes, ...], entry: Entry) -> None:
        size = len(entry.body)
        if self.max_entries == 0 or size > self.max_bytes // 8:
            return
        with self._lock:
            if key in self._entries:
                self._drop(key)
            self._entries[key] = entry
            self._bytes += size
            while len(self._entries) > self.max_entries or self._bytes > self.max_bytes:
                self._drop(next(iter(self._entries)))

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def __len__(self) -> int:
        return len(self._entries)

    def _drop(self, key: tuple[bytes, ...]) -> None:
        entry = self._entries.pop(key)
        self._bytes -= len(entry.body)


class CacheMiddleware:
    """Serves anonymous GETs from ``ResponseCache`` and fills it from public 200 responses.

    A response is cached only when the route marked it ``Cache-Control: public``; anything a key
    unlocked is ``private`` and never stored. The key holds every input the body depends on:
    path, query string and Accept (the Vary of every cacheable response). Concurrent misses for
    one key and generation are coalesced: one request renders, the others wait for its bytes.
    """

    coalesce_seconds = 10.0  # how long a miss waits for another's render before its own

    def __init__(self, app: ASGIApp, cache: ResponseCache) -> None:
        self.app = app
        self.cache = cache
        self._rendering: dict[tuple[tuple[bytes, ...], Generation], asyncio.Event] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET":
            await self.app(scope, receive, send)
            return
        accept = b""
        if_none_match = if_modified_since = None
        for name, value in scope["headers"]:
            if name == b"authorization":
                await self.app(scope, receive, send)
                return
            if name == b"accept":
                accept = value
            elif name == b"if-none-match":
                if_none_match = value
            elif name == b"if-modified-since":
                if_modified_since = value
        current = await self.cache.generation()
        if current is None:
            await self.app(scope, receive, send)
            return
        generation, last_modified = current
        key = (scope["path"].encode(), scope["query_string"], accept)
        flight = (key, generation)
        entry = self.cache.get(key, generation)
        if entry is None and flight in self._rendering:
            with anyio.move_on_after(self.coalesce_seconds):
                await self._rendering[flight].wait()
            entry = self.cache.get(key, generation)
        if entry is not None:
            self.cache.hits += 1
            await _replay(entry, if_none_match, if_modified_since, send)
            return
        self.cache.misses += 1
        done = self._rendering.setdefault(flight, asyncio.Event())
        # Taken before the response reads the database: never later than what it renders.
        scope.setdefault("state", {})[LAST_MODIFIED] = last_modified
        try:
            await self.app(scope, receive, _Recorder(send, self.cache, key, generation))
        finally:
            if self._rendering.get(flight) is done:
                del self._rendering[flight]
            done.set()


class _Recorder:
    __slots__ = ("body", "cache", "generation", "headers", "key", "send", "status", "storable")

    def __init__(
        self, send: Send, cache: ResponseCache, key: tuple[bytes, ...], generation: Generation
    ) -> None:
        self.send = send
        self.cache = cache
        self.key = key
        self.generation = generation
        self.status = 0
        self.headers: list[tuple[bytes, bytes]] = []
        self.body: list[bytes] = []
        self.storable = False

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
            self.headers = list(message.get("headers", []))
            self.storable = self.status == 200 and any(
                name == b"cache-control" and value.startswith(b"public")
                for name, value in self.headers
            )
        elif message["type"] == "http.response.body" and self.storable:
            self.body.append(message.get("body", b""))
            if not message.get("more_body", False):
                etag = next((v for n, v in self.headers if n == b"etag"), None)
                if etag is not None:
                    self.cache.put(
                        self.key,
                        Entry(
                            self.generation, self.status, self.headers, b"".join(self.body), etag
                        ),
                    )
        await self.send(message)


_NOT_MODIFIED_DROPS = {b"content-length", b"content-type"}


async def _replay(
    entry: Entry, if_none_match: bytes | None, if_modified_since: bytes | None, send: Send
) -> None:
    last_modified = next((v for n, v in entry.headers if n == b"last-modified"), None)
    if not_modified(
        if_none_match.decode("latin-1") if if_none_match is not None else None,
        if_modified_since.decode("latin-1") if if_modified_since is not None else None,
        entry.etag.decode("latin-1"),
        last_modified.decode("latin-1") if last_modified is not None else None,
    ):
        headers = [(n, v) for n, v in entry.headers if n not in _NOT_MODIFIED_DROPS]
        await send({"type": "http.response.start", "status": 304, "headers": headers})
        await send({"type": "http.response.body", "body": b""})
        return
    await send({"type": "http.response.start", "status": entry.status, "headers": entry.headers})
    await send({"type": "http.response.body", "body": entry.body})
