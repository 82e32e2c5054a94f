"""Every wait on the database is bounded, so a database that stops answering (a frozen
primary, a black-holed network) costs a request a 503 within seconds, never a hung thread.

- A connection is opened within ``Bounds.connect`` seconds (libpq's ``connect_timeout``); its
  TCP connection has keepalives and a user timeout, so a peer that vanished is noticed.
- PostgreSQL cancels a statement after ``Bounds.statement`` seconds (``statement_timeout``),
  and SQLite gives up waiting for the writer's lock after as long (``busy_timeout``).
- Those are the server's and the kernel's bounds; a server that is stopped enforces none of
  them, and its kernel still acknowledges every packet. So the ``Watchdog`` bounds each wait
  from this side too: a statement, commit or rollback still waiting a second after
  ``Bounds.statement`` (a health ping after ``Bounds.connect``), or a request's connection held
  past ``Bounds.hold``, is cut: its socket is shut down (SQLite: interrupted), the wait ends
  with a disconnect error, and the pool throws the connection away.
- A connection cut from this side may live on on the server, inside a transaction and
  holding its locks (a black-holed network: the server never hears of the cut), until
  ``idle_in_transaction_session_timeout`` ends it. So the backend of every PostgreSQL
  connection thrown away is remembered, and the next connection opened ends it
  (``pg_terminate_backend``, if it is still the same backend): writes go on as soon as the
  database answers again, not a hold later.
- A ``Breaker`` remembers that the database just failed: for ``Breaker.pause`` seconds a
  request is refused at once (503) instead of waiting out the bounds again, while one request
  at a time tries the database and closes the breaker when it answers.

Written here because neither SQLAlchemy nor psycopg bounds a wait on a server that has
stopped (psycopg's own wait has no deadline), and a circuit breaker fed by engine events
from every thread does not fit the call-wrapping breakers packages offer.
"""

import os
import socket
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

GRACE_SECONDS = 1.0  # the server's own timeout gets this long to answer before the cut
ORPHANS_KEPT = 256  # backends of connections thrown away, remembered to be ended (the last)


@dataclass(frozen=True, slots=True)
class Bounds:
    """How long the database may keep a process waiting (``Settings.db_bounds``)."""

    connect: int = 5  # seconds to open a connection (libpq counts whole seconds, at least 2)
    statement: float | None = 10.0  # seconds a statement may run; None: unbounded (migrations)
    hold: float | None = None  # seconds a checkout may last (a request's), None: unbounded

    def tcp_args(self) -> dict[str, Any]:
        """libpq parameters of every PostgreSQL connection: how long to connect, and how soon
        a peer that vanished is noticed (about 10 s of silence), or data it does not
        acknowledge fails the connection (the statement's bound)."""
        return {
            "connect_timeout": self.connect,
            "keepalives": 1,
            "keepalives_idle": 5,
            "keepalives_interval": 2,
            "keepalives_count": 3,
            "tcp_user_timeout": int(1000 * ((self.statement or 30) + GRACE_SECONDS)),
        }

    def options(self, existing: str | None) -> str | None:
        """The server settings for a connection's ``options`` (after ``existing``, the URL's
        own): the statement bound, and for a request's connection, the hold."""
        settings = [existing] if existing else []
        if self.statement is not None:
            settings.append(f"-c statement_timeout={int(self.statement * 1000)}")
        if self.hold is not None:
            settings.append(f"-c idle_in_transaction_session_timeout={int(self.hold * 1000)}")
        return " ".join(settings) or None


def cutter(dbapi_connection: Any) -> Callable[[], None]:
    """How to end a wait on ``dbapi_connection`` from another thread."""
    interrupt = getattr(dbapi_connection, "interrupt", None)
    if interrupt is not None:  # sqlite3
        return interrupt  # type: ignore[no-any-return]

    def shut() -> None:
        # psycopg (sync or async): shutting the socket down wakes whoever waits on it with an
        # end of file, on this side, whatever the server does.
        with suppress(Exception):
            fd = dbapi_connection.pgconn.socket
            with socket.socket(fileno=os.dup(fd)) as duplicate:
                duplicate.shutdown(socket.SHUT_RDWR)

    return shut


