"""Following the content from a thread per process: which keys each committed write changed
(``content_change``, woken by NOTIFY on PostgreSQL, by ``PRAGMA data_version`` on SQLite), the
next scheduled publication and when the content last changed (a ``Snapshot``). The event loop
only reads the snapshot: it never waits on the database."""

import asyncio
import contextlib
import itertools
import select
import socket
import sqlite3
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import anyio
import psycopg
import structlog
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from api.core import surrogates
from api.core.bounds import Bounds, cutter, watchdog
from api.core.clock import clock
from api.core.surrogates import ALL, Reading
from api.web.commits import CommitCounter

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
    # A round (wait, then read what changed) that has not ended for this long means the
    # thread is starved of the CPU or stuck in the database: memory stops serving until it
    # ends one, so nothing it holds is older than this (``serving``; FOLIO_WATCH_STALE_SECONDS).
    stale_seconds = 1.0

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
        # Called on the event loop after each new snapshot (the change streams' wake-up).
        self.listeners: list[Callable[[], None]] = []
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
        self._round_ended = time.monotonic()  # when the thread last ended a round
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
            and self.lag() < self.stale_seconds
            and (snapshot.horizon is None or clock.now() < snapshot.horizon)
            and (self.counter is None or self.counter.read() == self._caught_up)
        )

    def lag(self) -> float:
        """Seconds since the thread last ended a round: at most a poll and a reading while
        it keeps up (the metric ``folio_cache_watch_lag_seconds``)."""
        return max(0.0, time.monotonic() - self._round_ended - self.poll_seconds)

    async def fresh(self, timeout: float) -> Snapshot | None:
        """The current snapshot, waiting up to ``timeout`` for the thread to take one when it
        is out of date (right after a write, say) rather than passing the cache by; None at
        once while the database cannot be read."""
        snapshot = self.snapshot()
        if (
            snapshot is not None
            or self._loop is None
            or self._failing
            or not self._connected
            or self.lag() >= self.stale_seconds  # a thread that far behind is not waited for
        ):
            return snapshot
        with anyio.move_on_after(timeout):
            while snapshot is None:
                await self._published.wait()
                snapshot = self.snapshot()
        return snapshot

    def _announce(self) -> None:
        # On the event loop: wakes every request waiting in ``fresh``, and the listeners.
        published, self._published = self._published, asyncio.Event()
        published.set()
        for listener in self.listeners:
            listener()

    def horizon(self) -> datetime | None:
        """The next scheduled publication, as the last snapshot knew it."""
        snapshot = self._snapshot
        return snapshot.horizon if snapshot is not None else None

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
                    self._round_ended = time.monotonic()
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
                        # This process's own writes were read in the writer's thread before
                        # its answer went out (``bump``): another reading would find nothing
                        # new and cost the database a statement.
                        if notify.payload != surrogates.origin():
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
