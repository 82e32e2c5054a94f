"""One suite, two databases: ``DATABASE_URL`` chooses SQLite (default) or PostgreSQL.

Each run gets a clean database (a new SQLite file, or a new PostgreSQL schema) built by
``alembic upgrade head`` and seeded through the real loader. Each test runs inside an outer
transaction that is rolled back; tests that need real commits ask for ``fresh_database``.
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path

import anyio.from_thread
import httpx2 as httpx
import psycopg
import pytest
from alembic import command
from cryptography.fernet import Fernet
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine, make_url
from sqlmodel import Session

from api.auth import service as auth_service
from api.auth.models import KeyCreate, Scope
from api.cli import alembic_config
from api.core.clock import Clock, clock
from api.core.config import REPO_ROOT, Settings, get_settings
from api.core.db import make_engine
from api.main import create_app
from api.seed import load_seeds
from tests import routes_once

routes_once.install()

SEED = REPO_ROOT / "seeds" / "000_ade3deb2bcbb1fed.txt"
# Webhook secrets are encrypted with it; set here so no test writes a .env of its own.
os.environ.setdefault("FOLIO_SECRET_KEY", Fernet.generate_key().decode())
# Passwords hashed cheaply in tests (argon2id all the same); production keeps OWASP's costs.
os.environ.setdefault("FOLIO_ARGON2_MEMORY_KIB", "8")
os.environ.setdefault("FOLIO_ARGON2_TIME_COST", "1")
# A test client reads an answer whole: a change stream of an app in this process ends after
# its first read. Servers of their own (``running_server``) keep the real default.
STREAM_SECONDS = "FOLIO_STREAM_MAX_SECONDS"
os.environ.setdefault(STREAM_SECONDS, "0.05")


@dataclass
class Database:
    url: str
    engine: Engine


def _backend() -> str:
    return make_url(os.environ.get("DATABASE_URL", "sqlite://")).get_backend_name()


def _new_database(tmp_dir: Path) -> tuple[str, Callable[[], None]]:
    """A URL to an empty database of the configured kind, and how to throw it away."""
    base = os.environ.get("DATABASE_URL", "")
    if _backend() == "postgresql":
        schema = f"folio_test_{uuid.uuid4().hex[:12]}"
        conninfo = make_url(base).set(drivername="postgresql").render_as_string(False)
        try:
            with psycopg.connect(conninfo, autocommit=True, connect_timeout=5) as conn:
                conn.execute(f'CREATE SCHEMA "{schema}"')
        except psycopg.OperationalError as exc:
            pytest.exit(
                f"PostgreSQL is not reachable at {base}: {exc}\n"
                "Start it (pg_ctlcluster --skip-systemctl-redirect 15 main start) and run again.",
                returncode=3,
            )
        url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})

        def drop() -> None:
            with psycopg.connect(conninfo, autocommit=True) as conn:
                conn.execute(f'DROP SCHEMA "{schema}" CASCADE')

        return url.render_as_string(hide_password=False), drop
    path = tmp_dir / f"folio-{uuid.uuid4().hex[:8]}.db"
    return f"sqlite:///{path}", lambda: None


def migrate(url: str) -> None:
    """``alembic upgrade head`` on ``url``, the way ``folio db upgrade`` runs it."""
    previous = os.environ.get("DATABASE_URL")
    os.environ["DATABASE_URL"] = url
    get_settings.cache_clear()
    try:
        command.upgrade(alembic_config(), "head")
    finally:
        if previous is None:
            os.environ.pop("DATABASE_URL", None)
        else:
            os.environ["DATABASE_URL"] = previous
        get_settings.cache_clear()


# Migrated (and seeded) databases made once per run and copied for each test that needs one
# of its own: a copy takes milliseconds (PostgreSQL's CREATE DATABASE … TEMPLATE, a file
# copy on SQLite), running the migrations and the seed takes a second or more.
_TEMPLATES: dict[str, tuple[str, Callable[[], None]]] = {}


def _template(kind: str) -> str:
    """The URL of the template of ``kind`` ("seeded" or "empty"), made on first use."""
    if kind not in _TEMPLATES:
        if _backend() == "postgresql":
            url, drop = _new_postgres_database("folio_template")
        else:
            folder = Path(tempfile.mkdtemp(prefix="folio-templates-"))
            url = f"sqlite:///{folder / f'{kind}.db'}"

            def drop() -> None:
                shutil.rmtree(folder, ignore_errors=True)

        migrate(url)
        engine = make_engine(url)
        if kind == "seeded":
            with Session(engine, expire_on_commit=False) as session:
                load_seeds(session, SEED.parent)
        if engine.dialect.name == "sqlite":
            with engine.connect() as connection:  # the whole database in its one file
                connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        engine.dispose()  # no connection may stay: PostgreSQL copies only an idle template
        _TEMPLATES[kind] = (url, drop)
    return _TEMPLATES[kind][0]


def _new_postgres_database(
    prefix: str, template: str | None = None
) -> tuple[str, Callable[[], None]]:
    """A new PostgreSQL database (a copy of ``template``'s, if given) and how to drop it."""
    base = make_url(os.environ["DATABASE_URL"])
    name = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:8]}"  # the pid: see prepare_database
    conninfo = base.set(drivername="postgresql").render_as_string(False)
    copied = f' TEMPLATE "{make_url(template).database}"' if template else ""
    with psycopg.connect(conninfo, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'CREATE DATABASE "{name}"{copied}')
        # A test database need not outlive a crash: commits do not wait for the disk.
        conn.execute(f'ALTER DATABASE "{name}" SET synchronous_commit = off')

    def drop() -> None:
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return base.set(database=name).render_as_string(hide_password=False), drop


