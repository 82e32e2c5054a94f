"""A database that stops answering without going away: every route answers 503 (with
Retry-After) within the documented bound, ``/readyz`` within its own, ``/healthz`` stays 200,
and the API, the webhook worker and the purger carry on by themselves once it answers again.

On PostgreSQL the database is a private cluster of the test's own, frozen two ways: its
processes stopped by SIGSTOP (the kernel still acknowledges every packet, so no TCP timeout
fires), and a relay in front of it that goes on accepting and acknowledging but forwards
nothing (a black-holed network: the connections open then are dead for good). On SQLite the
database does not freeze, but its writer's lock can be held by another process: reads go on,
and writes answer 503 within the statement bound.
"""

import glob
import os
import pwd
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import httpx2 as httpx
import pytest
from sqlalchemy import make_url
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, select, text

from api.articles.models import Article
from api.core.bounds import Bounds
from api.core.db import begin_write, make_engine
from api.purge.models import PurgeCursor
from api.seed import load_seeds
from tests.conftest import (
    SEED,
    Database,
    _backend,
    eventually,
    free_port,
    make_token,
    migrate,
    running_server,
    seeded_database,
)
from tests.helpers import Relay
from tests.purge.test_purge import Cache, caches  # noqa: F401 (a fixture)

POSTGRES = _backend() == "postgresql"
KINDS = ["stopped", "black-holed"] if POSTGRES else ["locked"]

# Short bounds, so that the test waits seconds, not tens of them.
CONNECT, STATEMENT, READY, POOL = 2, 2.0, 1.0, 2.0
BOUNDS = {
    "FOLIO_DB_CONNECT_TIMEOUT": str(CONNECT),
    "FOLIO_DB_STATEMENT_TIMEOUT": str(STATEMENT),
    "FOLIO_READY_TIMEOUT_SECONDS": str(READY),
    "FOLIO_DB_POOL_TIMEOUT": str(POOL),
    "FOLIO_RATE_LIMIT_ANONYMOUS": "off",
}
# The bound docs/api.md's "When the database stops answering" documents: the pool's wait, then a
# ping and a new connection, each within the connect bound (a second's slack for the machine).
ANSWER_WITHIN = POOL + 2 * CONNECT + 1.0


@dataclass
class Frozen:
    url: str  # what the server and the worker are given
    direct: str  # the database itself, for the test's own writes
    freeze: Callable[[], None]
    thaw: Callable[[], None]


def _postgres_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    assert found, f"PostgreSQL's {name} is not installed"
    return found[-1]


@contextmanager
def private_postgres() -> Iterator[str]:
    """A PostgreSQL cluster of this test's own (initdb, run as the postgres user), migrated
    and seeded; yields its URL. Its processes may be stopped: no other test uses them."""
    folder = Path(tempfile.mkdtemp(prefix="folio-cluster-"))
    postgres = pwd.getpwnam("postgres")
    os.chown(folder, postgres.pw_uid, postgres.pw_gid)
    data, port = folder / "data", free_port()

    def as_postgres(*command: str) -> None:
        subprocess.run(
            ["runuser", "-u", "postgres", "--", *command],
            check=True,
            capture_output=True,
            timeout=60,
        )

    try:
        as_postgres(_postgres_bin("initdb"), "-D", str(data), "-A", "trust", "-U", "postgres",
                    "--no-sync")  # fmt: skip
        settings = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        as_postgres(_postgres_bin("pg_ctl"), "-D", str(data), "-o", settings,
                    "-l", str(folder / "log"), "-w", "start")  # fmt: skip
        url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
        migrate(url)
        engine = make_engine(url)
        with Session(engine) as session:
            load_seeds(session, SEED.parent)
        engine.dispose()
        yield url
    finally:
        _signal_cluster(data, signal.SIGCONT)
        with suppress(subprocess.SubprocessError):
            as_postgres(_postgres_bin("pg_ctl"), "-D", str(data), "-m", "immediate", "stop")
        shutil.rmtree(folder, ignore_errors=True)


def _signal_cluster(data: Path, signum: int) -> None:
    """Sends ``signum`` to the postmaster and every process it started."""
    with suppress(FileNotFoundError):
        pid = int((data / "postmaster.pid").read_text().split()[0])
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        for process in [pid, *map(int, children)]:
            with suppress(ProcessLookupError):
                os.kill(process, signum)


def _execute(connection: sqlite3.Connection, statement: str) -> None:
    connection.execute(statement)


