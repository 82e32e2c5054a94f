"""The response cache: hits without the database, and never stale across commits or processes."""

import asyncio
import itertools
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import anyio
import httpx2 as httpx
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.articles import service as articles_service
from api.articles.models import Article, ArticleInput
from api.core.clock import Clock
from api.core.config import Settings
from api.core.db import make_engine
from api.core.workflow import Status
from api.main import create_app
from api.web.entry import Entry
from api.web.memory import ResponseCache
from tests.conftest import Database, eventually, make_token, running_server, settings_for


@pytest.fixture
def server_workers() -> int:
    """Two worker processes: what this module is about."""
    return 2


def rename_article(url: str, title: str) -> None:
    """Commits a change the way another process would: its own engine, its own connection."""
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            article = session.get(Article, 1)
            assert article is not None
            article.title = title
            session.add(article)
            session.commit()
    finally:
        engine.dispose()


@pytest.fixture
def cached_client(fresh_database: Database) -> Iterator[TestClient]:
    app = create_app(settings_for(fresh_database.url))
    with TestClient(app) as client:  # runs the lifespan, which starts the content watcher
        yield client


def test_repeat_get_is_a_cache_hit_with_the_same_bytes(cached_client: TestClient) -> None:
    cache: ResponseCache = cached_client.app.state.cache  # type: ignore[attr-defined]
    first = cached_client.get("/v1/articles/1")
    second = cached_client.get("/v1/articles/1")
    assert (cache.misses, cache.hits) == (1, 1)
    assert second.status_code == 200
    assert second.content == first.content
    assert second.headers["etag"] == first.headers["etag"]
    assert second.headers["cache-control"].startswith("public")
    not_modified = cached_client.get(
        "/v1/articles/1", headers={"If-None-Match": first.headers["etag"]}
    )
    assert not_modified.status_code == 304
    assert not_modified.headers["etag"] == first.headers["etag"]
    assert cache.hits == 2


def test_accept_is_part_of_the_key(cached_client: TestClient) -> None:
    json_body = cached_client.get("/v1/articles/1").content
    text = cached_client.get("/v1/articles/1", headers={"Accept": "text/plain"})
    assert text.headers["content-type"].startswith("text/plain")
    assert text.content != json_body


def test_errors_and_keyed_requests_are_not_cached(cached_client: TestClient) -> None:
    cache: ResponseCache = cached_client.app.state.cache  # type: ignore[attr-defined]
    assert cached_client.get("/v1/articles/nope").status_code == 404
    assert cached_client.get("/v1/articles/nope").status_code == 404
    cached_client.get("/v1/articles/1", headers={"Authorization": "Bearer x"})
    cached_client.get("/v1/articles/1", headers={"Authorization": "Bearer x"})
    assert cache.hits == 0
    assert len(cache) == 0


def test_a_commit_from_another_connection_is_seen_at_once(
    cached_client: TestClient, fresh_database: Database
) -> None:
    cache: ResponseCache = cached_client.app.state.cache  # type: ignore[attr-defined]
    before = cached_client.get("/v1/articles/1")
    assert cached_client.get("/v1/articles/1").content == before.content
    rename_article(fresh_database.url, "Renamed elsewhere")
    assert eventually(
        lambda: cached_client.get("/v1/articles/1").json()["title"] == "Renamed elsewhere"
    )
    after = cached_client.get("/v1/articles/1")
    assert after.headers["etag"] != before.headers["etag"]
    hits = cache.hits
    assert cached_client.get("/v1/articles/1").content == after.content
    assert cache.hits == hits + 1
    stale = cached_client.get("/v1/articles/1", headers={"If-None-Match": before.headers["etag"]})
    assert stale.status_code == 200


