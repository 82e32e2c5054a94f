"""What a request and a write cost the database beyond their own queries: a read ends its
transaction with COMMIT, so PostgreSQL keeps the statements psycopg prepared on the connection,
and a write's process reads the change log once for it, not again when its own notification
comes back."""

import time
from collections.abc import Iterator
from itertools import pairwise
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event, text
from sqlmodel import Session, select

from api.articles.models import Article
from api.core.config import Settings
from api.core.db import transaction_memo
from api.main import create_app
from tests.conftest import Database, eventually, make_token

EDIT = {"Content-Type": "application/merge-patch+json"}


@pytest.fixture
def one_connection(fresh_database: Database) -> Iterator[TestClient]:
    """The app on a pool of one connection, with nothing kept in memory: every read renders."""
    settings = Settings(database_url=fresh_database.url, cache_max_entries=0, db_pool_size=1)
    with TestClient(create_app(settings)) as client:
        yield client


def test_a_read_ends_with_a_commit_and_keeps_what_was_prepared(
    one_connection: TestClient, fresh_database: Database
) -> None:
    engine: Engine = one_connection.app.state.engine  # type: ignore[attr-defined]
    ends: list[str] = []
    event.listen(engine, "commit", lambda _conn: ends.append("commit"))
    event.listen(engine, "rollback", lambda _conn: ends.append("rollback"))
    for n in range(12):  # past psycopg's threshold of five executions of a statement
        response = one_connection.get(f"/v1/articles?limit={n % 3 + 1}")
        assert response.status_code == 200
    assert set(ends) == {"commit"}, ends
    if fresh_database.url.startswith("postgresql"):
        with engine.connect() as conn:  # the pool's one connection
            prepared = conn.execute(text("SELECT count(*) FROM pg_prepared_statements")).scalar()
            conn.commit()
        assert prepared, "the reads' statements were not kept prepared"
    # A request that fails is still rolled back: nothing it did is kept.
    ends.clear()
    assert one_connection.get("/v1/articles?limit=1000").status_code == 422
    assert "commit" not in ends


def test_a_write_reads_the_change_log_once_in_its_process(fresh_database: Database) -> None:
    token = make_token(fresh_database, "write")
    seen: list[str] = []

    def statement(_conn: Any, _cursor: Any, sql: str, *_: Any) -> None:
        if "content_change" in sql and "min(" in sql:  # the watcher's reading (schedule._STATE)
            seen.append(sql)

    event.listen(Engine, "before_cursor_execute", statement)
    try:
        settings = Settings(database_url=fresh_database.url)
        with TestClient(create_app(settings)) as client:
            assert eventually(lambda: client.get("/v1/articles/1").status_code == 200)
            time.sleep(0.5)  # the watcher's first readings are over
            seen.clear()
            headers = {**EDIT, "Authorization": f"Bearer {token}"}
            edited = client.patch("/v1/articles/1", json={"summary": "Once"}, headers=headers)
            assert edited.status_code == 200
            assert client.get("/v1/articles/1").json()["summary"] == "Once"
            time.sleep(0.5)  # its notification came back meanwhile
    finally:
        event.remove(Engine, "before_cursor_execute", statement)
    if fresh_database.url.startswith("postgresql"):
        assert len(seen) == 1, seen
    else:  # SQLite tells the watcher of every commit (its own process's, a stored render's)
        assert seen


