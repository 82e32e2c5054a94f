"""When the database cannot be reached, every route that needs it answers 503 problem+json with
``Retry-After``, on a connection that stays open for the retry; when it is back, the server
serves again without a restart."""

import socket
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import httpx2 as httpx
from fastapi.testclient import TestClient
from sqlalchemy import make_url

from api.core.db import make_engine
from api.main import create_app
from tests.conftest import Database, eventually, free_port, running_server, settings_for
from tests.helpers import Relay

ROUTES = [
    "/v1/articles/1",
    "/v1/articles",
    "/v1/roles/fractional-caio",
    "/v1/comparisons",
    "/v1/search?q=caio",
    "/v1/feeds/articles.rss",
    "/v1/changes",
    "/v1/authors",
]


def _unreachable(url: str, tmp_path: Path) -> str:
    """A URL of the same kind as ``url`` where no database answers."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql":
        return parsed.set(port=free_port()).render_as_string(hide_password=False)
    return f"sqlite:///{tmp_path / 'missing' / 'folio.db'}"


def _problem_503(response: httpx.Response) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["retry-after"] == "5"
    assert response.json()["type"] == "urn:folio:problem:database-unavailable"


def test_every_route_is_503_with_retry_after_when_the_database_is_unreachable(
    database: Database, tmp_path: Path
) -> None:
    url = _unreachable(database.url, tmp_path)
    engine = make_engine(url, pool_timeout=2)
    try:
        client = TestClient(create_app(settings_for(url), engine=engine))
        for route in ROUTES:
            _problem_503(client.get(route))
        keyed = {"Authorization": "Bearer folio_abc_def"}  # the key lookup needs the database
        _problem_503(client.get("/v1/articles/1", headers=keyed))
        _problem_503(client.post("/v1/articles", json={"title": "x"}, headers=keyed))
        assert client.get("/readyz").status_code == 503
        assert client.get("/healthz").status_code == 200
    finally:
        engine.dispose()


@contextmanager
def outage(database: Database, tmp_path: Path) -> Iterator[tuple[str, Callable[[], None]]]:
    """A URL to ``database`` that does not answer until the function given with it is called:
    a relay not yet listening (PostgreSQL), a file not yet in place (SQLite)."""
    parsed = make_url(database.url)
    if parsed.get_backend_name() == "postgresql":
        relay = Relay((parsed.host or "127.0.0.1", parsed.port or 5432), free_port())
        url = parsed.set(port=relay.port).render_as_string(hide_password=False)
        try:
            yield url, relay.start
        finally:
            relay.cut()
        return
    source = Path(parsed.database or "")
    target = tmp_path / "later" / "folio.db"

    def restore() -> None:
        # Made aside, then moved into place whole: a server connecting meanwhile would
        # otherwise create an empty database file there.
        aside = tmp_path / "aside"
        aside.mkdir()
        with (
            closing(sqlite3.connect(source)) as src,
            closing(sqlite3.connect(aside / target.name)) as dst,
        ):
            src.backup(dst)
        aside.rename(target.parent)

    yield f"sqlite:///{target}", restore


def _two_requests_on_one_connection(port: int, path: str) -> list[bytes]:
    """Sends two requests on one keep-alive connection; both status lines come back only if
    the server kept the connection open after the first answer."""
    request = f"GET {path} HTTP/1.1\r\nHost: folio\r\n\r\n".encode()
    answers: list[bytes] = []
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        for _ in range(2):
            sock.sendall(request)
            head = b""
            while b"\r\n\r\n" not in head:
                chunk = sock.recv(4096)
                if not chunk:
                    return answers
                head += chunk
            answers.append(head.split(b"\r\n", 1)[0])
            length = next(
                int(line.split(b":")[1])
                for line in head.split(b"\r\n")
                if line.lower().startswith(b"content-length:")
            )
            body = head.split(b"\r\n\r\n", 1)[1]
            while len(body) < length:
                body += sock.recv(4096)
    return answers


def test_a_server_answers_503_during_an_outage_and_recovers_without_a_restart(
    fresh_database: Database, tmp_path: Path
) -> None:
    env = {"FOLIO_DB_POOL_TIMEOUT": "2"}
    with (
        outage(fresh_database, tmp_path) as (url, end_outage),
        running_server(url, tmp_path / "server.log", env, ready="/healthz") as base,
    ):
        port = int(base.rsplit(":", 1)[1])
        assert (
            _two_requests_on_one_connection(port, "/v1/articles/1")
            == [b"HTTP/1.1 503 Service Unavailable"] * 2
        )
        with httpx.Client(base_url=base, timeout=10) as http:
            _problem_503(http.get("/v1/articles"))
            assert http.get("/readyz").status_code == 503
            end_outage()
            assert eventually(lambda: http.get("/readyz").status_code == 200, timeout=20)
            article = http.get("/v1/articles/1")
            assert article.status_code == 200, article.text
            assert article.json()["id"] == 1
    log = (tmp_path / "server.log").read_text()
    assert "Traceback" not in log
    assert "database_unavailable" in log
