"""Rendered responses stored in the database for every process and node
(``RepresentationStore``): a miss in memory is one indexed query, sent from the event loop (an
async pool on PostgreSQL, where the misses that arrive together share one statement; the
file itself on SQLite); bodies are kept compressed with zlib. A render is kept only if no
change was committed since the read it started from."""

import asyncio
import re
import sqlite3
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
import psycopg
import structlog
from anyio import to_thread
from psycopg_pool import AsyncConnectionPool
from sqlalchemy import Table, exists, func, insert, text
from sqlalchemy import select as sql_select
from sqlalchemy.engine import Connection, Engine

from api.core import kinds
from api.core.bounds import Bounds, breaker_of, cutter, watchdog
from api.core.clock import clock
from api.core.db import WRITER
from api.core.surrogates import ALL, ContentChange, Representation, RepresentationKey
from api.web.entry import Entry, keys_in

log = structlog.get_logger(__name__)

# Single resources whose representations are stored: /v1/{collection}/{id or slug}, in their
# default form or one ``?format=``, asked for with no Accept, */* or JSON; the fetch finds the
# resource and its representation in one query.
_STORED_PATH = re.compile(
    rf"^/v1/({'|'.join(kinds.collections(kinds.MAPPED))})/([A-Za-z0-9_-]{{1,200}})$"
)


_STORED_QUERY = re.compile(rb"^(?:format=(json|md|html|txt|csv))?$")


_STORED_ACCEPT = frozenset({b"", b"*/*", b"application/json"})


_TABLES = {kind.collection: kind.name for kind in kinds.MAPPED}


# Anything else public (lists, searches, feeds, a comparison's rows, a GraphQL query by GET)
# is a query, stored by its path, query string and Accept, as many as ``queries_max`` (the
# newest).
QUERY = "query"


_GRAPHQL = "/graphql"


_LEVEL = 6  # zlib's default: most of the saving, at a fraction of the highest level's time


_QUERY_LONGEST = 1000