def test_a_write_does_not_hold_up_hits_on_what_it_did_not_change(
    cached_client: TestClient,
) -> None:
    """Right after a write in this process the snapshot is out of date until it is taken
    again; what memory holds and the write did not drop is served meanwhile, without waiting
    for it, and so is a stored representation; a miss waits for the new snapshot before it
    renders."""
    cache: ResponseCache = cached_client.app.state.cache  # type: ignore[attr-defined]
    watcher = cache.watcher
    assert watcher is not None
    assert cache.store is not None
    markdown = cached_client.get("/v1/articles/1?format=md")  # rendered and stored
    cache.clear()  # out of memory; still stored
    first = cached_client.get("/v1/articles/1")
    with watcher._refreshing:  # the snapshot cannot be taken again while this is held
        watcher._drop(frozenset({"article:2"}))  # what a write's commit does, in its order
        watcher._changed()
        assert watcher.snapshot() is None
        hits = cache.hits
        again = cached_client.get("/v1/articles/1")
        assert cache.hits == hits + 1
        assert again.content == first.content
        stored = cache.stored_hits
        assert cached_client.get("/v1/articles/1?format=md").content == markdown.content
        assert cache.stored_hits == stored + 1
        assert watcher.snapshot() is None  # served without waiting for it
    misses = cache.misses
    assert cached_client.get("/v1/articles?limit=1").status_code == 200
    assert cache.misses == misses + 1
    assert watcher.snapshot() is not None  # the miss waited for it


def test_cache_is_bounded_least_recently_used_first() -> None:
    cache = ResponseCache(max_entries=2, max_bytes=1000)

    def entry(size: int = 10, keys: frozenset[str] = frozenset({"article:1"})) -> Entry:
        return Entry(200, [], b"x" * size, b'"e"', keys)

    for name in (b"a", b"b", b"c"):
        assert cache.put((name,), entry(), since=cache.mark())
        if name == b"b":
            assert cache.get((b"a",)) is not None  # touch a: b becomes the oldest
    assert cache.get((b"b",)) is None
    assert cache.get((b"a",)) is not None
    assert cache.get((b"c",)) is not None
    assert not cache.put((b"big",), entry(500), since=cache.mark())  # larger than an eighth
    assert cache.get((b"big",)) is None
    assert len(cache) == 2
    assert cache.size == 20  # bounded by bytes as well as by entries


def test_a_change_drops_exactly_the_entries_that_show_it() -> None:
    cache = ResponseCache(max_entries=10, max_bytes=10_000)
    shows = {
        b"a": frozenset({"article:1", "role:2"}),
        b"b": frozenset({"article:2"}),
        b"list": frozenset({"articles", "article:1", "article:2"}),
        b"other": frozenset({"*"}),
    }
    for name, keys in shows.items():
        cache.put((name,), Entry(200, [], b"x", b'"e"', keys), since=cache.mark())
    cache.invalidate(frozenset({"role:2"}))
    assert [n for n in shows if cache.get((n,)) is not None] == [b"b", b"list"]
    cache.invalidate(frozenset({"articles", "article:3"}))
    assert [n for n in shows if cache.get((n,)) is not None] == [b"b"]


def test_a_render_that_began_before_a_change_is_not_kept() -> None:
    cache = ResponseCache(max_entries=10, max_bytes=10_000)
    before = cache.mark()
    cache.invalidate(frozenset({"article:1"}))
    stale = Entry(200, [], b"x", b'"e"', frozenset({"article:1"}))
    assert not cache.put((b"a",), stale, since=before)
    other = Entry(200, [], b"x", b'"e"', frozenset({"article:2"}))
    assert cache.put((b"b",), other, since=before)  # what changed is not in it: kept
    assert cache.put((b"a",), stale, since=cache.mark())