def test_a_write_reads_an_articles_labels_once_and_as_they_are_now(
    one_connection: TestClient, fresh_database: Database
) -> None:
    """A PATCH reads the byline and tags for the document it merges into, and neither looks
    them up again to resolve the same slugs nor reads them again for its revision; a label
    renamed earlier in the same transaction is recorded by its new slug."""
    headers = {"Authorization": f"Bearer {make_token(fresh_database, 'write')}"}
    client = one_connection
    for collection, name in (("authors", "Ada Byline"), ("tags", "Hiring"), ("tags", "Ops")):
        assert client.post(f"/v1/{collection}", json={"name": name}, headers=headers).is_success
    made = client.post(
        "/v1/articles",
        json={"title": "Labelled", "author": "ada-byline", "tags": ["hiring", "ops"]},
        headers=headers,
    )
    assert made.status_code == 201, made.text
    ref = made.json()["id"]
    engine: Engine = client.app.state.engine  # type: ignore[attr-defined]
    labels: list[str] = []

    links: list[str] = []

    def statement(_conn: Any, _cursor: Any, sql: str, *_: Any) -> None:
        words = sql.split()
        if words[0] == "SELECT" and any(
            a == "FROM" and b in ("tag", "author") for a, b in pairwise(words)
        ):
            labels.append(" ".join(words))
        # A write's reading of one link table alone (the answer's joins them to their rows).
        if words[0] == "SELECT" and any(
            a == "FROM" and b.startswith("article_") and c == "WHERE"
            for a, b, c in zip(words, words[1:], words[2:], strict=False)
        ):
            links.append(words[words.index("FROM") + 1])

    event.listen(engine, "before_cursor_execute", statement)
    try:
        edited = client.patch(
            f"/v1/articles/{ref}", json={"summary": "Once"}, headers={**headers, **EDIT}
        )
        assert edited.status_code == 200, edited.text
    finally:
        event.remove(engine, "before_cursor_execute", statement)
    assert edited.json()["tags"][0]["slug"] == "hiring"
    # The write: the byline by id and the tags through their links, once each (it read both
    # three times, and each slug once more); the answer, rendered after the commit, reads the
    # byline once more (its tags come with their links).
    assert len(labels) == 3, labels
    # Its links: the roles' only (they follow the comparisons' subjects too); the assets',
    # comparisons' and tags' follow from the body, the cover and the tags, which it kept.
    assert links == ["article_role"], links
    batch = client.post(
        "/v1/batch",
        json={
            "operations": [
                {
                    "op": "patch",
                    "collection": "articles",
                    "ref": str(ref),
                    "body": {"summary": "A"},
                },
                {"op": "patch", "collection": "tags", "ref": "hiring", "body": {"slug": "hires"}},
                {
                    "op": "patch",
                    "collection": "articles",
                    "ref": str(ref),
                    "body": {"summary": "B"},
                },
            ]
        },
        headers=headers,
    )
    assert batch.status_code == 200, batch.text
    last = client.get(f"/v1/articles/{ref}/revisions", headers=headers).json()["data"][0]
    content = client.get(f"/v1/articles/{ref}/revisions/{last['number']}", headers=headers).json()[
        "content"
    ]
    assert content["summary"] == "B"
    assert content["tags"] == ["hires", "ops"]
    assert content["author"] == "ada-byline"
    # A write that changes them writes them.
    links.clear()
    event.listen(engine, "before_cursor_execute", statement)
    try:
        retagged = client.patch(
            f"/v1/articles/{ref}", json={"tags": ["ops"]}, headers={**headers, **EDIT}
        )
        assert retagged.status_code == 200, retagged.text
    finally:
        event.remove(engine, "before_cursor_execute", statement)
    assert sorted(links) == ["article_role", "article_tag"], links
    assert [tag["slug"] for tag in retagged.json()["tags"]] == ["ops"]
    listed = client.get("/v1/articles?tag=hires", headers=headers).json()["data"]
    assert ref not in [item["id"] for item in listed]
    listed = client.get("/v1/articles?tag=ops", headers=headers).json()["data"]
    assert ref in [item["id"] for item in listed]


def test_a_transaction_memo_lives_as_long_as_its_transaction(fresh_database: Database) -> None:
    """What one transaction kept is never what another reads: after a commit, and between
    transactions, the memo starts empty."""
    with Session(fresh_database.engine) as session:
        session.exec(select(Article.id)).first()  # a transaction begins
        memo = transaction_memo(session, "test.memo")
        memo[1] = "read in the first"
        assert transaction_memo(session, "test.memo") is memo
        session.commit()
        between = transaction_memo(session, "test.memo")  # no transaction now
        assert between == {}
        between[1] = "kept by nobody"
        assert transaction_memo(session, "test.memo") == {}
        session.exec(select(Article.id)).first()  # the next one
        assert transaction_memo(session, "test.memo") == {}
        session.rollback()
