"""A real server (two worker processes) under a read load with a trickle of writes: the event
loop never blocks, no request waits for a database connection, every answer is right.

The pool is made small (two connections, two more on overflow) so that a server doing database
I/O on its event loop, or running more request threads than it has connections, stalls here
within seconds, as a default-sized one does under 64 connections.
"""

import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import httpx2 as httpx
import pytest

from tests.conftest import Database, make_token


@pytest.fixture
def server_workers() -> int:
    """Two worker processes: what this module is about."""
    return 2


READERS = 16
SECONDS = 4.0


@pytest.fixture
def server_env() -> dict[str, str]:
    # The cache off: every read needs a connection; no rate limit (the load is one address).
    return {
        "FOLIO_DB_POOL_SIZE": "2",
        "FOLIO_DB_POOL_TIMEOUT": "1",
        "FOLIO_CACHE_MAX_ENTRIES": "0",
        "FOLIO_RATE_LIMIT_ANONYMOUS": "off",
    }


def test_reads_under_a_write_trickle_never_stall(
    live_server: str, fresh_database: Database, tmp_path: Path
) -> None:
    token = make_token(fresh_database, "write")
    stop = threading.Event()
    reads: Counter[int] = Counter()
    probes: list[float] = []
    writes: list[tuple[int, float]] = []
    lock = threading.Lock()

    def status_of(call: Callable[[], httpx.Response]) -> int:
        try:
            return call().status_code
        except httpx.TransportError:
            return 0  # no answer in time

    def read() -> None:
        with httpx.Client(base_url=live_server, timeout=10) as http:
            while not stop.is_set():
                status = status_of(lambda: http.get("/v1/articles", params={"limit": 20}))
                with lock:
                    reads[status] += 1

    def probe() -> None:
        with httpx.Client(base_url=live_server, timeout=10) as http:
            while not stop.is_set():
                started = time.monotonic()
                status = status_of(lambda: http.get("/healthz"))
                probes.append(time.monotonic() - started if status == 200 else float("inf"))
                time.sleep(0.05)

    def write() -> None:
        headers = {"Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=live_server, headers=headers, timeout=10) as http:
            n = 0
            while not stop.is_set():
                n += 1
                started = time.monotonic()
                edit = {"kicker": f"edit {n}"}
                status = status_of(lambda: http.patch("/v1/articles/1", json=edit))  # noqa: B023
                writes.append((status, time.monotonic() - started))
                time.sleep(0.2)

    threads = [threading.Thread(target=read) for _ in range(READERS)]
    threads += [threading.Thread(target=probe), threading.Thread(target=write)]
    for thread in threads:
        thread.start()
    time.sleep(SECONDS)
    stop.set()
    for thread in threads:
        thread.join(timeout=30)

    assert set(reads) == {200}, reads
    assert sum(reads.values()) > 100
    assert {status for status, _ in writes} == {200}, writes
    # Each write answered within two seconds (a stalled server takes longer), and so, with
    # its pause, at least one every 2.2 s: not once a second, which a machine busy with other
    # suites missed.
    assert max(took for _, took in writes) < 2.0, writes
    assert len(writes) >= int(SECONDS // 2.2)
    assert len(probes) > 10
    assert max(probes) < 1.0, sorted(probes)[-5:]
    log = (tmp_path / "server.log").read_text()
    assert "QueuePool" not in log
    assert "Traceback" not in log