def test_two_worker_processes_never_serve_stale_content(
    live_server: str, fresh_database: Database
) -> None:
    with httpx.Client(base_url=live_server, timeout=5) as http:
        for _ in range(20):  # warm both workers' caches
            assert http.get("/v1/articles/1").json()["title"].startswith("AI Operating")
        rename_article(fresh_database.url, "Renamed across processes")
        assert eventually(
            lambda: all(
                http.get("/v1/articles/1").json()["title"] == "Renamed across processes"
                for _ in range(10)
            )
        )
        titles = {http.get("/v1/articles/1").json()["title"] for _ in range(40)}
        assert titles == {"Renamed across processes"}


def test_once_a_write_has_answered_no_worker_serves_what_it_hid(
    fresh_database: Database, tmp_path: Path
) -> None:
    """Two workers, readers kept alive on each of them reading from memory; one worker answers
    the write that hides the article, and no read sent after that answer, from either worker,
    shows it: not one in ten trials. The watchers poll SQLite slowly here, so only the
    workers' count of commits can keep the other worker from serving it."""
    write = {
        "Authorization": f"Bearer {make_token(fresh_database, 'write')}",
        "Content-Type": "application/merge-patch+json",
    }
    paths = ["/v1/articles/1", "/v1/articles/1?format=md", "/v1/articles"]
    stop = threading.Event()
    reads: list[tuple[float, bool]] = []  # when each read was sent, whether it showed it

    def reader(base: str, number: int) -> None:
        # A connection kept alive stays with one worker. Opened one at a time (a worker takes
        # every connection waiting when it wakes), eight of them reach both.
        time.sleep(0.05 * number)
        with httpx.Client(base_url=base, timeout=5) as http:
            for path in itertools.cycle(paths):
                if stop.is_set():
                    break
                sent = time.monotonic()
                answer = http.get(path)
                reads.append((sent, answer.status_code == 200 and "AI Operating" in answer.text))
                # Paced: eight readers still send some forty reads into each tenth of a second
                # after a write, where unpaced they took both cores for the whole test.
                time.sleep(0.02)

    slow = {"FOLIO_WATCH_POLL_SECONDS": "3"}
    with running_server(fresh_database.url, tmp_path / "s.log", slow, workers=2) as base:
        readers = [threading.Thread(target=reader, args=(base, n)) for n in range(8)]
        for thread in readers:
            thread.start()
        stale = []
        try:
            time.sleep(0.5)
            for _ in range(10):
                time.sleep(0.1)  # both workers serve it from memory again
                # A new connection each time: the kernel picks the worker that answers.
                hidden = httpx.patch(
                    f"{base}/v1/articles/1", json={"status": "draft"}, headers=write
                )
                assert hidden.is_success, hidden.text
                answered = time.monotonic()
                time.sleep(0.1)
                stale += [
                    sent - answered for sent, shown in list(reads) if sent > answered and shown
                ]
                shown = httpx.patch(
                    f"{base}/v1/articles/1", json={"status": "published"}, headers=write
                )
                assert shown.is_success, shown.text
        finally:
            stop.set()
            for thread in readers:
                thread.join()
    assert any(shown for _, shown in reads)
    assert stale == [], f"{len(stale)} stale reads, up to {max(stale) * 1000:.1f} ms after"


@pytest.mark.calendar
def test_a_scheduled_article_appears_in_cached_lists_when_due(
    cached_client: TestClient, fresh_database: Database, frozen_clock: Clock
) -> None:
    now = frozen_clock.freeze(datetime(2026, 11, 27, 12, tzinfo=UTC))
    with Session(fresh_database.engine) as session:
        article = articles_service.create_article(
            session,
            ArticleInput(
                title="Due soon", status=Status.scheduled, publish_at=now + timedelta(minutes=5)
            ),
            key=None,
        )
        session.commit()
        article_id = article.id
    cache: ResponseCache = cached_client.app.state.cache  # type: ignore[attr-defined]

    def listed() -> list[int]:
        return [a["id"] for a in cached_client.get("/v1/articles").json()["data"]]

    def from_memory() -> bool:
        hits = cache.hits
        return article_id not in listed() and cache.hits == hits + 1

    assert eventually(from_memory)  # served from memory while nothing is due
    frozen_clock.freeze(now + timedelta(minutes=5))
    assert listed()[0] == article_id
    assert cached_client.get(f"/v1/articles/{article_id}").json()["status"] == "published"