@contextmanager
def frozen_database(kind: str, folder: Path) -> Iterator[Frozen]:
    if kind == "locked":
        with seeded_database(folder) as database:
            path = make_url(database.url).database or ""
            holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            with closing(holder):
                yield Frozen(
                    database.url,
                    database.url,
                    lambda: _execute(holder, "BEGIN IMMEDIATE"),
                    lambda: _execute(holder, "ROLLBACK"),
                )
        return
    with private_postgres() as url:
        parsed = make_url(url)
        data = Path(
            subprocess.run(
                [
                    "psql",
                    "-h",
                    "127.0.0.1",
                    "-p",
                    str(parsed.port),
                    "-U",
                    "postgres",
                    "-Atc",
                    "SHOW data_directory",
                ],
                capture_output=True,
                text=True,
                check=True,
            ).stdout.strip()
        )
        if kind == "stopped":
            yield Frozen(
                url,
                url,
                lambda: _signal_cluster(data, signal.SIGSTOP),
                lambda: _signal_cluster(data, signal.SIGCONT),
            )
            return
        relay = Relay(("127.0.0.1", parsed.port or 5432), free_port())
        relay.start()
        try:
            yield Frozen(
                parsed.set(port=relay.port).render_as_string(hide_password=False),
                url,
                relay.black_hole,
                relay.restore,
            )
        finally:
            relay.cut()


# Read before the database freezes (in memory then), and read for the first time while it is
# frozen (neither in memory nor stored).
ROUTES = ["/v1/articles/1", "/v1/articles", "/v1/roles/fractional-caio", "/v1/comparisons"]
MISSES = [
    "/v1/articles/1?format=md",
    "/v1/articles?limit=3",
    "/v1/roles",
    "/v1/comparisons?limit=3",
    "/v1/search?q=caio",
    "/v1/feeds/articles.rss",
    "/v1/changes",
    "/v1/authors",
]


def _timed(
    http: httpx.Client, method: str, path: str, **kwargs: object
) -> tuple[httpx.Response, float]:
    started = time.monotonic()
    answer = http.request(method, path, **kwargs)  # type: ignore[arg-type]
    return answer, time.monotonic() - started


@pytest.mark.parametrize("kind", KINDS)
def test_a_frozen_database_answers_503_within_the_bound_and_the_node_recovers(
    kind: str, tmp_path: Path
) -> None:
    with frozen_database(kind, tmp_path) as db:
        token = _token(db.direct)
        write = {"Authorization": f"Bearer {token}", "Content-Type": "application/merge-patch+json"}
        with (
            running_server(db.url, tmp_path / "server.log", BOUNDS) as base,
            httpx.Client(base_url=base, timeout=60) as http,
        ):
            for route in ROUTES:  # every answer is in memory, and stored
                assert http.get(route).status_code == 200, route
            db.freeze()
            try:
                # Reads that are not in memory, keyed reads and a write, all at once.
                asked: list[tuple[str, str, dict[str, object]]] = [
                    ("GET", route, {}) for route in MISSES
                ]
                asked.append(("GET", "/v1/articles/1", {"headers": write}))
                asked.append(
                    ("PATCH", "/v1/articles/1", {"headers": write, "json": {"title": "T"}})
                )
                with ThreadPoolExecutor(len(asked)) as pool:
                    answers = list(pool.map(lambda a: _timed(http, a[0], a[1], **a[2]), asked))
                for (method, path, _), (answer, took) in zip(asked, answers, strict=True):
                    assert took < ANSWER_WITHIN, (method, path, took)
                    if kind == "locked" and method == "GET":
                        assert answer.status_code == 200, (path, answer.text)  # reads go on
                        continue
                    assert answer.status_code == 503, (method, path, answer.text)
                    assert answer.headers["retry-after"] == "5"
                    assert answer.json()["type"] == "urn:folio:problem:database-unavailable"
                ready, took = _timed(http, "GET", "/readyz")
                assert took < READY + 1.0
                if kind == "locked":
                    assert ready.status_code == 200  # it reads: ready
                else:
                    assert ready.status_code == 503
                    assert ready.headers["retry-after"] == "5"
                assert http.get("/healthz").status_code == 200
            finally:
                db.thaw()
            # No restart: the node serves again once the database answers.
            deadline = time.monotonic() + 30
            while http.get("/readyz").status_code != 200 and time.monotonic() < deadline:
                time.sleep(0.2)
            # A request that was still waiting on a dead connection may fail after that and
            # refuse the next ones for a moment (503, Retry-After): a client retries.
            renamed = http.patch("/v1/articles/1", json={"title": "Thawed"}, headers=write)
            while renamed.status_code == 503 and time.monotonic() < deadline:
                time.sleep(0.5)
                renamed = http.patch("/v1/articles/1", json={"title": "Thawed"}, headers=write)
            assert renamed.status_code == 200, renamed.text
            assert http.get("/v1/articles/1").json()["title"] == "Thawed"
            for route in ROUTES + MISSES:
                assert http.get(route).status_code == 200, route
            # What it cost shows in /metrics: the write that waited for SQLite's lock until
            # its bound; on PostgreSQL, the waits cut and the requests refused at once.
            figures = _figures(http.get("/metrics").text)
            # (On PostgreSQL the frozen write may have been refused before it waited.)
            assert figures["folio_db_write_wait_seconds_count"] >= (2 if kind == "locked" else 1)
            if kind == "locked":
                waited_long = (
                    figures["folio_db_write_wait_seconds_count"]
                    - figures['folio_db_write_wait_seconds_bucket{le="1.0"}']
                )
                assert waited_long >= 1
            else:
                assert figures["folio_db_cuts_total"] + figures["folio_db_refused_total"] >= 1
        log = (tmp_path / "server.log").read_text()
        assert "Traceback" not in log


