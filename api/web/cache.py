"""Rendered responses kept in memory per process, and stored in the database for all of them.

Anonymous GETs of public content are answered from memory once rendered: no database round trip,
no serialization and no hashing per request. Each entry carries the surrogate keys of what it
shows (``Surrogate-Key``, see ``api.core.surrogates``) and is dropped when a write changes one of
them: editing one article leaves every other article's entry alone.

A watcher thread per process follows the content and keeps a ``Snapshot`` of what the cache
needs: when the next scheduled publication comes due (the content changes then with no write at
all: everything is dropped) and when the content last changed (``Last-Modified``). It reads the
keys each committed write changed from ``content_change`` and drops their entries. The event
loop only reads the snapshot: it never waits on the database.

- PostgreSQL: the thread LISTENs on ``api.core.surrogates.CONTENT_CHANNEL``; every committed
  write NOTIFYs it. While the listening connection is down nothing is kept in memory.
- SQLite: the thread polls ``PRAGMA data_version`` on a connection of its own, which changes
  whenever any other connection, in any process, commits.

Writes in this process drop their keys right after their commit, so a client always reads its
own writes. Below the memory, ``RepresentationStore`` keeps the rendered bytes of every public
GET in the database, where every process and node finds them: a miss in memory is then one
indexed query, sent from the event loop itself (an async connection pool on PostgreSQL, a
thread on SQLite, where a read may wait for the disk) with no hop to a thread on PostgreSQL.
Stored bodies are compressed with zlib: a third of the bytes to keep in the page cache.
"""

import asyncio
import contextlib
import itertools
import re
import select
import socket
import sqlite3
import threading
import time
import zlib
from abc import ABC, abstractmethod
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import anyio
import orjson
import psycopg
import structlog
from anyio import to_thread
from psycopg_pool import AsyncConnectionPool, PoolTimeout
from sqlalchemy import Table, exists, func, insert, text
from sqlalchemy import select as sql_select
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import SQLAlchemyError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.core import kinds, locales, surrogates
from api.core.bounds import Bounds, breaker_of, cutter, watchdog
from api.core.clock import clock
from api.core.db import READ_FENCE, WRITER
from api.core.surrogates import ALL, ContentChange, Reading, Representation, RepresentationKey
from api.web.commits import CommitCounter
from api.web.http import LAST_MODIFIED, SURROGATE_KEY, not_modified

log = structlog.get_logger(__name__)

# What the watcher reads from the database after each change, in one transaction: the content
# changes committed after the last it read (an id, None at first) in batches of at most the
# given number, the next scheduled publication and when the content last changed.
Follow = Callable[[int | None, int], Reading]
# Told of the keys that changed (from the watcher's thread).
Dropper = Callable[[frozenset[str]], None]


@dataclass(frozen=True, slots=True)
class Snapshot:
    generation: int  # the watcher's generation when it was taken
    seen: int  # the changes observed (NOTIFY, data_version) when it was taken
    horizon: datetime | None  # the next scheduled publication: stale from then on
    last_modified: datetime | None


