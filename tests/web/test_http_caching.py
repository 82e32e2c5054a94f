"""HTTP caching as real caches see it: a standards-compliant client cache (hishel) in front of
a running Folio serves repeats from memory, revalidates with 304 once stale, and sees edits."""

import time
from collections.abc import Iterator
from pathlib import Path

import hishel
import httpx2 as httpx
import pytest
from hishel.httpx2 import CacheClient

from tests.conftest import Database
from tests.helpers import key_in

MAX_AGE = 3  # whole seconds: Date has no fractions, so a smaller one is stale at once


@pytest.fixture
def server_env() -> dict[str, str]:
    return {"FOLIO_CACHE_MAX_AGE": str(MAX_AGE)}


@pytest.fixture
def caching_client(live_server: str, tmp_path: Path) -> Iterator[CacheClient]:
    storage = hishel.SqliteStorage(database_path=tmp_path / "client-cache.db")
    with CacheClient(base_url=live_server, storage=storage, rfc=True, timeout=10) as client:
        yield client


def status(response: httpx.Response) -> tuple[bool, bool]:
    caching = response.extensions["caching"]
    return caching["from_cache"], caching["revalidated"]


def test_a_caching_client_reuses_revalidates_and_sees_edits(
    caching_client: CacheClient, live_server: str, fresh_database: Database
) -> None:
    first = caching_client.get("/v1/articles/1")
    assert first.status_code == 200
    assert (
        first.headers["cache-control"] == f"public, max-age={MAX_AGE}, stale-while-revalidate=300"
    )
    assert status(first) == (False, False)

    again = caching_client.get("/v1/articles/1")
    assert status(again) == (True, False)  # fresh: answered from the client's cache
    assert again.content == first.content

    time.sleep(MAX_AGE + 0.5)
    revalidated = caching_client.get("/v1/articles/1")
    assert revalidated.status_code == 200
    assert status(revalidated) == (True, True)  # stale: the server said 304, the body is reused
    assert revalidated.content == first.content

    token = key_in(fresh_database.engine, "e", "write")
    edit = httpx.patch(
        f"{live_server}/v1/articles/1",
        json={"title": "Edited behind the cache"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert edit.status_code == 200
    time.sleep(MAX_AGE + 0.5)
    fresh = caching_client.get("/v1/articles/1")
    assert fresh.json()["title"] == "Edited behind the cache"  # the revalidation got a 200
    assert fresh.headers["etag"] != first.headers["etag"]