def copied_database(kind: str, tmp_dir: Path) -> tuple[str, Callable[[], None]]:
    """A database of its own, a copy of the template of ``kind``, and how to throw it away."""
    template = _template(kind)
    if _backend() == "postgresql":
        return _new_postgres_database("folio_test", template)
    path = tmp_dir / f"folio-{uuid.uuid4().hex[:8]}.db"
    shutil.copyfile(make_url(template).database or "", path)
    return f"sqlite:///{path}", lambda: None


def pytest_sessionstart(session: pytest.Session) -> None:
    """``make test-ahead`` sets FOLIO_TEST_YEARS_AHEAD=N and runs the suite under faketime: make
    sure the clock really is N years past the last commit, or the run would prove nothing."""
    years = int(os.environ.get("FOLIO_TEST_YEARS_AHEAD", "0"))
    if not years:
        return
    made = subprocess.run(
        ["git", "log", "-1", "--format=%ct"], cwd=REPO_ROOT, capture_output=True, text=True
    ).stdout.strip()  # git's own clock is not the faked one: a commit is never in the future
    since = int(made) if made else (REPO_ROOT / "pyproject.toml").stat().st_mtime
    if time.time() < since + years * 365 * 86400:
        pytest.exit(f"FOLIO_TEST_YEARS_AHEAD={years}, but the clock is not ahead", returncode=3)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    for _, drop in _TEMPLATES.values():
        drop()
    _TEMPLATES.clear()


@contextmanager
def seeded_database(tmp_dir: Path) -> Iterator[Database]:
    """A new database of the configured kind, migrated and seeded; thrown away after."""
    url, drop = copied_database("seeded", tmp_dir)
    engine = make_engine(url)
    try:
        yield Database(url, engine)
    finally:
        engine.dispose()
        drop()


