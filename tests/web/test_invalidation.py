"""Precise invalidation and stored representations: a write drops exactly what shows what it
changed, in memory and in the database, and a miss in memory is one query."""

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx2 as httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, func, text
from sqlmodel import Session, col, select

from api.articles import service as articles_service
from api.articles.models import Article, ArticleInput
from api.core.config import Settings
from api.core.surrogates import ContentChange, Representation, RepresentationKey
from api.core.workflow import Status
from api.main import create_app
from api.roles.models import Role
from api.schedule import read_changes
from api.warm import warm_articles
from api.web.entry import Entry, keys_in
from api.web.memory import ResponseCache
from tests.conftest import Database, eventually, make_token, settings_for


def other_article(database: Database, title: str = "Another article") -> int:
    with Session(database.engine) as session:
        article = articles_service.create_article(
            session, ArticleInput(title=title, status=Status.published), key=None
        )
        session.commit()
        assert article.id is not None
        return article.id


def rename_article(database: Database, article_id: int, title: str) -> None:
    with Session(database.engine) as session:
        articles_service.update_article(
            session, str(article_id), patch={"title": title}, key=None, if_match=None
        )


def rename_role(database: Database, role_id: int, name: str) -> None:
    """A commit the way another process would make it: its own session and connection."""
    with Session(database.engine) as session:
        role = session.get(Role, role_id)
        assert role is not None
        role.name = name
        role.version += 1
        session.add(role)
        session.commit()


@contextmanager
def counted(database: Database, client: TestClient) -> Iterator[list[str]]:
    """The SQL statements the app sends meanwhile: through its engine (``database.engine``) and
    through the connections its representation store reads with (told by the driver)."""
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement != "BEGIN":  # SQLite's, sent by Folio itself: no query
            seen.append(statement)

    store = cache_of(client).store
    assert store is not None
    event.listen(database.engine, "before_cursor_execute", count)
    store.listeners.append(seen.append)
    try:
        yield seen
    finally:
        event.remove(database.engine, "before_cursor_execute", count)
        store.listeners.remove(seen.append)


def client_for(database: Database, **options: Any) -> TestClient:
    settings = Settings(database_url=database.url, **options)
    return TestClient(create_app(settings, engine=database.engine))


@pytest.fixture
def cached(fresh_database: Database) -> Iterator[TestClient]:
    with TestClient(create_app(settings_for(fresh_database.url))) as client:
        yield client


def cache_of(client: TestClient) -> ResponseCache:
    cache: ResponseCache = client.app.state.cache  # type: ignore[attr-defined]
    return cache


def test_responses_name_what_they_show(cached: TestClient) -> None:
    response = cached.get("/v1/articles/1")
    keys = set(response.headers["surrogate-key"].split())
    assert response.headers["cache-tag"] == response.headers["surrogate-key"]
    # The article, its author, the roles it defines and the comparison it embeds.
    assert {"article:1", "author:1", "role:1", "role:2", "comparison:1"} <= keys
    assert "articles" not in keys  # one article is not the list of them
    listed = set(cached.get("/v1/articles").headers["surrogate-key"].split())
    assert {"articles", "article:1"} <= listed
    # A search walks the three searchable collections, not everything.
    found = cached.get("/v1/search", params={"q": "operating"}).headers["surrogate-key"]
    assert set(found.split()) == {"articles", "roles", "comparisons"}
    role = set(cached.get("/v1/roles/1").headers["surrogate-key"].split())
    assert "role:1" in role
    assert "articles" not in role
    # What a key unlocked is private: no keys for a shared cache to purge.
    private = cached.get("/v1/articles/1", headers={"Authorization": "Bearer nope"})
    assert "surrogate-key" not in private.headers