class Watcher(ABC):
    """Follows content changes in a daemon thread (``_follow``, one per database kind)."""

    poll_seconds = 0.2
    batch = 1000  # content changes read at a time; a watcher further behind drops everything

    def __init__(self, follow: Follow) -> None:
        self._follow_with = follow
        self._changes = itertools.count(1)  # next() is atomic: bumps from any thread
        self._generation = 0
        # Changes noticed in the database (any process's): they call for a new snapshot, but
        # the current one serves meanwhile, as it would have before they were noticed.
        self._observations = itertools.count(1)
        self._seen = 0
        self._refreshing = threading.Lock()  # one refresh at a time: the thread's or a bump's
        self._snapshot: Snapshot | None = None
        self._last_change: int | None = None  # the newest content_change read
        self._connected = False
        self._failing = False
        self.droppers: list[Dropper] = []
        # The node's count of commits (``api.web.commits``; None in a process of its own) and
        # the value of it the last reading of the changes began after.
        self.counter: CommitCounter | None = None
        self._caught_up = 0
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

    def bump(self, keys: frozenset[str]) -> None:
        """This process committed a write: what it changed is stale at once, and the
        snapshot (``Last-Modified``, the next publication) is taken again here, in the
        writer's thread, before its answer goes out: a request waits for it only while it is
        taken, never for the watcher's thread to be scheduled."""
        self._drop(keys)
        self._changed()
        if self._connected:
            self._keep_fresh()
        else:
            self._wake()

    def _drop(self, keys: frozenset[str]) -> None:
        for dropper in self.droppers:
            dropper(keys)

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
        if snapshot is None or not self.serving() or snapshot.generation != self._generation:
            self._wake()
            return None
        return snapshot

    def serving(self) -> bool:
        """Whether what memory holds may be served: the watcher follows the database and no
        scheduled publication has come due. A write in this process may have made the
        snapshot out of date, but it dropped what it changed before its answer went out:
        only a render needs the new snapshot (``fresh``), a hit does not wait for it. Another
        worker of the node may have committed and answered before this watcher heard of it:
        then the commit count is ahead of what was read, and nothing is served from memory
        until it is read."""
        snapshot = self._snapshot
        return (
            snapshot is not None
            and self._connected
            and (snapshot.horizon is None or clock.now() < snapshot.horizon)
            and (self.counter is None or self.counter.read() == self._caught_up)
        )

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

    def _observed(self) -> None:
        self._seen = next(self._observations)

    def _catch_up(self, reading: Reading) -> None:
        """Drops what the content changes committed since the last read name; everything when
        they cannot be known (the first read, or too many to read)."""
        self._last_change = reading.latest
        if reading.changes is None:
            self._drop(frozenset({ALL}))
        elif reading.changes:
            self._drop(frozenset(key for _, keys in reading.changes for key in keys))

    def _keep_fresh(self) -> None:
        with self._refreshing:
            self._refresh()

    def _refresh(self) -> None:
        """Takes a new snapshot when the last one is out of date. The generation is read
        before the database, so a change committed meanwhile leaves the snapshot stale."""
        snapshot, generation, seen = self._snapshot, self._generation, self._seen
        # Read before the database too: every commit it counts is in the reading below.
        counted = self.counter.read() if self.counter is not None else 0
        due = snapshot is not None and snapshot.horizon is not None
        due = due and clock.now() >= snapshot.horizon  # type: ignore[union-attr,operator]
        current = snapshot is not None and (snapshot.generation, snapshot.seen) == (
            generation,
            seen,
        )
        if current and not due and counted == self._caught_up:
            return
        try:
            reading = self._follow_with(self._last_change, self.batch)
        except SQLAlchemyError as exc:
            if not self._failing:
                log.warning("content_snapshot_failed", error=str(exc))
            self._failing, self._snapshot = True, None
            return
        self._catch_up(reading)
        if due:  # a scheduled publication came due: anything may show it
            self._drop(frozenset({ALL}))
        self._failing = False
        self._caught_up = counted
        self._snapshot = Snapshot(generation, seen, reading.horizon, reading.last_modified)
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
                self._last_change = None  # what changed meanwhile is unknown: drop everything
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

    def __init__(self, path: str, follow: Follow, *, poll_seconds: float | None = None) -> None:
        super().__init__(follow)
        self._path = path
        if poll_seconds is not None:
            self.poll_seconds = poll_seconds

    def _watch(self) -> Iterator[None]:
        seen = None
        uri = f"file:{self._path}?mode=rw"  # never creates an empty database in its place
        with contextlib.closing(sqlite3.connect(uri, uri=True, isolation_level=None)) as db_:
            while not self._stopping.is_set():
                (version,) = db_.execute("PRAGMA data_version").fetchone()
                if version != seen:
                    seen = version
                    self._observed()
                yield
                self._sleep()