def _killed_while_holding_the_write_lock(path: str) -> None:
    """A process takes SQLite's writer's lock and is killed."""
    with subprocess.Popen(
        [sys.executable, "-c", "import sqlite3, sys, time\n"
         "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
         "c.execute('BEGIN IMMEDIATE'); print('held', flush=True); time.sleep(60)", path],
        stdout=subprocess.PIPE, text=True,
    ) as holder:  # fmt: skip
        assert holder.stdout is not None
        assert holder.stdout.readline() == "held\n"
        holder.kill()


def test_a_lock_held_by_a_lost_client_is_freed_as_soon_as_the_database_answers(
    tmp_path: Path,
) -> None:
    """Not a hold (``FOLIO_DB_HOLD_SECONDS``) later. On PostgreSQL, a connection holding the
    lock every write takes is black-holed and cut by the watchdog: its backend lives on, in
    its transaction, until the node's next connection ends it. On SQLite, the process holding
    the writer's lock is killed."""
    with seeded_database(tmp_path) as database:
        bounds = Bounds(connect=CONNECT, statement=STATEMENT, hold=None)
        if not POSTGRES:
            _killed_while_holding_the_write_lock(make_url(database.url).database or "")
            engine = make_engine(database.url, pool_size=2, pool_timeout=POOL, bounds=bounds)
            with engine.begin() as conn:
                conn.execute(text("DELETE FROM content_change WHERE id < 0"))
            engine.dispose()
            return
        parsed = make_url(database.url)
        relay = Relay(("127.0.0.1", parsed.port or 5432), free_port())
        relay.start()
        url = parsed.set(port=relay.port).render_as_string(hide_password=False)
        engine = make_engine(url, pool_size=2, pool_timeout=POOL, bounds=bounds)
        try:
            with engine.connect() as conn:
                conn.execute(text("LOCK TABLE content_change IN SHARE MODE"))
                relay.black_hole()
                started = time.monotonic()
                with pytest.raises(OperationalError):
                    conn.execute(text("SELECT 1"))
                assert time.monotonic() - started < STATEMENT + 2.0  # the watchdog's cut
            relay.restore()
            with engine.begin() as conn:  # waits for no orphan: within the statement bound
                conn.execute(text("LOCK TABLE content_change IN SHARE ROW EXCLUSIVE MODE"))
        finally:
            engine.dispose()
            relay.cut()


def _figures(scrape: str) -> dict[str, float]:
    return {
        line.rsplit(" ", 1)[0]: float(line.rsplit(" ", 1)[1])
        for line in scrape.splitlines()
        if line and not line.startswith("#")
    }


def _token(url: str) -> str:
    engine = make_engine(url)
    try:
        return make_token(Database(url, engine), "write")
    finally:
        engine.dispose()


@pytest.mark.parametrize("kind", KINDS)
def test_the_worker_and_the_purger_carry_on_after_the_database_froze(
    kind: str,
    tmp_path: Path,
    caches: list[Cache],  # noqa: F811
) -> None:
    """``folio worker`` is purging when the database freezes; longer than every bound later,
    it thaws, a change is committed, and the worker purges it: nothing of it hung."""
    with frozen_database(kind, tmp_path) as db:
        environment = {**os.environ, **BOUNDS, "DATABASE_URL": db.url}
        with (tmp_path / "worker.log").open("wb") as log:
            worker = subprocess.Popen(
                [sys.executable, "-m", "api.cli", "worker", "--interval", "0.2"],
                env=environment,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            # Started, and each cache's cursor made (it starts at the newest change).
            engine = make_engine(db.direct)

            def cursors_made() -> bool:
                with Session(engine) as session:
                    return len(session.exec(select(PurgeCursor)).all()) == len(caches)

            try:
                assert eventually(cursors_made, timeout=20), (tmp_path / "worker.log").read_text()
            finally:
                engine.dispose()
            db.freeze()
            try:
                time.sleep(STATEMENT + CONNECT + 2.0)  # long enough for every wait to hang
            finally:
                db.thaw()
            engine = make_engine(db.direct)
            try:
                with Session(engine) as session:
                    # As a writer from its first statement: on SQLite a read first would pin a
                    # snapshot that the worker's next commit makes stale (an immediate "locked").
                    begin_write(session)
                    article = session.get(Article, 1)
                    assert article is not None
                    article.title = "Purged after the thaw"
                    session.add(article)
                    session.commit()
            finally:
                engine.dispose()
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline and not all(
                any("article:1" in keys for keys in cache.purged) for cache in caches
            ):
                time.sleep(0.2)
            assert all(any("article:1" in keys for keys in c.purged) for c in caches), (
                tmp_path / "worker.log"
            ).read_text()
            assert worker.poll() is None  # still running
        finally:
            worker.terminate()
            worker.wait(timeout=20)