def test_editing_one_article_leaves_another_in_memory(
    cached: TestClient, fresh_database: Database
) -> None:
    cache = cache_of(cached)
    other = other_article(fresh_database)
    first = cached.get("/v1/articles/1")
    assert cached.get(f"/v1/articles/{other}").status_code == 200
    rename_article(fresh_database, other, "Edited elsewhere")
    assert eventually(
        lambda: cached.get(f"/v1/articles/{other}").json()["title"] == "Edited elsewhere"
    )
    hits, misses = cache.hits, cache.misses
    again = cached.get("/v1/articles/1")
    assert (cache.hits, cache.misses) == (hits + 1, misses)  # still in memory
    assert again.content == first.content


def test_editing_an_article_that_shows_the_same_roles_leaves_the_other_alone(
    cached: TestClient, fresh_database: Database
) -> None:
    """Through the API: B shows the seed's roles and comparison too, and an edit of its
    summary changes B alone. Its links are as they were, so they are not written again, and
    the roles they point at are not named as changed."""
    write = {"Authorization": f"Bearer {make_token(fresh_database, 'write')}"}
    seed = cached.get("/v1/articles/1")
    made = cached.post(
        "/v1/articles",
        json={"title": "B", "status": "published", "body": seed.json()["body"]},
        headers=write,
    )
    assert made.status_code == 201, made.text
    b = made.json()
    assert {r["id"] for r in b["roles"]} == {r["id"] for r in seed.json()["roles"]} != set()
    with client_for(fresh_database, cache_max_entries=0) as other_process:
        assert other_process.get("/v1/articles/1").status_code == 200
        assert eventually(lambda: _stored(fresh_database) >= 1)
    stored = _stored(fresh_database)
    cache = cache_of(cached)
    assert cached.get("/v1/articles/1").content == seed.content
    edited = cached.patch(
        f"/v1/articles/{b['id']}",
        json={"summary": "Only B changes"},
        headers={**write, "Content-Type": "application/merge-patch+json"},
    )
    assert edited.status_code == 200, edited.text
    with Session(fresh_database.engine) as session:
        latest = session.exec(select(ContentChange).order_by(col(ContentChange.id).desc())).first()
    assert latest is not None
    assert set(latest.changed) == {f"article:{b['id']}", "articles", "events"}
    assert _stored(fresh_database) == stored  # the seed's stored bytes are still there
    hits, misses = cache.hits, cache.misses
    assert cached.get("/v1/articles/1").content == seed.content
    assert (cache.hits, cache.misses) == (hits + 1, misses)  # and still in memory
    # Changing what B links to names the role it no longer shows (its page lists B).
    unlinked = cached.patch(
        f"/v1/articles/{b['id']}",
        json={"body": [{"_type": "block", "children": [{"_type": "span", "text": "Plain."}]}]},
        headers={**write, "Content-Type": "application/merge-patch+json"},
    )
    assert unlinked.status_code == 200, unlinked.text
    assert unlinked.json()["roles"] == []
    with Session(fresh_database.engine) as session:
        latest = session.exec(select(ContentChange).order_by(col(ContentChange.id).desc())).first()
    assert latest is not None
    assert {f"role:{r['id']}" for r in seed.json()["roles"]} <= set(latest.changed)


def test_renaming_a_role_drops_the_article_that_shows_it(
    cached: TestClient, fresh_database: Database
) -> None:
    cache = cache_of(cached)
    before = cached.get("/v1/articles/1")
    assert cached.get("/v1/articles/1").content == before.content
    rename_role(fresh_database, 1, "Renamed role")

    def shows_new_name() -> bool:
        return "Renamed role" in cached.get("/v1/articles/1").text

    assert eventually(shows_new_name)

    def from_memory() -> bool:
        hits = cache.hits
        return "Renamed role" in cached.get("/v1/articles/1").text and cache.hits == hits + 1

    assert eventually(from_memory)  # kept again once rendered


def _stored_render(client: TestClient, database: Database) -> Any:
    """Article 1 rendered, once its representation is in the database."""
    rendered = client.get("/v1/articles/1")
    assert eventually(lambda: _stored(database) == 1)
    return rendered


