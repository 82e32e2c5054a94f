"""The database: engines and sessions (the portable column types are ``api.core.columns``).

``make_engine`` is the one place that knows about dialects.
"""

import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import ORMExecuteState
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, create_engine

# The session listeners that name what each transaction read and changed, in every process
# that opens a session.
from api.core import surrogates as _surrogates
from api.core.bounds import Bounds, DatabaseUnavailable
from api.core.bounds import install as install_bounds
from api.core.config import get_settings


def make_engine(
    url: str, *, pool_size: int = 10, pool_timeout: float = 10.0, bounds: Bounds | None = None
) -> Engine:
    """An engine whose pool holds ``pool_size`` connections, as many again on overflow, and
    whose every wait on the database is bounded (``api.core.bounds``; the settings' bounds,
    ``Settings.db_bounds``, unless given)."""
    if bounds is None:
        bounds = get_settings().db_bounds()
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        in_memory = parsed.database in (None, "", ":memory:")
        pool: dict[str, Any] = (
            {"poolclass": StaticPool}
            if in_memory
            else {"pool_size": pool_size, "max_overflow": pool_size, "pool_timeout": pool_timeout}
        )
        # The wait for the writer's lock is the statement's bound.
        busy = bounds.statement if bounds.statement is not None else 30.0
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": busy}, **pool
        )
        _configure_sqlite(engine, busy)
    elif parsed.get_backend_name() == "postgresql":
        existing = parsed.query.get("options")
        options = bounds.options(existing if isinstance(existing, str) else None)
        if options is not None:  # in the URL: the representation store's pool reads it too
            parsed = parsed.update_query_dict({"options": options})
        engine = create_engine(
            parsed,
            pool_size=pool_size,
            max_overflow=pool_size,
            pool_timeout=pool_timeout,
            pool_pre_ping=True,
            connect_args=bounds.tcp_args(),
        )
    else:
        raise ValueError(
            f"unsupported database: {parsed.get_backend_name()} (use sqlite or postgresql)"
        )
    install_bounds(engine, bounds)
    return engine


def _configure_sqlite(engine: Engine, busy: float) -> None:
    # pysqlite's own transaction handling breaks SAVEPOINT and transactional DDL; SQLAlchemy's
    # documented recipe turns it off and emits BEGIN itself.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy * 1000)}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # A writer takes the lock when it begins, so a concurrent writer waits its turn
        # (busy_timeout) instead of failing later on a snapshot that another commit made stale.
        writer = connection.get_execution_options().get(WRITER, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writer else "BEGIN")


WRITER = "folio_writer"


def begin_write(session: Session) -> None:
    """Starts the session's transaction as a writer (see ``_configure_sqlite``).

    Services that write call it first. A transaction that only read so far (a dependency
    looked up the API key, say) is ended first, so the write does not build on a snapshot that
    may already be stale; one that has written is the caller's, and is left as it is.
    """
    if session.in_transaction():
        if session.new or session.dirty or session.deleted or session.info.get(_CHANGED):
            return
        session.commit()
    started = time.perf_counter()
    try:
        session.connection(execution_options={WRITER: True})
    finally:  # a wait that ran out is told too
        waited = time.perf_counter() - started
        for told in write_waits:
            told(waited)


# Told how long each write waited for its connection (the pool's wait, bounded by
# FOLIO_DB_POOL_TIMEOUT) and, on SQLite, for the writer's lock (FOLIO_DB_STATEMENT_TIMEOUT):
# ``/metrics``' folio_db_write_wait_seconds.
write_waits: list[Callable[[float], None]] = []


def transaction_memo(session: Session, name: str) -> dict[Any, Any]:
    """A dict named ``name`` that lasts as long as the session's current transaction: what a
    write reads twice (before and after changing a row) is read once, and never from an
    earlier transaction whose snapshot may be stale. It holds its values strongly, where the
    session's identity map lets go of rows nothing else holds. Outside a transaction there is
    nothing to keep: a new dict each time, so that two transactions never share one."""
    transaction = session.get_transaction()
    if transaction is None:
        return {}
    held = session.info.get(name)
    if held is None or held[0] is not transaction:
        held = session.info[name] = (transaction, {})
    memo: dict[Any, Any] = held[1]
    return memo


def open_session(engine: Engine) -> Session:
    return Session(engine, expire_on_commit=False)


