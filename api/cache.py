"""Rendered responses kept per process, valid for exactly one version of the content.

Anonymous GETs of public content are answered from memory once rendered: no database round trip,
no serialization and no hashing per request. Each entry is stamped with the *content generation*
seen before it was rendered; an entry is served only while the generation is unchanged.

The generation is read from a watcher that costs nothing per request and is right across
processes and nodes:

- PostgreSQL: a thread LISTENs on ``api.db.CONTENT_CHANNEL``; every committed write NOTIFYs it.
  While the listening connection is down the generation is unknown and nothing is cached.
- SQLite: ``PRAGMA data_version`` on a connection of its own changes whenever any other
  connection, in any process, commits.

Writes in this process bump the generation right after their commit (``api.db``), so a client
always reads its own writes.
"""

import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

import psycopg
import structlog
from sqlalchemy.engine import make_url
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api import db
from api.clock import clock
from api.http import LAST_MODIFIED, not_modified

log = structlog.get_logger(__name__)


class Watcher(Protocol):
    def current(self) -> int | None:
        """The content generation now, or None when it cannot be known."""

    def bump(self) -> None:
        """This process committed a write."""

    def stop(self) -> None: ...


class SQLiteWatcher:
    def __init__(self, path: str) -> None:
        # Only the event loop's thread reads it; the lock covers bump() from worker threads.
        self._conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._local = 0
        self._lock = threading.Lock()

    def current(self) -> int | None:
        with self._lock:
            (version,) = self._conn.execute("PRAGMA data_version").fetchone()
            return int(version) * 1_000_000 + self._local

    def bump(self) -> None:
        with self._lock:
            self._local = (self._local + 1) % 1_000_000

    def stop(self) -> None:
        with self._lock:
            self._conn.close()


class PostgresWatcher:
    def __init__(self, conninfo: str, *, channel: str = db.CONTENT_CHANNEL) -> None:
        self._conninfo = conninfo
        self._channel = channel
        self._generation = 0
        self._connected = False
        self._stopping = threading.Event()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="folio-listen", daemon=True)
        self._thread.start()

    def wait_ready(self, timeout: float) -> bool:
        return self._ready.wait(timeout)

    def current(self) -> int | None:
        return self._generation if self._connected else None

    def bump(self) -> None:
        self._generation += 1

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        delay = 0.5
        while not self._stopping.is_set():
            try:
                with psycopg.connect(self._conninfo, autocommit=True) as conn:
                    conn.execute(f"LISTEN {self._channel}")
                    self._generation += 1
                    self._connected = True
                    self._ready.set()
                    delay = 0.5
                    while not self._stopping.is_set():
                        for _ in conn.notifies(timeout=0.2):
                            self._generation += 1
            except psycopg.Error as exc:
                log.warning("content_listener_down", error=str(exc), retry_in=delay)
            finally:
                self._connected = False
            self._stopping.wait(delay)
            delay = min(delay * 2, 10.0)


def make_watcher(database_url: str) -> Watcher | None:
    url = make_url(database_url)
    backend = url.get_backend_name()
    if backend == "sqlite":
        if url.database in (None, "", ":memory:"):
            return None
        return SQLiteWatcher(url.database)
    if backend == "postgresql":
        conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
        watcher = PostgresWatcher(conninfo)
        watcher.wait_ready(5.0)
        return watcher
    return None


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
        self.next_change: Callable[[], datetime | None] | None = None
        self.last_change: Callable[[], datetime | None] | None = None
        self.last_modified: datetime | None = None
        self._seen: int | None = None
        self._epoch = 0
        self._horizon: datetime | None = None

    def generation(self) -> tuple[int, int] | None:
        """What an entry must have been rendered under to be served now.

        The watcher's generation, and an epoch that also moves when the clock passes the next
        scheduled publication: content can change with no write at all.
        """
        base = self.watcher.current() if self.watcher is not None else None
        if base is None:
            return None
        if base != self._seen or (self._horizon is not None and clock.now() >= self._horizon):
            self._seen = base
            self._epoch += 1
            self._horizon = self.next_change() if self.next_change is not None else None
            self.last_modified = self.last_change() if self.last_change is not None else None
        return (base, self._epoch)

    def get(self, key: tuple[bytes, ...], generation: Generation) -> Entry | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and entry.generation != generation:
                self._drop(key)
                entry = None
            if entry is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
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
    path, query string and Accept (the Vary of every cacheable response).
    """

    def __init__(self, app: ASGIApp, cache: ResponseCache) -> None:
        self.app = app
        self.cache = cache

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
        generation = self.cache.generation()
        if generation is None:
            await self.app(scope, receive, send)
            return
        key = (scope["path"].encode(), scope["query_string"], accept)
        entry = self.cache.get(key, generation)
        if entry is not None:
            await _replay(entry, if_none_match, if_modified_since, send)
            return
        # Taken before the response reads the database: never later than what it renders.
        scope.setdefault("state", {})[LAST_MODIFIED] = self.cache.last_modified
        await self.app(scope, receive, _Recorder(send, self.cache, key, generation))


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