# The most misses one PostgreSQL statement reads (``RepresentationStore.read``).
_BATCH_MOST = 64


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
        # PostgreSQL: the misses waiting for a statement, and the tasks sending them (one per
        # connection at most; ``read``).
        self._waiting: list[tuple[Stored, asyncio.Future[Found]]] = []
        self._sending = 0
        self._senders: set[asyncio.Task[None]] = set()

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
        if self.queries_max == 0 or not (path.startswith("/v1/") or path == _GRAPHQL):
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
        waits for the database and nothing else.

        On PostgreSQL the misses that arrive while a statement is in flight go together in the
        next one (``_BATCH_MOST`` at most), so under load a miss costs a share of one round
        trip, one statement and one wake-up of the server, not one of each (measured: from
        2,000 to 4,300 misses a second on two cores, p99 from 28 to 14 ms; bench/PROFILE.md);
        alone, a miss is sent at once and waits for nothing.
        (Written here because psycopg's pool hands out connections, not batches; its
        pipeline mode still sends and plans one statement a miss.)"""
        if self._pool is not None:
            waiter: asyncio.Future[Found] = asyncio.get_running_loop().create_future()
            self._waiting.append((where, waiter))
            # One statement in flight gathers the most misses for the next; a second is
            # sent beside it only when more are waiting than one statement reads.
            senders = self._sending
            if not senders or (
                senders < self.connections and len(self._waiting) > _BATCH_MOST * senders
            ):
                self._sending += 1  # given back by the sender when it finds nothing waiting
                sender = asyncio.create_task(self._send_waiting())
                self._senders.add(sender)  # the loop keeps only a weak reference to a task
                sender.add_done_callback(self._senders.discard)
            return await waiter
        sql, parameters = self._fetch_sql(where)
        if self._sqlite_path is None or ":memory:" in self._sqlite_path:
            return await to_thread.run_sync(self.fetch, where)
        return self._found(where, self._read_sqlite(sql.replace("@", ""), parameters))

    async def _send_waiting(self) -> None:
        """Reads what is waiting, a batch at a time, until nothing is; each miss is told its
        answer, or the error that stopped its batch."""
        try:
            while self._waiting:
                batch = self._waiting[:_BATCH_MOST]
                del self._waiting[:_BATCH_MOST]
                try:
                    answers = await self._read_batch([where for where, _ in batch])
                except asyncio.CancelledError:  # the process is stopping
                    for _, waiter in batch:
                        waiter.cancel()
                    raise
                except Exception as exc:  # each miss's request decides what to do with it
                    if isinstance(exc, psycopg.OperationalError):
                        self.breaker.failed()
                    for _, waiter in batch:
                        if not waiter.done():
                            waiter.set_exception(exc)
                    continue
                for (_, waiter), found in zip(batch, answers, strict=True):
                    if not waiter.done():  # its request may have gone (a client that left)
                        waiter.set_result(found)
        finally:
            # In the same step as the last look at ``_waiting``: a miss that comes after
            # it sees no sender and starts one.
            self._sending -= 1

    async def _read_batch(self, batch: list[Stored]) -> list[Found]:
        """Every address in ``batch``, one statement per kind of address, on one connection."""
        assert self._pool is not None
        rows: dict[int, Any] = {}
        groups: dict[tuple[str, str], list[int]] = {}
        for n, where in enumerate(batch):
            by = "" if where.kind == QUERY else "id" if where.ref.isdigit() else "slug"
            groups.setdefault((where.kind, by), []).append(n)
        async with self._pool.connection(timeout=self.wait) as conn:
            with watchdog.bounded(conn, self.wait, cutter(conn)):
                for (kind, by), members in groups.items():
                    sql, parameters = self._batch_sql(kind, by, [batch[n] for n in members])
                    cursor = await conn.execute(sql, parameters, prepare=True, binary=True)
                    for row in await cursor.fetchall():
                        rows[members[row[0] - 1]] = row[1:]
        return [self._found(where, rows.get(n)) for n, where in enumerate(batch)]

    @staticmethod
    def _batch_sql(kind: str, by: str, batch: list[Stored]) -> tuple[str, dict[str, Any]]:
        """``_fetch_sql`` for many addresses of one kind (PostgreSQL): each row starts with
        its address's place in ``batch`` (from 1); an address with no resource has no row. The
        lateral subquery makes each address one index lookup, whatever the plan's estimate."""
        variants = [where.variant for where in batch]
        columns = "r.status, r.headers, r.body, r.fresh_until"
        if kind == QUERY:
            sql = (
                "SELECT q.n, (SELECT max(id) FROM content_change), 0, x.*"
                " FROM unnest(%(variants)s::text[]) WITH ORDINALITY AS q(variant, n)"
                f" LEFT JOIN LATERAL (SELECT {columns} FROM representation AS r"
                " WHERE r.resource_type = %(kind)s AND r.resource_id = 0"
                " AND r.variant = q.variant LIMIT 1) AS x ON true"
            )
            return sql, {"kind": QUERY, "variants": variants}
        refs: list[Any] = [where.ref for where in batch]
        if by == "id":  # past BIGINT: no such row
            refs = [int(ref) if len(ref) < 19 else -1 for ref in refs]
        sql = (
            "SELECT q.n, (SELECT max(id) FROM content_change), x.*"
            f" FROM unnest(%(refs)s::{'bigint' if by == 'id' else 'text'}[], %(variants)s::text[])"
            " WITH ORDINALITY AS q(ref, variant, n)"
            f" CROSS JOIN LATERAL (SELECT t.id, {columns} FROM {kind} AS t"
            " LEFT OUTER JOIN representation AS r ON r.resource_type = %(kind)s"
            " AND r.resource_id = t.id AND r.variant = q.variant"
            f" WHERE t.{by} = q.ref LIMIT 1) AS x"
        )
        return sql, {"kind": kind, "refs": refs, "variants": variants}

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
