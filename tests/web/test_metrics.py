"""/metrics of a node: ``folio serve --workers 2`` answers a scrape with every worker's
numbers (prometheus_client's multiprocess mode), whichever worker answers it, and with the
node's queues read from the database."""

import re
import time
from collections.abc import Iterator

import httpx2 as httpx
import pytest

from tests.conftest import seeded_server


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One node of two worker processes (what this module is about) for both tests: starting
    one costs two starts of the whole app."""
    with seeded_server(tmp_path_factory.mktemp("metrics"), workers=2) as (base, _):
        yield base


def _value(text: str, series: str) -> float:
    found = re.search(rf"^{re.escape(series)} (\S+)$", text, re.MULTILINE)
    assert found, series
    return float(found.group(1))


def test_one_scrape_sees_every_worker(live_server: str) -> None:
    readyz = 'folio_http_requests_total{method="GET",route="/readyz",status="200"}'
    before = _value(httpx.get(f"{live_server}/metrics").text, readyz)
    ids = set()
    for _ in range(40):  # a new connection each time: both workers answer some
        answer = httpx.get(f"{live_server}/readyz", headers={"Connection": "close"})
        assert answer.status_code == 200
        ids.add(answer.headers["x-request-id"])
    scrapes = [
        httpx.get(f"{live_server}/metrics", headers={"Connection": "close"}).text for _ in range(6)
    ]
    for text in scrapes:
        assert _value(text, readyz) == before + 40
        assert _value(text, "folio_webhook_queue_depth") == 0
        assert "folio_http_request_duration_seconds_bucket" in text
        assert "folio_db_connections_in_use" in text
        assert "folio_event_log_last_id" in text
        # The worst worker's content watcher keeps up (behind by a moment at most).
        assert 0 <= _value(text, "folio_cache_watch_lag_seconds") < 1
    assert len(ids) == 40


def test_the_cache_figures_of_every_worker_add_up(live_server: str) -> None:
    for _ in range(20):  # each worker renders once (or reads it stored), then hits
        answer = httpx.get(f"{live_server}/v1/articles/1", headers={"Connection": "close"})
        assert answer.status_code == 200
    time.sleep(1.5)  # each worker writes its cache figures every second
    text = httpx.get(f"{live_server}/metrics").text
    hits = _value(text, "folio_cache_hits_total")
    misses = _value(text, "folio_cache_misses_total")
    assert hits >= 18
    assert hits + misses >= 20
    assert _value(text, "folio_cache_entries") >= 1