class Watchdog:
    """One daemon thread per process that cuts the waits that ran past their deadline.

    A cut runs under the lock that ``disarm`` takes, and a connection is disarmed before it is
    closed (the pool's ``close`` and ``invalidate`` events): a cut never reaches a socket
    number the system has given to something else since."""

    def __init__(self) -> None:
        self._armed: dict[int, tuple[float, Callable[[], None]]] = {}
        self._wake = threading.Condition()
        self._pid = 0
        self._next = float("inf")  # when the thread wakes next
        self.cuts = 0  # waits cut, for /metrics

    def arm(self, token: object, deadline: float, cut: Callable[[], None]) -> None:
        with self._wake:
            self._armed[id(token)] = (deadline, cut)
            if self._pid != os.getpid():  # first use in this process (or after a fork)
                self._pid = os.getpid()
                threading.Thread(target=self._run, name="folio-watchdog", daemon=True).start()
            if deadline < self._next:  # otherwise the thread wakes in time anyway
                self._wake.notify()

    def disarm(self, token: object) -> None:
        with self._wake:
            self._armed.pop(id(token), None)

    @contextmanager
    def bounded(self, token: object, seconds: float, cut: Callable[[], None]) -> Iterator[None]:
        self.arm(token, time.monotonic() + seconds, cut)
        try:
            yield
        finally:
            self.disarm(token)

    def _run(self) -> None:
        with self._wake:
            while True:
                now = time.monotonic()
                for token, (deadline, cut) in list(self._armed.items()):
                    if deadline <= now:
                        del self._armed[token]
                        self.cuts += 1
                        cut()
                self._next = min((d for d, _ in self._armed.values()), default=now + 60)
                self._wake.wait(max(self._next - now, 0.01))


watchdog = Watchdog()


class DatabaseUnavailable(Exception):
    """The breaker is open: the database failed a moment ago (answered 503, as its errors)."""


# What a database that is down, unreachable, cut off or out of connections raises: worth a
# retry (503 for a request; the next round for a worker).
UNAVAILABLE: tuple[type[Exception], ...] = (
    OperationalError,
    InterfaceError,
    PoolTimeout,
    DatabaseUnavailable,
)


class Breaker:
    """Whether requests should try the database now (see the module's docstring)."""

    pause = 2.0  # seconds refused at once after a failure
    trial = 15.0  # how long one trial may take before another request may try

    def __init__(self) -> None:
        self._until = 0.0
        self._failing = False
        self.refused = 0  # requests refused at once, for /metrics

    def allow(self) -> bool:
        if not self._failing:
            return True
        now = time.monotonic()
        if now < self._until:
            self.refused += 1
            return False
        self._until = now + self.trial  # this request tries; the others are refused meanwhile
        return True

    def failed(self) -> None:
        self._failing, self._until = True, time.monotonic() + self.pause

    def succeeded(self) -> None:
        if self._failing:
            self._failing, self._until = False, 0.0

    @property
    def open(self) -> bool:
        return self._failing


_BREAKERS: "weakref.WeakKeyDictionary[Engine, Breaker]" = weakref.WeakKeyDictionary()


def breaker_of(engine: Engine) -> Breaker:
    breaker = _BREAKERS.get(engine)
    if breaker is None:
        breaker = _BREAKERS[engine] = Breaker()
    return breaker


_PID = "folio_backend_pid"


