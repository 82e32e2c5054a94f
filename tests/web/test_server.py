"""The server's own limits on connections, against a real ``folio serve``: idle and half-sent
connections are closed, oversized heads and slow bodies are refused, and secrets in a query
string never reach the access log."""

import asyncio
import gc
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx
import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from api.web.server import CoalescingTransport
from tests.conftest import Database, eventually, running_server, settings_for

IDLE = 200
SLOW = 50


@pytest.fixture(scope="module")
def server(
    database: Database, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, int, Path]]:
    """One server for the module: these tests only read."""
    log = tmp_path_factory.mktemp("server") / "server.log"
    env = {
        "FOLIO_HEADER_TIMEOUT_SECONDS": "1",
        "FOLIO_KEEPALIVE_SECONDS": "1",
        "FOLIO_BODY_TIMEOUT_SECONDS": "1",
    }
    with running_server(database.url, log, env, args=["--access-log"]) as base:
        yield base, int(base.rsplit(":", 1)[1]), log


def _closed(sock: socket.socket) -> bytes | None:
    """What the server sent before closing the connection; None while it is still open."""
    sock.settimeout(0.05)
    received = b""
    try:
        while chunk := sock.recv(4096):
            received += chunk
    except TimeoutError:
        return None
    except ConnectionResetError:
        pass
    return received


def _wait_closed(sockets: list[socket.socket], seconds: float) -> list[bytes | None]:
    deadline = time.monotonic() + seconds
    answers: list[bytes | None] = [None] * len(sockets)
    while time.monotonic() < deadline and any(a is None for a in answers):
        for i, sock in enumerate(sockets):
            if answers[i] is None:
                answers[i] = _closed(sock)
    return answers


def test_idle_and_half_sent_connections_are_closed(server: tuple[str, int, Path]) -> None:
    base, port, _ = server
    idle = [socket.create_connection(("127.0.0.1", port)) for _ in range(IDLE)]
    slow = [socket.create_connection(("127.0.0.1", port)) for _ in range(SLOW)]
    try:
        for sock in slow:  # slowloris: a head that never ends
            sock.sendall(b"GET /v1/articles HTTP/1.1\r\nHost: folio\r\n")
        with httpx.Client(base_url=base, timeout=60) as http:  # served meanwhile
            assert http.get("/v1/articles/1").status_code == 200
        time.sleep(0.5)
        for sock in slow:
            sock.sendall(b"X-Drip: 1\r\n")
        answers = _wait_closed(idle + slow, seconds=10)
        assert all(a is not None for a in answers)
        assert all(a == b"" for a in answers[:IDLE])  # idle: closed without a word
        assert all(a is not None and a.startswith(b"HTTP/1.1 408 ") for a in answers[IDLE:])
    finally:
        for sock in idle + slow:
            sock.close()


def test_an_idle_keep_alive_connection_is_closed(server: tuple[str, int, Path]) -> None:
    _, port, _ = server
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: folio\r\n\r\n")
        sock.settimeout(5)
        assert sock.recv(4096).startswith(b"HTTP/1.1 200 ")
        (answer,) = _wait_closed([sock], seconds=5)
        assert answer == b""


def test_an_oversized_head_is_431(server: tuple[str, int, Path]) -> None:
    _, port, _ = server
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: folio\r\n")
        for _ in range(10):
            sock.sendall(b"X-Padding: " + b"a" * 8000 + b"\r\n")
        (answer,) = _wait_closed([sock], seconds=5)
        assert answer is not None
        assert answer.startswith(b"HTTP/1.1 431 ")


def test_a_body_that_does_not_arrive_in_time_is_408(server: tuple[str, int, Path]) -> None:
    _, port, _ = server
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(
            b"POST /v1/articles HTTP/1.1\r\nHost: folio\r\nContent-Type: application/json\r\n"
            b"Content-Length: 100\r\n\r\n{"
        )
        (answer,) = _wait_closed([sock], seconds=5)
        assert answer is not None
        assert answer.startswith(b"HTTP/1.1 408 ")
        assert b"urn:folio:problem:request-timeout" in answer