def test_a_miss_in_memory_is_one_query_from_the_stored_representation(
    fresh_database: Database,
) -> None:
    with client_for(fresh_database, cache_max_entries=0) as first:
        rendered = _stored_render(first, fresh_database)
    # Another process: nothing in memory, and the render is found in the database.
    with client_for(fresh_database, cache_max_entries=0) as second:
        for ref in ("1", rendered.json()["slug"]):
            with counted(fresh_database, second) as statements:
                again = second.get(f"/v1/articles/{ref}")
            assert again.content == rendered.content
            assert again.headers["etag"] == rendered.headers["etag"]
            assert len(statements) == 1, statements
        assert cache_of(second).stored_hits == 2
        assert second.get("/v1/articles/1?format=md").status_code == 200
        assert eventually(lambda: _stored(fresh_database) == 2)


def test_misses_that_arrive_together_are_read_together_each_with_its_own_answer(
    fresh_database: Database,
) -> None:
    """On PostgreSQL, the misses that wait while a read is in flight share the next statement;
    each still gets its own document, its own 404 and its own variant."""
    others = [other_article(fresh_database, f"Batched article {n}") for n in range(4)]
    with client_for(fresh_database, cache_max_entries=0) as first:
        slug = first.get("/v1/articles/1").json()["slug"]
        paths = [
            "/v1/articles/1",
            f"/v1/articles/{slug}",
            "/v1/articles/1?format=md",
            "/v1/articles/999999",
            "/v1/articles/no-such-article",
            "/v1/articles/99999999999999999999",
            "/v1/roles/1",
            "/v1/comparisons/1",
            "/v1/roles",
            *(f"/v1/articles/{other}" for other in others),
        ] * 3
        expected = {path: first.get(path) for path in paths}
        assert eventually(lambda: _stored(fresh_database) == len(others) + 5)
    app = create_app(Settings(database_url=fresh_database.url, cache_max_entries=0))
    store = app.state.cache.store
    seen: list[str] = []

    async def burst() -> list[httpx.Response]:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://folio") as http:
                assert (await http.get("/v1/roles")).status_code == 200  # the pool is open
                store.listeners.append(seen.append)
                return list(await asyncio.gather(*(http.get(path) for path in paths)))

    for path, response in zip(paths, asyncio.run(burst()), strict=True):
        assert response.status_code == expected[path].status_code, path
        assert response.content == expected[path].content, path
    assert app.state.cache.stored_hits >= len(others) * 3 + 5 * 3
    reads = [statement for statement in seen if "representation" in statement]
    if fresh_database.url.startswith("postgresql"):
        # Three shapes of address (by id, by slug, a query): a statement each, per batch.
        assert len(reads) <= len(paths) // 3, reads
    else:
        assert len(reads) == len(paths)


def test_a_write_deletes_the_stored_representations_it_makes_stale(
    fresh_database: Database,
) -> None:
    other = other_article(fresh_database)
    with client_for(fresh_database, cache_max_entries=0) as client:
        client.get("/v1/articles/1")
        client.get(f"/v1/articles/{other}")
        client.get("/v1/roles/1")
        assert eventually(lambda: _stored(fresh_database) == 3)
        rename_article(fresh_database, other, "Changed")
        assert _stored(fresh_database) == 2  # in the same transaction as the write
        rename_role(fresh_database, 1, "Renamed role")
        assert _stored(fresh_database) == 0  # the role, and the article that shows it
        assert "Renamed role" in client.get("/v1/articles/1").text
    with Session(fresh_database.engine) as session:
        latest = session.exec(
            select(ContentChange).order_by(ContentChange.id.desc())  # type: ignore[union-attr]
        ).first()
    assert latest is not None
    assert [k for k in latest.changed if k.startswith("role")] == ["role:1", "roles"]


