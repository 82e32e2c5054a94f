"""The response cache's middleware: rendered responses kept in memory per process, and stored
in the database for all of them. Its parts, each in a module of its own: the watcher thread
(``api.web.watcher``), the memory (``api.web.memory``), the database store
(``api.web.store``) and the entry they share (``api.web.entry``).

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
import sqlite3
from collections.abc import Callable

import anyio
import psycopg
import structlog
from anyio import to_thread
from psycopg_pool import PoolTimeout
from sqlalchemy.exc import SQLAlchemyError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.core import locales
from api.core.db import READ_FENCE
from api.web.entry import Entry, keys_in
from api.web.http import LAST_MODIFIED, not_modified
from api.web.memory import ResponseCache
from api.web.store import Found

log = structlog.get_logger(__name__)


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
            recorder = _Recorder(send, lambda: self._release(key, done))
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
            self._release(key, done)

    def _release(self, key: tuple[bytes, ...], done: asyncio.Event) -> None:
        """The misses waiting for this render go on: it is over, or what it sends will not be
        kept (an error, a private answer, a change stream that never ends), so it is nothing
        to wait for."""
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
    __slots__ = ("body", "headers", "send", "status", "storable", "unstorable")

    def __init__(self, send: Send, unstorable: Callable[[], None]) -> None:
        self.send = send
        self.unstorable = unstorable  # told as soon as the answer's head shows it is not kept
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
            if not self.storable:
                self.unstorable()
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