def test_last_modified_and_if_modified_since(
    cached_client: TestClient, fresh_database: Database, frozen_clock: Clock
) -> None:
    frozen_clock.freeze(datetime.now(UTC) + timedelta(seconds=5))  # the seed is a while ago
    first = cached_client.get("/v1/articles/1")
    stamp = first.headers["last-modified"]
    assert stamp.endswith(" GMT")
    same = cached_client.get("/v1/articles/1", headers={"If-Modified-Since": stamp})
    assert same.status_code == 304
    listed = cached_client.get("/v1/articles", headers={"If-Modified-Since": stamp})
    assert listed.status_code == 304
    # If-None-Match wins over If-Modified-Since (RFC 9110 §13.2.2).
    both = cached_client.get(
        "/v1/articles/1", headers={"If-Modified-Since": stamp, "If-None-Match": '"other"'}
    )
    assert both.status_code == 200
    old = "Mon, 01 Jan 2001 00:00:00 GMT"
    assert (
        cached_client.get("/v1/articles/1", headers={"If-Modified-Since": old}).status_code == 200
    )
    garbage = cached_client.get("/v1/articles/1", headers={"If-Modified-Since": "yesterday"})
    assert garbage.status_code == 200
    with Session(fresh_database.engine) as session:  # a real edit, which bumps updated_at
        articles_service.update_article(
            session, "1", patch={"title": "Changed since"}, key=None, if_match=None
        )
    frozen_clock.freeze(datetime.now(UTC) + timedelta(seconds=10))
    assert eventually(
        lambda: (
            cached_client.get("/v1/articles/1", headers={"If-Modified-Since": stamp}).status_code
            == 200
        )
    )


def test_concurrent_misses_for_one_url_render_once(fresh_database: Database) -> None:
    app = create_app(settings_for(fresh_database.url))
    cache: ResponseCache = app.state.cache

    async def burst() -> list[httpx.Response]:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://folio") as http:
                while await cache.snapshot() is None:  # the watcher's first snapshot
                    await anyio.sleep(0.01)
                return list(
                    await asyncio.gather(*(http.get("/v1/articles?limit=5") for _ in range(20)))
                )

    responses = asyncio.run(burst())
    assert {r.status_code for r in responses} == {200}
    assert len({r.content for r in responses}) == 1
    assert (cache.misses, cache.hits) == (1, 19)


def test_memory_serves_nothing_while_its_watcher_is_behind(fresh_database: Database) -> None:
    """A watcher that cannot end a round (starved of the CPU, say, or waiting on the database)
    would not hear of other processes' commits: past ``watch_stale_seconds`` memory stops
    serving and the answers come from the database, until it catches up."""
    settings = Settings(database_url=fresh_database.url, watch_stale_seconds=0.3)
    with TestClient(create_app(settings)) as client:
        cache: ResponseCache = client.app.state.cache  # type: ignore[attr-defined]
        watcher = cache.watcher
        assert watcher is not None
        assert eventually(lambda: client.get("/v1/articles/1").status_code == 200)
        hits = cache.hits
        assert client.get("/v1/articles/1").status_code == 200
        assert cache.hits == hits + 1
        with watcher._refreshing:  # its next round waits here, as a starved thread would
            assert eventually(lambda: watcher.lag() > 0.3)
            for _ in range(3):
                answer = client.get("/v1/articles/1")
                assert answer.status_code == 200
                assert answer.json()["id"] == 1
            assert cache.hits == hits + 1  # all three from the database
        assert eventually(lambda: watcher.lag() < 0.3)
        assert eventually(
            lambda: client.get("/v1/articles/1").status_code == 200 and cache.hits > hits + 1
        )
