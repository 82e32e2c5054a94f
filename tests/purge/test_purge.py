"""Purging the HTTP caches in front (FOLIO_PURGE_URLS): after a change, each cache gets one
PURGE naming exactly the surrogate keys that change touched (the keys a response it holds
names in Surrogate-Key); a cache that refuses or is down misses nothing; a gap in the log
purges everything; two workers never send the same purge."""

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from api.core.surrogates import ContentChange
from api.main import create_app
from api.purge import service as purge
from api.purge.models import PurgeCursor
from tests.conftest import Configure, Database, make_token, settings_for
from tests.helpers import key_in


@dataclass
class Cache:
    """An HTTP cache's purge endpoint on loopback: records each PURGE's keys."""

    url: str = ""
    purged: list[set[str]] = field(default_factory=list)
    answers: list[int] = field(default_factory=list)  # statuses to answer with, then 200


@pytest.fixture
def caches(configure: Configure) -> Iterator[list[Cache]]:
    made: list[tuple[Cache, ThreadingHTTPServer]] = []
    for _ in range(2):
        cache = Cache()

        class Handler(BaseHTTPRequestHandler):
            state = cache

            def do_PURGE(self) -> None:
                status = self.state.answers.pop(0) if self.state.answers else 200
                if status == 200:
                    self.state.purged.append(set(self.headers["xkey-purge"].split()))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        cache.url = f"http://127.0.0.1:{server.server_address[1]}/"
        threading.Thread(target=server.serve_forever, daemon=True).start()
        made.append((cache, server))
    configure(FOLIO_PURGE_URLS=f'["{made[0][0].url}", "{made[1][0].url}"]')
    try:
        yield [cache for cache, _ in made]
    finally:
        for _, server in made:
            server.shutdown()
            server.server_close()


@pytest.fixture
def api(fresh_database: Database) -> Iterator[tuple[TestClient, dict[str, str]]]:
    token = key_in(fresh_database.engine, "editor", "write")
    app = create_app(settings_for(fresh_database.url), engine=fresh_database.engine)
    with TestClient(app) as client:
        yield client, {"Authorization": f"Bearer {token}"}


def test_a_change_purges_exactly_its_keys_from_every_cache(
    api: tuple[TestClient, dict[str, str]], fresh_database: Database, caches: list[Cache]
) -> None:
    client, editor = api
    assert purge.run_once(fresh_database.engine) == 0  # each cache starts at the newest change
    created = client.post(
        "/v1/articles", json={"title": "Purged", "status": "published"}, headers=editor
    )
    assert created.status_code == 201
    article = created.json()["id"]
    shown = client.get(f"/v1/articles/{article}")
    assert purge.run_once(fresh_database.engine) == 2
    for cache in caches:
        (keys,) = cache.purged
        assert f"article:{article}" in keys
        assert "articles" in keys  # lists and feeds that show it
        assert "article:1" not in keys  # the seed is untouched: a cache keeps it
        assert set(shown.headers["surrogate-key"].split()) & keys
    assert purge.run_once(fresh_database.engine) == 0  # nothing new


def test_a_cache_that_refuses_or_is_down_misses_nothing(
    api: tuple[TestClient, dict[str, str]], fresh_database: Database, caches: list[Cache]
) -> None:
    client, editor = api
    purge.run_once(fresh_database.engine)
    first, second = caches
    first.answers = [503]
    changed = client.patch(
        "/v1/roles/fractional-caio",
        json={"definition": "A part-time executive."},
        headers={**editor, "Content-Type": "application/merge-patch+json"},
    )
    assert changed.status_code == 200
    purge.run_once(fresh_database.engine)
    assert first.purged == []  # refused: its cursor stays
    assert len(second.purged) == 1  # the other cache goes on
    purge.run_once(fresh_database.engine)
    assert first.purged == second.purged
    assert "role:2" in first.purged[0]
    # The seed shows the role: a cache holding it drops it, since it names the role's key.
    assert "role:2" in client.get("/v1/articles/1").headers["surrogate-key"].split()


def test_changes_compacted_before_they_were_sent_purge_everything(
    api: tuple[TestClient, dict[str, str]], fresh_database: Database, caches: list[Cache]
) -> None:
    client, editor = api
    purge.run_once(fresh_database.engine)
    for title in ("One", "Two"):
        assert client.post("/v1/articles", json={"title": title}, headers=editor).status_code == 201
    with Session(fresh_database.engine) as session:
        newest = session.exec(select(func.max(col(ContentChange.id)))).one()
        session.execute(delete(ContentChange).where(col(ContentChange.id) < newest))
        session.commit()
    purge.run_once(fresh_database.engine)
    assert caches[0].purged == [{"*"}]


def test_the_lag_is_a_metric(
    api: tuple[TestClient, dict[str, str]], fresh_database: Database, caches: list[Cache]
) -> None:
    client, editor = api
    admin = {"Authorization": f"Bearer {make_token(fresh_database, 'admin')}"}
    purge.run_once(fresh_database.engine)
    assert client.post("/v1/articles", json={"title": "Lagging"}, headers=editor).status_code == 201
    metrics = client.get("/metrics", headers=admin).text
    assert "folio_purge_pending_changes 2.0" in metrics  # two caches, 1 each
    purge.run_once(fresh_database.engine)
    assert "folio_purge_pending_changes 0.0" in client.get("/metrics", headers=admin).text
    with Session(fresh_database.engine) as session:
        assert len(session.exec(select(PurgeCursor)).all()) == 2