def test_a_render_older_than_a_commit_is_not_stored(fresh_database: Database) -> None:
    with client_for(fresh_database, cache_max_entries=0) as client:
        store = client.app.state.cache.store  # type: ignore[attr-defined]
        address = store.address("/v1/articles/1", b"", b"")
        found = store.fetch(address)
        entry = client.get("/v1/articles/1")
        assert eventually(lambda: _stored(fresh_database) == 1)
        with Session(fresh_database.engine) as session:
            session.execute(Representation.__table__.delete())  # type: ignore[attr-defined]
            session.commit()
        rename_article(fresh_database, other_article(fresh_database), "Meanwhile")
        rendered = cache_of(client).get((b"/v1/articles/1", b"", b""))
        assert rendered is None
        pairs = [(k.encode(), v.encode()) for k, v in entry.headers.items()]
        late = Entry(200, pairs, entry.content, entry.headers["etag"].encode(), keys_in(pairs))
        assert not store.save(found, late, None)  # a change was committed after it was read
        assert _stored(fresh_database) == 0


def _stored(database: Database) -> int:
    with Session(database.engine) as session:
        count = session.execute(select(func.count()).select_from(Representation)).scalar_one()
        keys = session.execute(select(func.count()).select_from(RepresentationKey)).scalar_one()
    assert (count == 0) == (keys == 0)
    return int(count)


def test_warming_stores_what_a_reader_would_get(fresh_database: Database) -> None:
    other = other_article(fresh_database)
    with client_for(fresh_database, cache_max_entries=0, store_representations=False) as live:
        rendered = {i: live.get(f"/v1/articles/{i}") for i in (1, other)}
    assert warm_articles(fresh_database.engine) == 2
    if fresh_database.engine.dialect.name == "postgresql":  # the store's statistics, fresh
        analyzed = text(
            "SELECT count(*) FROM pg_stat_user_tables WHERE last_analyze IS NOT NULL"
            " AND relname IN ('representation', 'representation_key')"
        )

        def fresh_statistics() -> bool:
            with fresh_database.engine.connect() as conn:
                return bool(conn.execute(analyzed).scalar_one() == 2)

        assert eventually(fresh_statistics)
    assert warm_articles(fresh_database.engine) == 0  # nothing left to render
    with client_for(fresh_database, cache_max_entries=0) as client:
        for i, live_response in rendered.items():
            with counted(fresh_database, client) as statements:
                stored = client.get(f"/v1/articles/{i}")
            assert len(statements) == 1
            assert stored.content == live_response.content
            assert stored.headers["etag"] == live_response.headers["etag"]
        rename_article(fresh_database, other, "Changed")
        assert _stored(fresh_database) == 1  # the other article's is gone, article 1's kept
        rename_role(fresh_database, 2, "Renamed")
        assert _stored(fresh_database) == 0  # warmed articles depend on every role


def test_an_unpublished_article_is_not_served_from_the_store(fresh_database: Database) -> None:
    other = other_article(fresh_database, "Soon a draft")
    with client_for(fresh_database, cache_max_entries=0) as client:
        assert client.get(f"/v1/articles/{other}").status_code == 200
        assert eventually(lambda: _stored(fresh_database) == 1)
        with Session(fresh_database.engine) as session:
            articles_service.update_article(
                session, str(other), patch={"status": "draft"}, key=None, if_match=None
            )
        assert _stored(fresh_database) == 0
    with client_for(fresh_database, cache_max_entries=0) as fresh:
        assert fresh.get(f"/v1/articles/{other}").status_code == 404


QUERIES = (
    "/v1/articles?limit=5",
    "/v1/search?q=operating",
    "/v1/feeds/articles.rss",
    "/v1/roles",
    "/graphql?query=%7Barticles%7Bnodes%7Btitle%7D%7D%7D",  # { articles { nodes { title } } }
)


def _stored_queries(database: Database) -> list[str]:
    with Session(database.engine) as session:
        return list(
            session.exec(
                select(Representation.variant)
                .where(Representation.resource_type == "query")
                .order_by(col(Representation.id))
            )
        )


