"""Rate limits: per address without a key, per key with one, counted before the response
cache, in memory or in Redis (shared by every process), answered with 429, Retry-After and
the IETF draft's RateLimit and RateLimit-Policy fields on every answer."""

import random
import re
from collections.abc import Iterator
from typing import Any

import httpx2 as httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.types import ASGIApp, Receive, Scope, Send

from api.core.config import Settings
from api.main import create_app
from tests.conftest import Database

REDIS = "redis://127.0.0.1:6379/15"


def _app(database: Database, **limits: Any) -> FastAPI:
    """Limits per hour: a sliding window counter weighs the window before by how much of it
    is left, so a count that crosses a window's end lets one more through; with an hour's
    windows a test of a second crosses one once in thousands of runs, with a minute's once
    in tens on a busy machine."""
    return create_app(Settings(database_url=database.url, **limits), engine=database.engine)


def _address() -> str:
    """An address of its own, so that runs sharing Redis (both suites at once) never meet."""
    return f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(1, 255)}"


@pytest.fixture
def client_of() -> Iterator[list[TestClient]]:
    made: list[TestClient] = []
    yield made
    for client in made:
        client.__exit__(None, None, None)


def _client(made: list[TestClient], app: ASGIApp, address: str) -> TestClient:
    client = TestClient(app, client=(address, 50000))
    client.__enter__()
    made.append(client)
    return client


def _from(address: str) -> dict[str, str]:
    return {"X-Test-Address": address}


def _addressed(app: FastAPI) -> ASGIApp:
    """The app behind a proxy that says who the client is (as Uvicorn does from a trusted
    X-Forwarded-For): one app, one event loop, several addresses."""

    async def proxied(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            address = dict(scope["headers"]).get(b"x-test-address", b"192.0.2.1").decode()
            scope = {**scope, "client": (address, 50000)}
        await app(scope, receive, send)

    return proxied


def test_an_address_past_its_limit_gets_429_and_the_fields_say_why(
    database: Database, client_of: list[TestClient]
) -> None:
    app = _app(database, rate_limit_anonymous="3/hour")
    client = _client(client_of, _addressed(app), _address())
    me = _from(_address())
    remaining = []
    for _ in range(3):  # the same article: the second and third come from the cache
        answer = client.get("/v1/articles/1", headers=me)
        assert answer.status_code == 200
        assert answer.headers["ratelimit-policy"] == '"anonymous";q=3;w=3600'
        found = re.fullmatch(r'"anonymous";r=(\d+);t=(\d+)', answer.headers["ratelimit"])
        assert found
        remaining.append(int(found.group(1)))
        assert 1 <= int(found.group(2)) <= 3600
    assert remaining == [2, 1, 0]
    refused = client.get("/v1/articles/1", headers=me)
    assert refused.status_code == 429
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["type"] == "urn:folio:problem:too-many-requests"
    assert 1 <= int(refused.headers["retry-after"]) <= 3600
    assert refused.headers["ratelimit"].startswith('"anonymous";r=0;')
    assert client.get("/healthz", headers=me).status_code == 200  # operations: never limited
    other = client.get("/v1/articles/1", headers=_from(_address()))
    assert other.status_code == 200  # another address: its own count


def _spend(
    client: TestClient, path: str, headers: dict[str, str], status: int, policy: str
) -> httpx.Response:
    """Four requests answered ``status`` under ``policy`` (a quota of 4), then the fifth
    refused: the refusal."""
    for _ in range(4):
        answer = client.get(path, headers=headers)
        assert answer.status_code == status
        assert answer.headers["ratelimit-policy"] == policy
    refused = client.get(path, headers=headers)
    assert refused.status_code == 429
    return refused


def test_a_key_has_its_own_limit(database: Database, client_of: list[TestClient]) -> None:
    """Counted by the token's public part, before the key is checked (no database round trip
    for counting; a bad key is 401 all the same, and counts)."""
    app = _app(database, rate_limit_anonymous="2/hour", rate_limit_key="4/hour")
    client = _client(client_of, app, _address())
    token = {"Authorization": f"Bearer folio_{random.randrange(16**12):012x}_not-a-real-secret"}
    _spend(client, "/v1/articles?limit=1", token, 401, '"key";q=4;w=3600')
    assert client.get("/v1/articles?limit=1").status_code == 200  # the address is not spent


def test_a_studio_session_has_its_own_limit(
    database: Database, client_of: list[TestClient]
) -> None:
    """A person in the studio (autosave, the preview as they type) is counted by their
    session, as a key is, so that colleagues behind one address do not spend each other's
    requests; by a hash of the cookie (no token in the counters' store). Elsewhere than the
    studio, or with no session cookie, the address counts."""
    app = _app(database, rate_limit_anonymous="2/hour", rate_limit_key="4/hour")
    client = _client(client_of, app, _address())
    cookie = {"Cookie": f"folio_session={random.randrange(16**20):020x}"}
    refused = _spend(client, "/studio/sign-in", cookie, 200, '"session";q=4;w=3600')
    assert "from this session" in refused.json()["detail"]
    other = {"Cookie": f"theme=dark; __Host-folio_session={random.randrange(16**20):020x}"}
    assert client.get("/studio/sign-in", headers=other).status_code == 200
    for _ in range(2):  # the address's own budget is untouched, and /v1 ignores the cookie
        answer = client.get("/v1/articles?limit=1", headers=cookie)
        assert answer.headers["ratelimit-policy"] == '"anonymous";q=2;w=3600'
    assert client.get("/v1/articles?limit=1", headers=cookie).status_code == 429
    short = {"Cookie": "folio_session=x"}  # not a token: the address counts
    assert client.get("/studio/sign-in", headers=short).status_code == 429


def test_off_means_no_limit_and_no_fields(database: Database, client_of: list[TestClient]) -> None:
    client = _client(client_of, _app(database, rate_limit_anonymous="off"), _address())
    for _ in range(5):
        answer = client.get("/v1/articles/1")
        assert answer.status_code == 200
        assert "ratelimit" not in answer.headers


def test_processes_share_the_count_in_redis(
    database: Database, client_of: list[TestClient]
) -> None:
    """Two apps (two processes, or two nodes) and one Redis: one budget."""
    address = _address()
    first = _client(
        client_of, _app(database, rate_limit_anonymous="3/hour", redis_url=REDIS), address
    )
    second = _client(
        client_of, _app(database, rate_limit_anonymous="3/hour", redis_url=REDIS), address
    )
    assert first.get("/v1/articles/1").status_code == 200
    assert second.get("/v1/articles/1").status_code == 200
    assert first.get("/v1/articles/1").status_code == 200
    refused = second.get("/v1/articles/1")
    assert refused.status_code == 429
    assert refused.headers["ratelimit"].startswith('"anonymous";r=0;')


def test_without_its_storage_a_limit_lets_requests_through(
    database: Database, client_of: list[TestClient]
) -> None:
    down = "redis://127.0.0.1:9/0"  # nothing listens there
    client = _client(
        client_of, _app(database, rate_limit_anonymous="1/hour", redis_url=down), _address()
    )
    for _ in range(3):
        answer = client.get("/v1/articles/1")
        assert answer.status_code == 200
        assert "ratelimit" not in answer.headers


@pytest.mark.parametrize("value", ["lots", "5/fortnight", "-1/hour"])
def test_a_limit_that_cannot_be_read_stops_the_start(database: Database, value: str) -> None:
    with pytest.raises(ValueError, match="not a rate limit"):
        _app(database, rate_limit_anonymous=value)