class PostgresWatcher(Watcher):
    failures = (psycopg.Error,)
    # A LISTEN that hears nothing for this long asks the server whether it is there at all,
    # within the connect bound: a stopped server or a black-holed network is noticed, and
    # memory stops serving what it can no longer know is current.
    heartbeat_seconds = 5.0

    def __init__(
        self,
        conninfo: str,
        follow: Follow,
        *,
        channel: str = surrogates.CONTENT_CHANNEL,
        bounds: Bounds | None = None,
    ):
        super().__init__(follow)
        self._conninfo = conninfo
        self._channel = channel
        self._bounds = bounds or Bounds()

    def _watch(self) -> Iterator[None]:
        kwargs = self._bounds.tcp_args()
        with psycopg.connect(self._conninfo, autocommit=True, **kwargs) as conn:
            conn.execute(f"LISTEN {self._channel}")
            self._changed()  # whatever happened while not listening
            heard = time.monotonic()
            while not self._stopping.is_set():
                yield
                if conn.fileno() in self._sleep(conn.fileno()):
                    heard = time.monotonic()
                    for notify in conn.notifies(timeout=0):
                        # This process's own writes reached it already (``bump``), but the
                        # change is read from the log all the same: it is cheap.
                        del notify
                        self._observed()
                elif time.monotonic() - heard > self.heartbeat_seconds:
                    with watchdog.bounded(conn, self._bounds.connect, cutter(conn)):
                        conn.execute("SELECT 1")
                    heard = time.monotonic()


def make_watcher(
    database_url: str,
    follow: Follow,
    bounds: Bounds | None = None,
    *,
    poll_seconds: float | None = None,
) -> Watcher | None:
    """A watcher for the database, not yet started, or None where none can work (in-memory
    SQLite)."""
    url = make_url(database_url)
    backend = url.get_backend_name()
    if backend == "sqlite":
        if url.database in (None, "", ":memory:"):
            return None
        return SQLiteWatcher(url.database, follow, poll_seconds=poll_seconds)
    if backend == "postgresql":
        conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
        return PostgresWatcher(conninfo, follow, bounds=bounds)
    return None


@dataclass(slots=True)
class Entry:
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes
    etag: bytes
    keys: frozenset[str]


def keys_in(headers: Iterable[tuple[bytes, bytes]]) -> frozenset[str]:
    """The surrogate keys a response names; ALL when it names none (it may show anything)."""
    for name, value in headers:
        if name == SURROGATE_KEY:
            named = frozenset(value.decode("latin-1").split())
            return named or frozenset({ALL})
    return frozenset({ALL})


class ResponseCache:
    """A bounded LRU of rendered responses, each dropped when one of its keys changes."""

    recent = 1024  # drops remembered, so a render that began before one is not kept after it

    def __init__(self, *, max_entries: int, max_bytes: int) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.watcher: Watcher | None = None
        self.store: RepresentationStore | None = None
        self._entries: OrderedDict[tuple[bytes, ...], Entry] = OrderedDict()
        self._by_key: dict[str, set[tuple[bytes, ...]]] = {}
        self._bytes = 0
        self._lock = threading.Lock()
        self._drops = 0
        self._dropped: deque[tuple[int, frozenset[str]]] = deque(maxlen=self.recent)
        self.hits = 0
        self.misses = 0
        self.stored_hits = 0

    fresh_seconds = 0.25  # how long a request waits for the watcher to catch up

    async def snapshot(self) -> Snapshot | None:
        """What the watcher knows now; None while it does not know (nothing is kept then)."""
        watcher = self.watcher
        if watcher is None:
            return None
        return watcher.snapshot() or await watcher.fresh(self.fresh_seconds)

    def serving(self) -> bool:
        """Whether entries may be served from memory now (``Watcher.serving``)."""
        watcher = self.watcher
        return watcher is not None and watcher.serving()

    def mark(self) -> int:
        """Taken before a render: ``put`` keeps it only if nothing it shows changed since."""
        return self._drops

    def get(self, key: tuple[bytes, ...]) -> Entry | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def put(self, key: tuple[bytes, ...], entry: Entry, *, since: int) -> bool:
        size = len(entry.body)
        if self.max_entries == 0 or size > self.max_bytes // 8:
            return False
        with self._lock:
            if self._dropped_since(since, entry.keys):
                return False
            if key in self._entries:
                self._drop(key)
            self._entries[key] = entry
            for name in entry.keys:
                self._by_key.setdefault(name, set()).add(key)
            self._bytes += size
            while len(self._entries) > self.max_entries or self._bytes > self.max_bytes:
                self._drop(next(iter(self._entries)))
        return True

    def _dropped_since(self, since: int, keys: frozenset[str]) -> bool:
        if since == self._drops:
            return False
        if since < self._drops - len(self._dropped):
            return True  # too long ago to tell
        for number, dropped in reversed(self._dropped):
            if number <= since:
                break
            if ALL in dropped or ALL in keys or not keys.isdisjoint(dropped):
                return True
        return False

    def invalidate(self, keys: frozenset[str]) -> None:
        """Drops every entry that shows something ``keys`` name (everything for ALL)."""
        with self._lock:
            self._drops += 1
            self._dropped.append((self._drops, keys))
            if ALL in keys:
                self._entries.clear()
                self._by_key.clear()
                self._bytes = 0
                return
            for name in (*keys, ALL):
                for cached in list(self._by_key.get(name, ())):
                    if cached in self._entries:
                        self._drop(cached)

    def clear(self) -> None:
        self.invalidate(frozenset({ALL}))

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def size(self) -> int:
        return self._bytes

    def _drop(self, key: tuple[bytes, ...]) -> None:
        entry = self._entries.pop(key)
        self._bytes -= len(entry.body)
        for name in entry.keys:
            holders = self._by_key.get(name)
            if holders is not None:
                holders.discard(key)
                if not holders:
                    del self._by_key[name]