def test_lists_searches_and_feeds_are_stored_until_what_they_list_changes(
    fresh_database: Database,
) -> None:
    with client_for(fresh_database, cache_max_entries=0) as first:
        rendered = {path: first.get(path) for path in QUERIES}
        assert all(r.status_code == 200 for r in rendered.values())
        assert eventually(lambda: sorted(_stored_queries(fresh_database)) == sorted(QUERIES))
    with client_for(fresh_database, cache_max_entries=0) as second:
        for path, before in rendered.items():
            with counted(fresh_database, second) as statements:
                again = second.get(path)
            assert again.content == before.content, path
            assert again.headers["etag"] == before.headers["etag"]
            assert len(statements) == 1, (path, statements)
        # A new published article changes the article list, the search and the feed; the
        # list of roles does not show it and stays.
        other_article(fresh_database, "Operating cadence for a new partner")
        assert _stored_queries(fresh_database) == ["/v1/roles"]
        titles = [hit["title"] for hit in second.get("/v1/search?q=operating").json()["data"]]
        assert "Operating cadence for a new partner" in titles
        assert "Operating cadence" in second.get("/v1/feeds/articles.rss").text


def test_stored_queries_are_bounded_the_newest_kept(fresh_database: Database) -> None:
    paths = [f"/v1/articles?limit={n}" for n in range(1, 6)]
    with client_for(fresh_database, cache_max_entries=0, stored_queries_max=2) as client:
        for path in paths:
            assert client.get(path).status_code == 200
            assert eventually(lambda p=path: p in _stored_queries(fresh_database))  # type: ignore[misc]
        assert _stored_queries(fresh_database) == paths[-2:]
        # Past the longest address, a query is rendered every time and not stored.
        long = "/v1/search?q=" + "operating+" * 120
        assert client.get(long).status_code in (200, 422)
        assert _stored_queries(fresh_database) == paths[-2:]
    with client_for(fresh_database, cache_max_entries=0, stored_queries_max=0) as none:
        assert none.get("/v1/roles").status_code == 200
        assert _stored_queries(fresh_database) == paths[-2:]


def test_a_stored_body_that_does_not_decompress_is_rendered_afresh(
    fresh_database: Database,
) -> None:
    with client_for(fresh_database, cache_max_entries=0) as client:
        rendered = _stored_render(client, fresh_database)
        with Session(fresh_database.engine) as session:
            session.execute(
                Representation.__table__.update().values(body=b"not zlib")  # type: ignore[attr-defined]
            )
            session.commit()
        again = client.get("/v1/articles/1")
        assert again.status_code == 200
        assert again.content == rendered.content


def test_a_write_here_takes_the_snapshot_before_answering_and_one_seen_there_waits_for_none(
    cached: TestClient, fresh_database: Database
) -> None:
    watcher = cache_of(cached).watcher
    assert watcher is not None
    other = other_article(fresh_database)
    assert eventually(lambda: watcher.snapshot() is not None)
    before = watcher.snapshot()
    assert before is not None
    rename_article(fresh_database, other, "Edited here")  # this process: bump
    after = watcher.snapshot()
    assert after is not None  # taken in the writer's thread: no request waits for it
    assert after.generation != before.generation
    assert after.last_modified is not None
    assert before.last_modified is None or after.last_modified >= before.last_modified
    watcher._observed()  # a commit noticed in the database (another process's, say)
    assert watcher.snapshot() is after  # still served while the watcher takes a new one
    assert eventually(lambda: watcher.snapshot() is not after)


@pytest.mark.calendar
def test_the_watchers_reading_names_each_change_once_and_gives_up_past_its_batch(
    fresh_database: Database,
) -> None:
    """What a watcher reads after a write (``read_changes``): the changes committed since the
    last it read, oldest first and each once; none it has not seen when it has read none
    before or when more came than it reads at a time (it drops everything then); and when the
    content last changed and next changes by the clock."""
    engine = fresh_database.engine
    first = read_changes(engine, None, batch=10)
    assert first.changes is None  # read none before: everything is dropped
    start = first.latest
    one, two = other_article(fresh_database, "One"), other_article(fresh_database, "Two")
    rename_article(fresh_database, one, "One again")
    reading = read_changes(engine, start, batch=10)
    assert reading.changes is not None
    assert [keys for _, keys in reading.changes] == [
        [f"article:{one}", "articles", "events"],
        [f"article:{two}", "articles", "events"],
        [f"article:{one}", "articles", "events"],
    ]
    ids = [i for i, _ in reading.changes]
    assert ids == sorted(ids)
    assert reading.latest == ids[-1]
    assert read_changes(engine, reading.latest, batch=10).changes == []
    assert read_changes(engine, reading.latest, batch=10).latest == reading.latest
    assert read_changes(engine, start, batch=3).changes is None  # too many to read: drop all
    with Session(engine) as session:
        article = session.get(Article, one)
        assert article is not None
        assert reading.last_modified == article.updated_at
    assert reading.horizon is None
    later = datetime.now(UTC) + timedelta(days=3)
    with Session(engine) as session:
        articles_service.create_article(
            session,
            ArticleInput(title="Later", status=Status.scheduled, publish_at=later),
            key=None,
        )
        session.commit()
    assert read_changes(engine, None, batch=10).horizon == later