def install(engine: Engine, bounds: Bounds) -> None:
    """Puts the watchdog over every wait of ``engine``'s connections and feeds its breaker."""
    breaker = breaker_of(engine)
    dialect = engine.dialect
    statement_cut = None if bounds.statement is None else bounds.statement + GRACE_SECONDS

    def after(dbapi_connection: Any, hold_until: float | None) -> None:
        if hold_until is None:
            watchdog.disarm(dbapi_connection)
        else:
            watchdog.arm(dbapi_connection, hold_until, cutter(dbapi_connection))

    def bounded_call(method: Callable[..., Any], seconds: float | None) -> Callable[..., Any]:
        def call(target: Any, *args: Any, **kwargs: Any) -> Any:
            # ``target``: a DBAPI connection, a pool's proxy of one, or a cursor.
            dbapi_connection = getattr(target, "dbapi_connection", None) or getattr(
                target, "connection", target
            )
            hold_until = _holds.get(id(dbapi_connection))
            deadline = None if seconds is None else time.monotonic() + seconds
            if hold_until is not None:
                deadline = hold_until if deadline is None else min(deadline, hold_until)
            if deadline is None:
                return method(target, *args, **kwargs)
            watchdog.arm(dbapi_connection, deadline, cutter(dbapi_connection))
            try:
                return method(target, *args, **kwargs)
            finally:
                after(dbapi_connection, hold_until)

        return call

    # Instance attributes: the dialect's methods every statement, commit, rollback and
    # pre-ping goes through, each within its bound.
    for name in ("do_execute", "do_executemany", "do_execute_no_params", "do_commit",
                 "do_rollback"):  # fmt: skip
        setattr(dialect, name, bounded_call(getattr(dialect, name), statement_cut))
    dialect.do_ping = bounded_call(dialect.do_ping, float(bounds.connect))  # type: ignore[method-assign]

    # Which connections a request holds, and until when (``Bounds.hold``).
    _holds: dict[int, float] = {}

    @event.listens_for(engine, "checkout")
    def _checkout(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        if bounds.hold is not None:
            _holds[id(dbapi_connection)] = hold_until = time.monotonic() + bounds.hold
            watchdog.arm(dbapi_connection, hold_until, cutter(dbapi_connection))

    @event.listens_for(engine, "checkin")
    @event.listens_for(engine, "close")
    @event.listens_for(engine, "close_detached")
    @event.listens_for(engine, "soft_invalidate")  # closed properly later: no orphan
    def _released(dbapi_connection: Any, *_: Any) -> None:
        if dbapi_connection is not None:
            _holds.pop(id(dbapi_connection), None)
            watchdog.disarm(dbapi_connection)

    @event.listens_for(engine, "invalidate")
    def _invalidated(dbapi_connection: Any, record: Any, _exception: Any) -> None:
        _released(dbapi_connection)
        pid = record.info.get(_PID) if record is not None else None
        if pid:
            with orphans_lock:
                orphans.append((pid, time.time()))
                del orphans[:-ORPHANS_KEPT]

    # Backends of connections thrown away (pid, when), ended by the next connection opened.
    orphans: list[tuple[int, float]] = []
    orphans_lock = threading.Lock()

    @event.listens_for(engine, "connect")
    def _reap(dbapi_connection: Any, record: Any) -> None:
        if dialect.name != "postgresql":
            return
        # Known now: libpq forgets it once the connection is lost.
        record.info[_PID] = dbapi_connection.info.backend_pid
        if not orphans:
            return
        with orphans_lock:
            reaped, orphans[:] = orphans[:], []
        try:
            with dbapi_connection.cursor() as cursor:
                # A pid the server has given to a newer backend since is left alone.
                cursor.execute(
                    "SELECT pg_terminate_backend(a.pid) FROM pg_stat_activity a"
                    " JOIN unnest(%s::int[], %s::float8[]) AS o(pid, cut) ON a.pid = o.pid"
                    " WHERE a.backend_start < to_timestamp(o.cut)"
                    " AND a.usename = current_user AND a.pid <> pg_backend_pid()",
                    ([pid for pid, _ in reaped], [cut for _, cut in reaped]),
                )
            dbapi_connection.commit()
        except Exception:  # the next connection tries again
            with suppress(Exception):
                dbapi_connection.rollback()
            with orphans_lock:
                orphans[:0] = reaped
                del orphans[:-ORPHANS_KEPT]

    @event.listens_for(engine, "handle_error")
    def _failed(context: Any) -> None:
        # Lost, cut or not opened. A pooled connection that fails its ping is replaced by a
        # new one at once: only if that fails too is the database down.
        if context.is_pre_ping:
            return
        if context.is_disconnect or context.connection is None:
            breaker.failed()

    @event.listens_for(engine, "after_cursor_execute")
    def _answered(*_: Any) -> None:
        breaker.succeeded()