# Single resources whose representations are stored: /v1/{collection}/{id or slug}, in their
# default form or one ``?format=``, asked for with no Accept, */* or JSON; the fetch finds the
# resource and its representation in one query.
_STORED_PATH = re.compile(
    rf"^/v1/({'|'.join(kinds.collections(kinds.MAPPED))})/([A-Za-z0-9_-]{{1,200}})$"
)
_STORED_QUERY = re.compile(rb"^(?:format=(json|md|html|txt|csv))?$")
_STORED_ACCEPT = frozenset({b"", b"*/*", b"application/json"})
_TABLES = {kind.collection: kind.name for kind in kinds.MAPPED}
# Anything else public (lists, searches, feeds, a comparison's rows) is a query, stored by its
# path, query string and Accept, as many as ``queries_max`` (the newest).
QUERY = "query"
_LEVEL = 6  # zlib's default: most of the saving, at a fraction of the highest level's time
_QUERY_LONGEST = 1000


@dataclass(frozen=True, slots=True)
class Stored:
    """Where a request's representation is stored."""

    kind: str  # article, role or comparison; or QUERY
    ref: str  # the resource's id or slug; "" for a query
    variant: str  # a resource's query string ("" or format=…); a query's whole request


@dataclass(frozen=True, slots=True)
class Found:
    """What the store said of a request: the newest content change it had seen, the
    resource's id (None: no such resource) and its representation (None: none fresh)."""

    where: Stored
    mark: int
    resource_id: int | None
    entry: Entry | None