@pytest.mark.parametrize("hidden", ["roles", "comparisons"])
def test_a_reference_hidden_then_shown_again_comes_back_in_every_output(
    fresh_database: Database, hidden: str
) -> None:
    """Hide, read, show again, read: every output that leaves out a hidden role or comparison
    (a comparison's column, an article's roles, links and embedded table, lists, Markdown, a
    role's page) is tagged with it, so showing it again reaches every stored answer, in memory
    and in the database (a second server, with an empty memory, reads the store)."""
    editor = {"Authorization": f"Bearer {make_token(fresh_database, 'write')}"}
    with client_for(fresh_database) as client:
        role = client.post(
            "/v1/roles",
            json={"name": "Chief Hide Officer", "definition": "Comes and goes.",
                  "status": "published"},
            headers=editor,
        ).json()  # fmt: skip
        comparison = client.post(
            "/v1/comparisons",
            json={"title": "Partner or hider", "status": "published",
                  "subjects": ["ai-operating-partner", role["slug"]],
                  "rows": [{"dimension": "Job", "cells": {"ai-operating-partner": "Deploy",
                                                          role["slug"]: "Vanishes"}}]},
            headers=editor,
        ).json()  # fmt: skip
        article = client.post(
            "/v1/articles",
            json={"title": "Meet the hider", "status": "published",
                  "body": [{"_type": "block", "markDefs": [{"_key": "l", "_type": "link",
                                                            "role_id": role["id"]}],
                            "children": [{"_type": "span", "text": "the hider",
                                          "marks": ["l", "em"]}]},
                           {"_type": "comparison", "comparison_id": comparison["id"]}]},
            headers=editor,
        )  # fmt: skip
        assert article.status_code == 201, article.text
        ref = article.json()["id"]
        # What shows the hidden one: its slug, or (a table in an article's Markdown) a cell.
        target, markers = (
            (f"/v1/roles/{role['id']}", (role["slug"],))
            if hidden == "roles"
            else (f"/v1/comparisons/{comparison['id']}", (comparison["slug"], "Vanishes"))
        )
        urls = [
            f"/v1/articles/{ref}",
            f"/v1/articles/{ref}?format=md",
            "/v1/articles?include=roles,comparisons",
            "/v1/roles/ai-operating-partner?include=comparisons",
            "/v1/comparisons",
        ]
        if hidden == "roles":
            urls += [
                f"/v1/comparisons/{comparison['id']}",
                f"/v1/comparisons/{comparison['slug']}?format=md",
                f"/v1/comparisons/{comparison['id']}/rows",
            ]

        def shown() -> dict[str, bool]:
            return {url: shows(client.get(url).text) for url in urls}

        def shows(text: str) -> bool:
            return any(marker in text for marker in markers)

        def set_status(status: str) -> None:
            answer = client.patch(target, json={"status": status}, headers=editor)
            assert answer.status_code == 200, answer.text

        assert all(shown().values()), shown()
        set_status("draft")
        assert not any(shown().values()), shown()
        set_status("published")
        assert all(shown().values()), shown()
    with client_for(fresh_database) as other:  # another process: what the store kept
        assert all(shows(other.get(url).text) for url in urls)
