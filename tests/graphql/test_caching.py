"""Persisted queries by hash over GET (the automatic persisted queries protocol), answered as
REST answers: ETag, Cache-Control and the surrogate keys of all they read, kept by the response
cache and dropped by the same writes; POST answers and keyed answers are never cached."""

import hashlib
import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api.graphql.models import PersistedQuery
from api.main import create_app
from api.web.memory import ResponseCache
from tests.conftest import Configure, Database, Keys, make_token, settings_for
from tests.graphql.helpers import ARTICLE_PAGE

SEED = "ai-operating-partner-vs-fractional-caio-which-role-do-you-need"


def _hash(query: str) -> str:
    return hashlib.sha256(query.encode()).hexdigest()


def _persisted(query: str) -> dict[str, str]:
    return {
        "extensions": json.dumps({"persistedQuery": {"version": 1, "sha256Hash": _hash(query)}})
    }


def _get(client: TestClient, query: str, variables: dict[str, Any], **headers: str) -> Any:
    params = {**_persisted(query), "variables": json.dumps(variables)}
    return client.get("/graphql", params=params, headers=headers)


@pytest.fixture
def cached_client(fresh_database: Database) -> Iterator[TestClient]:
    app = create_app(settings_for(fresh_database.url))
    with TestClient(app) as client:  # runs the lifespan, which starts the content watcher
        yield client


def test_a_persisted_query_is_a_short_get_cached_and_invalidated_like_rest(
    cached_client: TestClient, fresh_database: Database
) -> None:
    client = cached_client
    cache: ResponseCache = client.app.state.cache  # type: ignore[attr-defined]
    variables = {"slug": SEED}
    unknown = _get(client, ARTICLE_PAGE, variables)
    assert unknown.status_code == 200
    assert unknown.json() == {
        "errors": [
            {
                "message": "PersistedQueryNotFound",
                "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"},
            }
        ]
    }
    assert unknown.headers["cache-control"] == "private, no-store"
    # Sent whole once, with its hash: answered, and kept.
    registered = client.post(
        "/graphql",
        json={
            "query": ARTICLE_PAGE,
            "variables": variables,
            "extensions": {"persistedQuery": {"version": 1, "sha256Hash": _hash(ARTICLE_PAGE)}},
        },
    )
    assert registered.status_code == 200, registered.text
    assert registered.headers["cache-control"] == "private, no-store"
    first = _get(client, ARTICLE_PAGE, variables)
    assert first.status_code == 200
    assert first.json() == registered.json()
    assert first.headers["cache-control"].startswith("public")
    keys = set(first.headers["surrogate-key"].split())
    assert {"article:1", "role:1", "role:2", "comparison:1", "author:1"} <= keys
    misses = cache.misses
    again = _get(client, ARTICLE_PAGE, variables)
    assert (cache.misses, again.content) == (misses, first.content)  # from memory
    assert (
        _get(
            client, ARTICLE_PAGE, variables, **{"If-None-Match": first.headers["etag"]}
        ).status_code
        == 304
    )
    # A write to anything it read drops it; a write to anything else leaves it.
    write = {"Authorization": f"Bearer {make_token(fresh_database, 'write')}"}
    other = client.post("/v1/tags", json={"name": "Unrelated"}, headers=write)
    assert other.status_code == 201
    hits = cache.hits
    assert _get(client, ARTICLE_PAGE, variables).content == first.content
    assert cache.hits == hits + 1
    renamed = client.patch(
        "/v1/roles/fractional-caio", json={"name": "Part-time CAIO"}, headers=write
    )
    assert renamed.status_code == 200, renamed.text
    fresh = _get(client, ARTICLE_PAGE, variables).json()["data"]["article"]
    assert "Part-time CAIO" in [r["name"] for r in fresh["roles"]]


def test_a_persisted_query_by_get_alone_registers_it_too(
    client: TestClient, session: Session
) -> None:
    query = "query($id: Int) { article(id: $id) { title } }"
    whole = client.get(
        "/graphql", params={"query": query, **_persisted(query), "variables": '{"id": 1}'}
    )
    assert whole.status_code == 200, whole.text
    kept = session.exec(select(PersistedQuery).where(PersistedQuery.sha256 == _hash(query))).one()
    assert kept.query == query
    by_hash = client.get("/graphql", params={**_persisted(query), "variables": '{"id": 1}'})
    assert by_hash.json() == whole.json()


def test_a_persisted_query_is_refused_when_its_hash_or_its_form_is_wrong(
    client: TestClient, session: Session
) -> None:
    query = "{ article(id: 1) { title } }"
    for extensions, message in (
        ({"persistedQuery": {"version": 1, "sha256Hash": _hash("{ other }")}},
         "The sha256Hash is not the query's."),
        ({"persistedQuery": {"version": 2, "sha256Hash": _hash(query)}},
         "persistedQuery: version 1 and a sha256Hash."),
        ({"persistedQuery": {"version": 1, "sha256Hash": "ABC"}},
         "sha256Hash: 64 lower-case hexadecimal digits."),
        ({"persistedQuery": "yes"}, "persistedQuery: version 1 and a sha256Hash."),
    ):  # fmt: skip
        refused = client.post("/graphql", json={"query": query, "extensions": extensions})
        assert refused.status_code == 400, refused.text
        assert refused.json()["errors"][0]["message"] == message
    # An invalid query is answered with its errors, and not kept.
    wrong = "{ article(id: 1) { nothing } }"
    refused = client.post(
        "/graphql",
        json={
            "query": wrong,
            "extensions": {"persistedQuery": {"version": 1, "sha256Hash": _hash(wrong)}},
        },
    )
    assert refused.status_code == 400
    assert session.exec(select(PersistedQuery)).all() == []


def test_the_store_of_persisted_queries_is_bounded(
    client: TestClient, session: Session, configure: Configure
) -> None:
    configure(FOLIO_GRAPHQL_MAX_PERSISTED="2")
    for n in range(4):
        query = f"{{ article(id: {n + 1}) {{ id }} }}"
        ran = client.post(
            "/graphql",
            json={
                "query": query,
                "extensions": {"persistedQuery": {"version": 1, "sha256Hash": _hash(query)}},
            },
        )
        assert ran.status_code == 200  # answered, kept or not
    assert len(session.exec(select(PersistedQuery)).all()) == 2


def test_only_an_anonymous_get_of_public_content_without_errors_is_public(
    client: TestClient, keys: Keys
) -> None:
    query = {"query": "{ article(id: 1) { title } }"}
    public = client.get("/graphql", params=query)
    assert public.headers["cache-control"].startswith("public")
    assert public.headers["etag"]
    keyed = client.get("/graphql", params=query, headers=keys.auth("read"))
    assert keyed.headers["cache-control"] == "private, no-store"
    assert "surrogate-key" not in keyed.headers
    posted = client.post("/graphql", json=query)
    assert posted.headers["cache-control"] == "private, no-store"
    failed = client.get("/graphql", params={"query": '{ articles(sort: "x") { nodes { id } } }'})
    assert failed.status_code == 200
    assert failed.json()["errors"]
    assert failed.headers["cache-control"] == "private, no-store"