class RepresentationStore:
    """The rendered bytes of single resources, in the database, shared by every process.

    ``fetch`` is one indexed query: the resource (by id or slug), its stored representation
    if any, and the newest ``content_change`` id. ``save`` keeps a render only if no change was
    committed since that id: on PostgreSQL it takes a SHARE lock on ``content_change``, which
    waits for a committing writer (it holds the table until its commit, after it has deleted
    the representations it made stale) and makes the next writer wait; SQLite writers are
    serialized anyway. So a stored representation is never older than its keys.
    """

    def __init__(
        self,
        engine: Engine,
        *,
        queries_max: int = 10_000,
        connections: int = 4,
        bounds: Bounds | None = None,
    ) -> None:
        self.engine = engine
        self.postgres = engine.dialect.name == "postgresql"
        self.queries_max = queries_max
        self.connections = connections  # for ``read``: few, short reads need few
        self.bounds = bounds or Bounds()
        # Seconds ``read`` waits for a connection, and for its answer, before the request is
        # rendered instead: one indexed read needs no more than a connection takes to open.
        self.wait = float(self.bounds.connect)
        self.breaker = breaker_of(engine)
        # Told each statement ``read`` sends through the pool (the engine has its own events).
        self.listeners: list[Callable[[str], None]] = []
        self._pool: AsyncConnectionPool[Any] | None = None
        # SQLite: the file ``read`` queries on a read-only connection of its own (None for a
        # database in memory, which only the engine's connections can see).
        self._sqlite_path = None if self.postgres else engine.url.database or None
        self._sqlite: sqlite3.Connection | None = None

    async def open(self) -> None:
        """Opens, in the running event loop, the async pool ``read`` sends its query through
        on PostgreSQL (its connections are made in the background: an outage does not stop
        the start)."""
        if self.postgres:
            url = self.engine.url.set(drivername="postgresql")
            # The server settings (``make_engine`` put them in the URL) as a parameter: a
            # conninfo URL would read the spaces between them as plus signs.
            options = url.query.get("options")
            self._pool = AsyncConnectionPool(
                url.difference_update_query(["options"]).render_as_string(hide_password=False),
                min_size=1,
                max_size=self.connections,
                kwargs={
                    "autocommit": True,
                    "cursor_factory": self._cursor_class(),
                    **self.bounds.tcp_args(),
                    **({"options": options} if options else {}),
                },
                open=False,
            )
            await self._pool.open(wait=False)

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.close()
            self._pool = None
        if self._sqlite is not None:
            self._sqlite.close()
            self._sqlite = None

    def _told(self, statement: str) -> None:
        for listener in self.listeners:
            listener(statement)

    def _cursor_class(self) -> type[psycopg.AsyncCursor[Any]]:
        told = self._told

        class TellingCursor(psycopg.AsyncCursor[Any]):
            async def execute(self, query: Any, *args: Any, **kwargs: Any) -> Any:
                told(str(query))
                return await super().execute(query, *args, **kwargs)

        return TellingCursor

    def address(
        self, path: str, query: bytes, accept: bytes, language: bytes = b""
    ) -> Stored | None:
        """Where the answer to this request is stored: a resource's own representation (the
        default locale's), or a query's (anything else, by path, query, Accept and locale)."""
        matched = _STORED_PATH.match(path)
        if (
            matched is not None
            and accept in _STORED_ACCEPT
            and not language
            and _STORED_QUERY.match(query)
        ):
            return Stored(_TABLES[matched[1]], matched[2], query.decode())
        if self.queries_max == 0 or not path.startswith("/v1/"):
            return None
        variant = path + ("?" + query.decode("latin-1") if query else "")
        if accept not in _STORED_ACCEPT:
            variant += "\naccept: " + accept.decode("latin-1")
        if language:
            variant += "\nlocale: " + language.decode()
        if len(variant) > _QUERY_LONGEST:
            return None
        return Stored(QUERY, "", variant)

    async def read(self, where: Stored) -> Found:
        """``fetch``, from the event loop: with no thread to hop to and back from, a read
        waits for the database and nothing else."""
        sql, parameters = self._fetch_sql(where)
        if self._pool is not None:
            try:
                async with self._pool.connection(timeout=self.wait) as conn:
                    with watchdog.bounded(conn, self.wait, cutter(conn)):
                        query = sql.replace(":", "%(").replace("@", ")s")
                        row = await (await conn.execute(query, parameters)).fetchone()
            except psycopg.OperationalError:
                self.breaker.failed()
                raise
            return self._found(where, row)
        if self._sqlite_path is None or ":memory:" in self._sqlite_path:
            return await to_thread.run_sync(self.fetch, where)
        return self._found(where, self._read_sqlite(sql.replace("@", ""), parameters))

    def _read_sqlite(self, sql: str, parameters: dict[str, Any]) -> Any:
        """One indexed read on the event loop itself. SQLite answers it from pages in memory
        in tens of microseconds, and in WAL mode a reader never waits for a writer; a hop to a
        thread and back costs more than that, and under load the hops (and their fight for
        the GIL) were the slowest requests' time. sqlite3 keeps the statement prepared."""
        if self._sqlite is None:
            self._sqlite = sqlite3.connect(
                f"file:{self._sqlite_path}?mode=rw", uri=True, check_same_thread=False
            )
            self._sqlite.execute("PRAGMA query_only = ON")
        self._told(sql)
        try:
            return self._sqlite.execute(sql, parameters).fetchone()
        except sqlite3.Error:
            self._sqlite.close()  # opened again by the next read
            self._sqlite = None
            raise

    def fetch(self, where: Stored) -> Found:
        """The resource and its stored representation, in one query."""
        sql, parameters = self._fetch_sql(where)
        with self.engine.connect() as conn:
            row = conn.execute(text(sql.replace("@", "")), parameters).first()
            conn.rollback()
        return self._found(where, row)

    def _found(self, where: Stored, row: Any) -> Found:
        if row is None:
            return Found(where, 0, None, None)
        mark, resource_id, status, headers, body, fresh_until = row
        mark = mark or 0
        if status is None or (fresh_until is not None and _aware(fresh_until) <= clock.now()):
            return Found(where, mark, resource_id, None)
        pairs = [(n.encode("latin-1"), v.encode("latin-1")) for n, v in _loads(headers)]
        etag = next((v for n, v in pairs if n == b"etag"), b"")
        try:
            body = zlib.decompress(body)
        except zlib.error:  # not a body this version stored: render it afresh
            log.warning("representation_unreadable", kind=where.kind, variant=where.variant)
            return Found(where, mark, resource_id, None)
        entry = Entry(status, pairs, body, etag, keys_in(pairs))
        return Found(where, mark, resource_id, entry)

    @staticmethod
    def _fetch_sql(where: Stored) -> tuple[str, dict[str, Any]]:
        """The query and its parameters, each written ``:name@``: ``:name`` for SQLite and
        SQLAlchemy, ``%(name)s`` for psycopg (no other colon or @ is in the text)."""
        if where.kind == QUERY:
            sql = (
                "SELECT m.mark, 0, r.status, r.headers, r.body, r.fresh_until"
                " FROM (SELECT max(id) AS mark FROM content_change) AS m"
                " LEFT OUTER JOIN representation AS r"
                " ON r.resource_type = :kind@ AND r.resource_id = 0 AND r.variant = :variant@"
            )
            return sql, {"kind": QUERY, "variant": where.variant}
        # The tables by name (``_TABLES``): this layer knows no domain model.
        by = "id" if where.ref.isdigit() else "slug"
        sql = (
            "SELECT (SELECT max(id) FROM content_change), t.id, r.status, r.headers, r.body,"
            " r.fresh_until"
            f" FROM {where.kind} AS t LEFT OUTER JOIN representation AS r"
            " ON r.resource_type = :kind@ AND r.resource_id = t.id AND r.variant = :variant@"
            f" WHERE t.{by} = :ref@"
        )
        ref: int | str = where.ref
        if by == "id":
            ref = int(where.ref) if len(where.ref) < 19 else -1  # past BIGINT: no such row
        return sql, {"kind": where.kind, "variant": where.variant, "ref": ref}

    def save(self, found: Found, entry: Entry, fresh_until: datetime | None) -> bool:
        """Keeps ``entry`` as ``found``'s representation unless a change was committed after
        the store was read (``found.mark``); whether it did. ``fresh_until``: the next
        scheduled publication, which may change it by the clock alone."""
        if found.resource_id is None:
            return False
        return self.save_many(
            [(found.where, found.resource_id, entry)], mark=found.mark, fresh_until=fresh_until
        )

    def latest(self) -> int:
        """The newest content change: what ``save_many`` is told it rendered after."""
        with self.engine.connect() as conn:
            mark = conn.execute(sql_select(func.max(_table(ContentChange).c.id))).scalar()
            conn.rollback()
        return int(mark or 0)

    def save_many(
        self,
        renders: Sequence[tuple[Stored, int, Entry]],
        *,
        mark: int,
        fresh_until: datetime | None,
    ) -> bool:
        """Keeps every (address, resource id, entry) in one transaction, unless a change was
        committed after ``mark``; whether it did. Entries that may show anything (ALL) are
        never stored."""
        renders = [r for r in renders if ALL not in r[2].keys]
        if not renders:
            return False
        table, keys = _table(Representation), _table(RepresentationKey)
        with (
            self.engine.connect().execution_options(**{WRITER: True}) as conn,
            conn.begin(),
        ):
            if self.postgres:
                conn.execute(text("LOCK TABLE content_change IN SHARE MODE"))
            newer = conn.execute(
                sql_select(exists().where(_table(ContentChange).c.id > mark))
            ).scalar()
            if newer:
                return False
            for (kind, variant), ids in _grouped(renders).items():
                conn.execute(
                    table.delete().where(
                        (table.c.resource_type == kind)
                        & (table.c.variant == variant)
                        & table.c.resource_id.in_(ids)
                    )
                )
            now = clock.now()
            made = (
                conn.execute(
                    insert(table).returning(table.c.id, sort_by_parameter_order=True),
                    [
                        {
                            "resource_type": where.kind,
                            "resource_id": resource_id,
                            "variant": where.variant,
                            "status": entry.status,
                            "headers": [
                                [n.decode("latin-1"), v.decode("latin-1")] for n, v in entry.headers
                            ],
                            "body": zlib.compress(entry.body, _LEVEL),
                            "fresh_until": fresh_until,
                            "stored_at": now,
                        }
                        for where, resource_id, entry in renders
                    ],
                )
                .scalars()
                .all()
            )
            conn.execute(
                insert(keys),
                [
                    {"key": key, "representation_id": stored}
                    for stored, (_, _, entry) in zip(made, renders, strict=True)
                    for key in sorted(entry.keys)
                ],
            )
            if any(where.kind == QUERY for where, _, _ in renders):
                self._bound_queries(conn)
        return True

    def _bound_queries(self, conn: Connection) -> None:
        """Deletes the oldest stored queries beyond ``queries_max`` (their keys cascade)."""
        table = _table(Representation)
        newest_kept = (
            sql_select(table.c.id)
            .where(table.c.resource_type == QUERY)
            .order_by(table.c.id.desc())
            .offset(self.queries_max - 1)
            .limit(1)
            .scalar_subquery()
        )
        stale = sql_select(table.c.id).where(
            table.c.resource_type == QUERY, table.c.id < newest_kept
        )
        conn.execute(
            _table(RepresentationKey)
            .delete()
            .where(_table(RepresentationKey).c.representation_id.in_(stale))
        )
        conn.execute(table.delete().where(table.c.id.in_(stale)))


