"""POST /v1/batch: up to 100 writes to any collection in one transaction, all or nothing,
each answered as its own request would be, each an event of its own; If-Match per operation
and Idempotency-Key on the whole batch."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from api.articles.models import Article
from api.events.models import Event
from api.history.models import Revision
from api.labels.models import Tag
from tests.conftest import Configure, Keys


def _batch(client: TestClient, keys: Keys, *operations: dict[str, Any], **headers: str) -> Any:
    return client.post(
        "/v1/batch",
        json={"operations": list(operations)},
        headers={**keys.auth("write"), **headers},
    )


def _count(session: Session, model: Any) -> int:
    return int(session.exec(select(func.count()).select_from(model)).one())


def _state(session: Session) -> tuple[int, int, int, int]:
    return (
        _count(session, Article),
        _count(session, Tag),
        _count(session, Event),
        _count(session, Revision),
    )


def test_a_batch_applies_every_operation_and_answers_each(
    client: TestClient, keys: Keys, session: Session
) -> None:
    seed = client.get("/v1/articles/1", headers=keys.auth("read"))
    events_before = _count(session, Event)
    answer = _batch(
        client,
        keys,
        {"op": "create", "collection": "tags", "body": {"name": "Hiring"}},
        {"op": "create", "collection": "authors", "body": {"name": "Guest Writer"}},
        {  # uses what the two operations before it made
            "op": "create",
            "collection": "articles",
            "body": {
                "title": "Hiring an operating partner",
                "slug": "hiring-an-operating-partner",
                "author": "guest-writer",
                "tags": ["hiring"],
                "status": "published",
                "body_markdown": "What to ask **first**.",
            },
        },
        {
            "op": "patch",
            "collection": "articles",
            "ref": "hiring-an-operating-partner",
            "body": {"summary": "Questions to ask."},
        },
        {
            "op": "patch",
            "collection": "roles",
            "ref": "fractional-caio",
            "body": {"aliases": ["Part-time CAIO"]},
            "if_match": client.get("/v1/roles/fractional-caio").headers["etag"],
        },
        {"op": "create", "collection": "tags", "body": {"name": "Short lived"}},
        {"op": "delete", "collection": "tags", "ref": "short-lived"},
    )
    assert answer.status_code == 200, answer.text
    assert answer.headers["cache-control"] == "private, no-store"
    results = answer.json()["results"]
    assert [(r["index"], r["op"], r["collection"], r["status"]) for r in results] == [
        (0, "create", "tags", 201),
        (1, "create", "authors", 201),
        (2, "create", "articles", 201),
        (3, "patch", "articles", 200),
        (4, "patch", "roles", 200),
        (5, "create", "tags", 201),
        (6, "delete", "tags", 204),
    ]
    article = results[3]
    assert article["data"]["summary"] == "Questions to ask."
    assert article["data"]["tags"][0]["slug"] == "hiring"
    assert article["data"]["author"]["name"] == "Guest Writer"
    assert article["data"]["version"] == 2
    assert results[6]["data"] is None
    assert results[6]["etag"] is None
    # Each ETag is the one GET gives now, good for the next If-Match.
    for result in results[3:5]:
        got = client.get(f"/v1/{result['collection']}/{result['slug']}", headers=keys.auth("read"))
        assert got.headers["etag"] == result["etag"]
    assert client.get("/v1/roles/fractional-caio").json()["aliases"] == ["Part-time CAIO"]
    assert client.get("/v1/tags/short-lived").status_code == 404
    assert client.get("/v1/articles/hiring-an-operating-partner").status_code == 200
    # One event per change, in order; the seed article untouched.
    events = session.exec(select(Event).order_by(Event.id)).all()[events_before:]  # type: ignore[arg-type]
    assert [e.type for e in events] == [
        "tag.published",  # labels have no workflow: public when made
        "author.published",
        "article.published",
        "article.updated",
        "role.updated",
        "tag.published",
        "tag.deleted",
    ]
    assert client.get("/v1/articles/1", headers=keys.auth("read")).content == seed.content


def test_the_first_failure_leaves_nothing_written(
    client: TestClient, keys: Keys, session: Session
) -> None:
    before = _state(session)
    stale = client.get("/v1/articles/1").headers["etag"]
    client.patch(
        "/v1/roles/fractional-caio", json={"aliases": ["CAIO"]}, headers=keys.auth("write")
    )
    cases: list[tuple[dict[str, Any], int, str]] = [
        # If-Match that is no longer current: 412
        ({"op": "patch", "collection": "roles", "ref": "fractional-caio", "body": {},
          "if_match": stale}, 412, "stale-precondition"),
        # nothing by that ref: 404
        ({"op": "delete", "collection": "articles", "ref": "no-such-article"}, 404, "not-found"),
        # a slug an earlier operation took: 409
        ({"op": "create", "collection": "tags", "body": {"name": "Brand new"}}, 409, "slug-taken"),
        # a body the collection refuses: 422, located in the batch
        ({"op": "create", "collection": "articles", "body": {"title": ""}}, 422, "invalid-body"),
        # a role still used: 409
        ({"op": "delete", "collection": "roles", "ref": "fractional-caio"}, 409,
         "still-referenced"),
    ]  # fmt: skip
    before = _state(session)
    for failing, status, code in cases:
        answer = _batch(
            client,
            keys,
            {"op": "create", "collection": "tags", "body": {"name": "Brand new"}},
            {"op": "patch", "collection": "articles", "ref": "1", "body": {"summary": "Gone"}},
            failing,
        )
        assert answer.status_code == status, answer.text
        assert answer.headers["content-type"] == "application/problem+json"
        problem = answer.json()
        assert problem["type"] == f"urn:folio:problem:{code}"
        assert problem["operation"] == 2
        assert problem["detail"].startswith(f"operations[2] ({failing['op']} ")
        assert _state(session) == before, failing
        assert client.get("/v1/tags/brand-new").status_code == 404
        assert client.get("/v1/articles/1").json()["summary"] != "Gone"
    invalid = _batch(
        client, keys, {"op": "create", "collection": "articles", "body": {"title": ""}}
    ).json()
    assert invalid["errors"][0]["loc"] == ["body", "operations", "0", "body", "title"]


def test_an_old_slug_in_a_batch_is_not_followed(client: TestClient, keys: Keys) -> None:
    made = _batch(client, keys, {"op": "create", "collection": "tags", "body": {"name": "Old"}})
    assert made.status_code == 200
    renamed = _batch(
        client, keys, {"op": "patch", "collection": "tags", "ref": "old", "body": {"slug": "new"}}
    )
    assert renamed.status_code == 200
    moved = _batch(client, keys, {"op": "delete", "collection": "tags", "ref": "old"})
    assert moved.status_code == 404
    assert "'new'" in moved.json()["detail"]


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ({"operations": []}, ["body", "operations"]),
        ({"operations": [{"op": "delete", "collection": "tags", "ref": "x"}] * 101},
         ["body", "operations"]),
        ({}, ["body", "operations"]),
        ({"operations": [{"op": "create", "collection": "keys", "body": {}}]},
         ["body", "operations", "0", "collection"]),
        ({"operations": [{"op": "upsert", "collection": "tags", "body": {}}]},
         ["body", "operations", "0", "op"]),
        ({"operations": [{"op": "patch", "collection": "tags", "body": {}}]},
         ["body", "operations", "0"]),
        ({"operations": [{"op": "delete", "collection": "tags", "ref": "a", "body": {}}]},
         ["body", "operations", "0"]),
        ({"operations": [{"op": "create", "collection": "tags", "ref": "a", "body": {}}]},
         ["body", "operations", "0"]),
        ({"operations": [{"op": "create", "collection": "tags"}]}, ["body", "operations", "0"]),
        ({"operations": [{"op": "create", "collection": "tags", "body": [1]}]},
         ["body", "operations", "0", "body"]),
        ({"operations": [{"op": "delete", "collection": "tags", "ref": "a", "etag": "x"}]},
         ["body", "operations", "0", "etag"]),
        ({"operations": [{"op": "delete", "collection": "tags", "ref": "a" * 121}]},
         ["body", "operations", "0", "ref"]),
        ({"operations": "all"}, ["body", "operations"]),
        ({"operations": [{"op": "create", "collection": "roles", "locale": "de", "body": {}}]},
         ["body", "operations", "0"]),
        ({"operations": [{"op": "delete", "collection": "tags", "ref": "a", "locale": "de"}]},
         ["body", "operations", "0"]),
        ({"operations": [{"op": "delete", "collection": "roles", "ref": "a", "locale": ""}]},
         ["body", "operations", "0", "locale"]),
    ],
)  # fmt: skip
def test_a_malformed_batch_is_422_and_writes_nothing(
    client: TestClient, keys: Keys, session: Session, body: Any, where: list[str]
) -> None:
    before = _state(session)
    answer = client.post("/v1/batch", json=body, headers=keys.auth("write"))
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert any(error["loc"][: len(where)] == where for error in answer.json()["errors"]), (
        answer.json()
    )
    assert _state(session) == before


def test_a_batch_needs_a_write_key(client: TestClient, keys: Keys, session: Session) -> None:
    operation = {"op": "create", "collection": "tags", "body": {"name": "Nope"}}
    before = _state(session)
    assert client.post("/v1/batch", json={"operations": [operation]}).status_code == 401
    read = client.post("/v1/batch", json={"operations": [operation]}, headers=keys.auth("read"))
    assert read.status_code == 403
    not_json = client.post(
        "/v1/batch",
        content=b"operations",
        headers={**keys.auth("write"), "Content-Type": "text/plain"},
    )
    assert not_json.status_code in (415, 422)
    assert client.get("/v1/batch").status_code == 405
    assert _state(session) == before


def test_if_match_is_required_per_operation_when_the_server_asks_for_it(
    client: TestClient, keys: Keys, configure: Configure
) -> None:

    configure(FOLIO_REQUIRE_IF_MATCH="true")
    bare = _batch(client, keys, {"op": "patch", "collection": "articles", "ref": "1", "body": {}})
    assert bare.status_code == 428
    etag = client.get("/v1/articles/1", headers=keys.auth("read")).headers["etag"]
    matched = _batch(
        client,
        keys,
        {"op": "patch", "collection": "articles", "ref": "1", "body": {}, "if_match": etag},
        {"op": "create", "collection": "tags", "body": {"name": "Fine"}},
    )
    assert matched.status_code == 200, matched.text


def test_an_idempotency_key_replays_the_batch(
    client: TestClient, keys: Keys, session: Session
) -> None:
    operations: tuple[dict[str, Any], ...] = (
        {"op": "create", "collection": "tags", "body": {"name": "Once"}},
        {"op": "create", "collection": "articles", "body": {"title": "Made once"}},
    )
    first = _batch(client, keys, *operations, **{"Idempotency-Key": "batch-1"})
    assert first.status_code == 200, first.text
    state = _state(session)
    again = _batch(client, keys, *operations, **{"Idempotency-Key": "batch-1"})
    assert again.status_code == 200
    assert again.content == first.content
    assert _state(session) == state
    other = _batch(client, keys, operations[0], **{"Idempotency-Key": "batch-1"})
    assert other.status_code == 422
    assert other.json()["type"] == "urn:folio:problem:idempotency-key-reused"
    # Without the key the same batch is a new one: the tag's slug is taken now.
    assert _batch(client, keys, *operations).status_code == 409


def test_a_batch_invalidates_what_it_changed(client: TestClient, keys: Keys) -> None:
    seen = client.get("/v1/roles/fractional-caio")
    assert client.get("/v1/roles/fractional-caio").headers.get("x-cache") in ("HIT", None)
    changed = _batch(
        client,
        keys,
        {
            "op": "patch",
            "collection": "roles",
            "ref": "fractional-caio",
            "body": {"aliases": ["X"]},
        },
    )
    assert changed.status_code == 200
    after = client.get("/v1/roles/fractional-caio")
    assert after.json()["aliases"] == ["X"]
    assert after.headers["etag"] != seen.headers["etag"]


def test_a_batch_writes_translations_too(
    client: TestClient, keys: Keys, session: Session, configure: Configure
) -> None:
    configure(FOLIO_LOCALES="en,de,fr")
    role = {"name": "Teilzeit-CAIO", "definition": "Ein KI-Chef auf Zeit.", "status": "published"}
    answer = _batch(
        client,
        keys,
        {"op": "replace", "collection": "roles", "ref": "fractional-caio", "locale": "de",
         "body": role},
        {"op": "replace", "collection": "articles", "ref": "1", "locale": "de",
         "body": {"title": "Welche Rolle brauchen Sie?", "body_markdown": "Kurz gesagt."}},
        {"op": "patch", "collection": "articles", "ref": "1", "locale": "de",
         "body": {"status": "published"}},
    )  # fmt: skip
    assert answer.status_code == 200, answer.text
    results = answer.json()["results"]
    assert [(r["status"], r["locale"], r["id"]) for r in results] == [
        (201, "de", 2),
        (201, "de", 1),
        (200, "de", 1),
    ]
    assert results[0]["slug"] == "teilzeit-caio"
    assert results[0]["data"]["name"] == "Teilzeit-CAIO"
    assert results[2]["data"]["status"] == "published"
    german = client.get("/v1/articles/1?locale=de")
    assert german.json()["title"] == "Welche Rolle brauchen Sie?"
    assert german.headers["etag"] != results[2]["etag"]  # the article's, not its translation's
    translation = client.get("/v1/articles/1/translations/de", headers=keys.auth("read"))
    assert translation.headers["etag"] == results[2]["etag"]
    assert client.get("/v1/roles/teilzeit-caio").json()["name"] == "Teilzeit-CAIO"
    # All or nothing: a failing operation after a translation leaves the translation unwritten.
    before = _state(session)
    failing = _batch(
        client,
        keys,
        {"op": "replace", "collection": "roles", "ref": "ai-operating-partner", "locale": "fr",
         "body": {"name": "Partenaire", "definition": "Un partenaire."}},
        {"op": "delete", "collection": "roles", "ref": "fractional-caio", "locale": "fr"},
    )  # fmt: skip
    assert failing.status_code == 404, failing.text
    assert failing.json()["operation"] == 1
    assert failing.json()["detail"].startswith(
        "operations[1] (delete roles/fractional-caio/translations/fr)"
    )
    assert _state(session) == before
    listed = client.get("/v1/roles/ai-operating-partner/translations", headers=keys.auth("read"))
    assert listed.json()["data"] == []
    # A locale this API does not have, or the default: 422 at the operation's locale.
    for locale in ("xx", "en"):
        refused = _batch(
            client,
            keys,
            {"op": "delete", "collection": "roles", "ref": "fractional-caio", "locale": locale},
        )
        assert refused.status_code == 422, refused.text
        assert refused.json()["errors"][0]["loc"] == ["body", "operations", "0", "locale"]
    # And a deletion, answered without data.
    gone = _batch(
        client,
        keys,
        {"op": "delete", "collection": "roles", "ref": "fractional-caio", "locale": "de",
         "if_match": results[0]["etag"]},
    )  # fmt: skip
    assert gone.status_code == 200, gone.text
    (result,) = gone.json()["results"]
    assert (result["status"], result["slug"], result["data"]) == (204, "teilzeit-caio", None)
    assert client.get("/v1/roles/fractional-caio?locale=de").json()["fallback"] is True