# In a request's ASGI state: the newest content change its answer must show (the response
# cache's ``found.mark``), for ``ReadReplica``.
READ_FENCE = "folio_read_fence"
# Anonymous reads a replica may answer: content only (a rendition of an asset is written when
# first asked for, and keys, webhooks and the trash need a key anyway).
REPLICA_ROUTES = ("/v1/articles", "/v1/roles", "/v1/comparisons", "/v1/authors", "/v1/tags",
                  "/v1/search", "/v1/feeds", "/v1/changes")  # fmt: skip


class ReadReplica:
    """A streaming replica (``FOLIO_READ_DATABASE_URL``) that answers anonymous reads of
    content, only when it is fresh enough: its session is used once the replica's newest
    ``content_change`` is at least the request's fence (every change committed before the
    response cache looked the request up), checked by the session's first statement. A
    replica that lags answers nothing (the primary does), so nobody reads older content than
    the primary would have shown them, and a client reads its own writes. A replica that does
    not answer is left alone for ``RETRY_SECONDS``."""

    RETRY_SECONDS = 5.0

    def __init__(self, url: str, *, pool_size: int) -> None:
        bounds = replace(get_settings().db_bounds(), connect=2)
        self.engine = make_engine(url, pool_size=pool_size, pool_timeout=1.0, bounds=bounds)
        self._down_until = 0.0
        self.answered = 0  # reads the replica answered
        self.declined = 0  # reads it was asked for and could not take (lagging or down)

    def session(self, fence: int) -> Session | None:
        """A session on the replica that sees change ``fence``, or None."""
        if time.monotonic() < self._down_until:
            self.declined += 1
            return None
        session = open_session(self.engine)
        try:
            newest = "SELECT max(id) FROM content_change"
            seen = session.connection().exec_driver_sql(newest).scalar()
        except SQLAlchemyError:
            session.close()
            self._down_until = time.monotonic() + self.RETRY_SECONDS
            self.declined += 1
            return None
        if seen is None or seen < fence:
            session.close()
            self.declined += 1
            return None
        self.answered += 1
        return session


def _replica_session(request: Request) -> Session | None:
    replica: ReadReplica | None = getattr(request.app.state, "replica", None)
    fence = request.scope.get("state", {}).get(READ_FENCE)
    if (
        replica is None
        or fence is None
        or request.method != "GET"
        or "authorization" in request.headers
        or not request.url.path.startswith(REPLICA_ROUTES)
    ):
        return None
    return replica.session(fence)


def get_session(request: Request) -> Iterator[Session]:
    # Only opens and closes: services commit their own writes, before the response is sent.
    # ``app.state.sessions`` makes them (``create_app``; tests hand in one of their own); an
    # anonymous read may go to the read replica.
    replica = _replica_session(request)
    if replica is None and not request.app.state.breaker.allow():
        # It failed a moment ago: no wait for it to fail again.
        raise DatabaseUnavailable("the database failed a moment ago")
    with replica if replica is not None else request.app.state.sessions() as session:
        if request.method == "GET":
            # What the response shows, for its Surrogate-Key (``api.web.http.represent``).
            request.state.folio_surrogate_keys = _surrogates.track_reads(session)
        yield session
        end_read(session)


def end_read(session: Session) -> None:
    """Ends a transaction that only read with a COMMIT rather than the ROLLBACK closing would
    send: the same for the database, but psycopg forgets every statement it has prepared on
    the connection at a rollback (one could have used what the rollback undid), so reads
    that end that way are planned afresh every time. A transaction that wrote and did not
    commit is left to the rollback."""
    if (
        session.in_transaction()
        and not session.info.get(_CHANGED)
        and not (session.new or session.dirty or session.deleted)
    ):
        session.commit()


# Closed as soon as the route returns (its response is rendered bytes by then), so the
# connection goes back to the pool before the answer is sent.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]


# Whether the session's transaction has written anything (``begin_write``). What it changed,
# and who is told, is ``api.core.surrogates``.
_CHANGED = "folio_content_changed"


@event.listens_for(Session, "after_flush")
def _mark_flush(session: Session, _flush_context: Any) -> None:
    if session.new or session.dirty or session.deleted:
        session.info[_CHANGED] = True


@event.listens_for(Session, "do_orm_execute")
def _mark_execute(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info[_CHANGED] = True


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget_changed(session: Session) -> None:
    session.info.pop(_CHANGED, None)