def _grouped(renders: Sequence[tuple[Stored, int, Entry]]) -> dict[tuple[str, str], list[int]]:
    grouped: dict[tuple[str, str], list[int]] = {}
    for where, resource_id, _ in renders:
        grouped.setdefault((where.kind, where.variant), []).append(resource_id)
    return grouped


def _table(model: Any) -> Table:
    table: Table = model.__table__
    return table


def _loads(headers: Any) -> list[list[str]]:
    loaded: list[list[str]] = orjson.loads(headers) if isinstance(headers, str | bytes) else headers
    return loaded


def _aware(value: datetime | str) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=clock.now().tzinfo)


class CacheMiddleware:
    """Serves anonymous GETs from memory, then from the stored representations, and fills both
    from public 200 responses.

    A response is cached only when the route marked it ``Cache-Control: public``; anything a key
    unlocked is ``private`` and never stored. The key holds every input the body depends on:
    path, query string and Accept (the Vary of every cacheable response). Concurrent misses for
    one key are coalesced: one request renders, the others wait for its bytes.
    """

    coalesce_seconds = 10.0  # how long a miss waits for another's render before its own

    def __init__(self, app: ASGIApp, cache: ResponseCache) -> None:
        self.app = app
        self.cache = cache
        self._rendering: dict[tuple[bytes, ...], asyncio.Event] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] != "GET"
            or b"preview=" in scope["query_string"]  # a preview link: for its holder only
        ):
            await self.app(scope, receive, send)
            return
        accept = accept_language = b""
        if_none_match = if_modified_since = None
        for name, value in scope["headers"]:
            if name == b"authorization":
                await self.app(scope, receive, send)
                return
            if name == b"accept":
                accept = value
            elif name == b"accept-language":
                accept_language = value
            elif name == b"if-none-match":
                if_none_match = value
            elif name == b"if-modified-since":
                if_modified_since = value
        cache = self.cache
        snapshot = None
        if not cache.serving():  # at start, after a failure, when a publication came due
            snapshot = await cache.snapshot()
            if snapshot is None:
                await self.app(scope, receive, send)
                return
        # Answers vary by the locale Accept-Language picks (not by the header's every spelling).
        language = _language(accept_language)
        key = (scope["path"].encode(), scope["query_string"], accept, language)
        entry = cache.get(key)
        if entry is None and key in self._rendering:
            with anyio.move_on_after(self.coalesce_seconds):
                await self._rendering[key].wait()
            entry = cache.get(key)
        if entry is not None:
            cache.hits += 1
            await _replay(entry, if_none_match, if_modified_since, send)
            return
        cache.misses += 1
        since = cache.mark()
        done = self._rendering.setdefault(key, asyncio.Event())
        try:
            store, address = cache.store, None
            if store is not None:
                address = store.address(scope["path"], scope["query_string"], accept, language)
            found: Found | None = None
            if store is not None and address is not None and not store.breaker.open:
                try:
                    found = await store.read(address)
                except (SQLAlchemyError, psycopg.Error, sqlite3.Error, PoolTimeout) as exc:
                    # The render will say what is wrong, if anything is.
                    log.warning("representation_not_read", error=str(exc))
                if found is not None and found.entry is not None:
                    cache.stored_hits += 1
                    cache.put(key, found.entry, since=since)
                    await _replay(found.entry, if_none_match, if_modified_since, send)
                    return
            # A render needs a snapshot that has seen every change this process made. A stored
            # representation did not: a write deletes those it makes stale before it commits,
            # and one read before that commit is not kept (``since``), so it is served while a
            # write's snapshot is retaken, as a hit is.
            snapshot = snapshot or await cache.snapshot()
            if snapshot is None:
                await self.app(scope, receive, send)
                return
            # Taken before the response reads the database: never later than what it renders.
            state = scope.setdefault("state", {})
            state[LAST_MODIFIED] = snapshot.last_modified
            if found is not None:
                # What the render must include: every change committed before the store was
                # read. A read replica serves it only once it has replayed that far.
                state[READ_FENCE] = found.mark
            recorder = _Recorder(send)
            await self.app(scope, receive, recorder)
            rendered = recorder.entry()
            if rendered is None:
                return
            cache.put(key, rendered, since=since)
            if store is not None and found is not None and found.resource_id is not None:
                # After the answer went out: the client does not wait for the store.
                try:
                    await to_thread.run_sync(store.save, found, rendered, snapshot.horizon)
                except SQLAlchemyError as exc:  # another process stored it first, or a failure:
                    log.warning("representation_not_stored", error=str(exc))  # the next miss will
        finally:
            if self._rendering.get(key) is done:
                del self._rendering[key]
            done.set()


def _language(accept_language: bytes) -> bytes:
    """The locale ``Accept-Language`` picks, when it is not the default; b"" otherwise."""
    if not accept_language or not locales.several():
        return b""
    picked = locales.negotiate(None, accept_language.decode("latin-1"))
    return b"" if picked == locales.default() else picked.encode()


class _Recorder:
    __slots__ = ("body", "headers", "send", "status", "storable")

    def __init__(self, send: Send) -> None:
        self.send = send
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
        await self.send(message)

    def entry(self) -> Entry | None:
        """What was sent, if it may be kept."""
        if not self.storable:
            return None
        etag = next((v for n, v in self.headers if n == b"etag"), None)
        if etag is None:
            return None
        return Entry(self.status, self.headers, b"".join(self.body), etag, keys_in(self.headers))


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