def test_secrets_in_a_query_string_are_not_logged(server: tuple[str, int, Path]) -> None:
    base, _, log = server
    with httpx.Client(base_url=base, timeout=60) as http:
        http.get("/v1/articles?access_token=s3cr3t-value&limit=1")
        http.get("/v1/articles/1?key=folio_abcdef_verysecret")
        http.get("/v1/articles/1?preview=signed-preview-token")
    time.sleep(0.5)
    text = log.read_text()
    assert "/v1/articles?access_token=[redacted]&limit=1" in text
    for secret in ("s3cr3t-value", "verysecret", "signed-preview-token"):
        assert secret not in text


def test_a_stopping_server_drains_before_it_exits(fresh_database: Database, tmp_path: Path) -> None:
    """SIGTERM: /readyz answers 503 at once (a load balancer takes the node out) while every
    other request is still served; after FOLIO_DRAIN_SECONDS the server exits cleanly."""
    started: list[subprocess.Popen[bytes]] = []
    env = {"FOLIO_DRAIN_SECONDS": "10"}  # time for a busy machine's requests below
    with running_server(
        fresh_database.url, tmp_path / "s.log", env, started=started, workers=2
    ) as base:
        (server,) = started
        server.send_signal(signal.SIGTERM)
        with httpx.Client(base_url=base, timeout=8, headers={"Connection": "close"}) as http:
            assert eventually(lambda: http.get("/readyz").status_code == 503, timeout=8)
            for _ in range(10):  # both workers: still serving
                assert http.get("/v1/articles/1").status_code == 200
            assert http.get("/readyz").json()["detail"].startswith("Stopping")
        assert server.wait(timeout=20) == 0


class _Recording:
    """The socket's side of a transport: what was written, in how many writes."""

    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.closed = False

    def write(self, data: bytes) -> None:
        assert not self.closed
        self.writes.append(data)

    def is_closing(self) -> bool:
        return self.closed

    def close(self) -> None:
        self.closed = True

    def get_write_buffer_size(self) -> int:
        return 0


def test_an_answer_is_written_in_one_piece() -> None:
    """A response's head and body, written in one turn of the event loop, leave in one write;
    a large one is not held; closing sends what is held first, and nothing after."""

    async def turns() -> _Recording:
        recording = _Recording()
        transport = CoalescingTransport(recording, asyncio.get_running_loop())  # type: ignore[arg-type]
        transport.write(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n")
        transport.write(b"{}")
        assert recording.writes == []
        await asyncio.sleep(0)
        assert recording.writes == [b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}"]
        big = b"x" * CoalescingTransport.LIMIT
        transport.write(big)
        assert recording.writes[-1] == big  # at once
        transport.writelines([b"la", b"st"])  # in order, held with what comes before
        transport.close()
        assert recording.writes[-1] == b"last"
        assert recording.closed
        transport.write(b"too late")
        await asyncio.sleep(0)
        assert transport.get_write_buffer_size() == 0  # the rest is the wrapped transport's
        return recording

    recording = asyncio.run(turns())
    assert b"too late" not in recording.writes
    assert len(recording.writes) == 3


def test_answers_through_the_server_arrive_whole(server: tuple[str, int, Path]) -> None:
    """Through the real server, over keep-alive: each answer is complete and in order."""
    base, _, _ = server
    with httpx.Client(base_url=base, timeout=60) as http:
        for _ in range(5):
            first = http.get("/v1/articles/1")
            assert first.status_code == 200
            assert first.json()["id"] == 1
            missing = http.get("/v1/articles/no-such-article")
            assert missing.status_code == 404
            assert missing.json()["status"] == 404


def test_a_served_worker_freezes_what_startup_made(database: Database) -> None:
    """A worker of ``folio serve`` (``create_app(serving=True)``) hides what its startup made
    from the garbage collector, so a full collection does not walk it; an app made for a test
    or a script leaves the collector as it is."""
    before = gc.get_freeze_count()
    try:
        with TestClient(create_app(settings_for(database.url), engine=database.engine)) as c:
            assert c.get("/v1/articles/1").status_code == 200
            assert gc.get_freeze_count() == before
        with TestClient(
            create_app(settings_for(database.url), engine=database.engine, serving=True)
        ) as c:
            frozen = gc.get_freeze_count()
            assert frozen > before + 10_000  # the app, its routes and models at the least
            assert c.get("/v1/articles/1").status_code == 200
            # Objects made while serving are the collector's as before (frozen ones that are
            # freed leave the count).
            assert gc.get_freeze_count() <= frozen
    finally:
        gc.unfreeze()