@pytest.fixture(autouse=True)
def media_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Each test keeps uploaded files in a directory of its own (local files are written at
    once, outside the transaction a test rolls back)."""
    directory = tmp_path / "media"
    monkeypatch.setenv("FOLIO_MEDIA_DIR", str(directory))
    get_settings.cache_clear()
    yield directory
    get_settings.cache_clear()


# ``configure``'s type, for the tests that take it.
Configure = Callable[..., Settings]


@pytest.fixture
def configure(monkeypatch: pytest.MonkeyPatch) -> Configure:
    """Settings for one test, set as an operator sets them, by their environment names
    (``configure(FOLIO_LOCALES="en,de")``), and read again at once: what ``get_settings()``
    returns from then on, to every service. The environment is restored after the test, and
    the next one reads it afresh (``media_dir``)."""

    def set_settings(**environment: str) -> Settings:
        for name, value in environment.items():
            monkeypatch.setenv(name, value)
        get_settings.cache_clear()
        return get_settings()

    return set_settings


@pytest.fixture(scope="session")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """The database most tests share, each inside a transaction rolled back after it."""
    with seeded_database(tmp_path_factory.mktemp("db")) as shared:
        yield shared


@pytest.fixture
def fresh_database(tmp_path: Path) -> Iterator[Database]:
    """A migrated and seeded database of its own, for tests whose commits must be real."""
    with seeded_database(tmp_path) as own:
        yield own


@pytest.fixture
def connection(database: Database) -> Iterator[Connection]:
    with database.engine.connect() as conn:
        transaction = conn.begin()
        yield conn
        transaction.rollback()


@pytest.fixture
def session(connection: Connection) -> Iterator[Session]:
    # Commits inside the code under test release savepoints; the outer transaction is rolled
    # back after the test (SQLAlchemy: "Joining a Session into an External Transaction").
    with Session(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    ) as s:
        yield s


def settings_for(url: str) -> Settings:
    return Settings(database_url=url)


@pytest.fixture
def app(database: Database, session: Session) -> FastAPI:
    application = create_app(settings_for(database.url), engine=database.engine)
    application.state.sessions = lambda: nullcontext(session)  # every request: the test's
    return application


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    """A client of ``app``. Its requests share one event loop (the test's): a TestClient
    otherwise starts a thread and a loop for each request, a third of a request's time."""
    test_client = TestClient(app)
    with anyio.from_thread.start_blocking_portal() as portal:
        test_client.portal = portal
        yield test_client
        test_client.portal = None


@dataclass
class Keys:
    read: str
    write: str
    admin: str

    def auth(self, scope: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {getattr(self, scope)}"}


@pytest.fixture
def keys(session: Session) -> Keys:
    """One API key of each scope, made through the service (inside the test's transaction)."""
    tokens = {
        scope.value: auth_service.create_key(
            session, KeyCreate(name=f"{scope.value}-key", scope=scope)
        ).token
        for scope in Scope
    }
    return Keys(**tokens)


def make_token(database: Database, scope: str, name: str | None = None) -> str:
    """A committed API key of ``scope`` in ``database``, for tests against a live server."""
    with Session(database.engine) as session:
        data = KeyCreate(name=name or f"{scope}-live", scope=Scope(scope))
        return auth_service.create_key(session, data).token


@pytest.fixture
def frozen_clock() -> Iterator[Clock]:
    yield clock
    clock.unfreeze()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def eventually(check: Callable[[], bool], timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return check()


@pytest.fixture
def server_env() -> dict[str, str]:
    """Extra environment for ``live_server``; a test module overrides it to set options."""
    return {}


@contextmanager
def running_server(
    database_url: str,
    log_path: Path,
    env: dict[str, str] | None = None,
    *,
    ready: str = "/readyz",
    args: list[str] | None = None,
    started: list[subprocess.Popen[bytes]] | None = None,
    workers: int = 1,
) -> Iterator[str]:
    """``folio serve --workers N [args]`` on a free loopback port (``FOLIO_PORT`` in ``env``
    when it names one); yields its base URL once ``ready`` answers 200, stops it after
    (``started`` gets the process). One worker unless a test is about several (each one more
    costs a start of the whole app)."""
    inherited = {k: v for k, v in os.environ.items() if k != STREAM_SECONDS}
    environment = {**inherited, "DATABASE_URL": database_url, **(env or {})}
    command = [sys.executable, "-m", "api.cli", "serve", "--workers", str(workers)]
    if "FOLIO_PORT" in (env or {}):
        port = int(environment["FOLIO_PORT"])
    else:
        port = free_port()
        command += ["--port", str(port)]
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            command + (args or []),
            cwd=REPO_ROOT,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    if started is not None:
        started.append(server)
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=5) as http:

            def up() -> bool:
                try:
                    return http.get(ready).status_code == 200
                except httpx.TransportError:
                    return False

            assert eventually(up, timeout=60), log_path.read_text()  # a start on a busy machine
        yield base
    finally:
        server.terminate()
        server.wait(timeout=20)


@contextmanager
def seeded_server(
    folder: Path, env: dict[str, str] | None = None, *, workers: int = 1
) -> Iterator[tuple[str, Database]]:
    """A seeded database of its own and ``folio serve`` on it (log: ``folder / "server.log"``),
    for a module whose tests can share one: each start costs a start of the whole app per
    worker."""
    with (
        seeded_database(folder) as database,
        running_server(database.url, folder / "server.log", env, workers=workers) as base,
    ):
        yield base, database


@pytest.fixture
def server_workers() -> int:
    """Worker processes of ``live_server``; a test module about several overrides it."""
    return 1


@pytest.fixture
def live_server(
    fresh_database: Database, tmp_path: Path, server_env: dict[str, str], server_workers: int
) -> Iterator[str]:
    """``folio serve`` on a free loopback port, against ``fresh_database``; its log is
    ``tmp_path / "server.log"``."""
    with running_server(
        fresh_database.url, tmp_path / "server.log", server_env, workers=server_workers
    ) as base:
        yield base
