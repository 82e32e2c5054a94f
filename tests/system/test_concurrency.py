"""Concurrent writers against a real server (two worker processes), on each database:
exactly one winner per version under If-Match, and one item per Idempotency-Key."""

import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx2 as httpx
import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from api.articles.models import Article
from tests.conftest import Database, make_token, seeded_server


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Database]]:
    """One server of two worker processes (what this module is about) for both races, which
    touch different articles."""
    with seeded_server(tmp_path_factory.mktemp("race"), workers=2) as started:
        yield started


WRITERS = 8


def _race(calls: list) -> list[httpx.Response]:  # type: ignore[type-arg]
    barrier = threading.Barrier(len(calls))

    def run(call):  # type: ignore[no-untyped-def]
        barrier.wait(timeout=10)
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def test_editors_racing_with_if_match_have_one_winner_per_version(
    node: tuple[str, Database],
) -> None:
    live_server, fresh_database = node
    headers = {"Authorization": f"Bearer {make_token(fresh_database, 'write')}"}
    with httpx.Client(base_url=live_server, headers=headers, timeout=60) as http:
        for round_ in range(3):
            current = http.get("/v1/articles/1")
            version, etag = current.json()["version"], current.headers["etag"]

            def edit(n: int, etag: str = etag, round_: int = round_) -> httpx.Response:
                return http.patch(
                    "/v1/articles/1",
                    json={"kicker": f"round {round_} editor {n}"},
                    headers={"If-Match": etag},
                )

            responses = _race([lambda n=n: edit(n) for n in range(WRITERS)])
            statuses = Counter(r.status_code for r in responses)
            assert statuses == {200: 1, 412: WRITERS - 1}, statuses
            winner = next(r for r in responses if r.status_code == 200).json()
            after = http.get("/v1/articles/1").json()
            assert after["version"] == version + 1
            assert after["kicker"] == winner["kicker"]
        revisions = http.get("/v1/articles/1/revisions").json()["data"]
        assert [r["number"] for r in revisions] == [4, 3, 2, 1]


def test_clients_retrying_one_post_create_one_article(node: tuple[str, Database]) -> None:
    live_server, fresh_database = node
    headers = {
        "Authorization": f"Bearer {make_token(fresh_database, 'write', 'retrying')}",
        "Idempotency-Key": "k-1",
    }
    body = {"title": "Exactly once", "status": "published"}
    with httpx.Client(base_url=live_server, headers=headers, timeout=60) as http:
        responses = _race([lambda: http.post("/v1/articles", json=body) for _ in range(WRITERS)])
    assert {r.status_code for r in responses} == {201}
    assert len({r.content for r in responses}) == 1
    assert len({r.headers["location"] for r in responses}) == 1
    with Session(fresh_database.engine) as session:
        count = session.exec(
            select(func.count()).select_from(Article).where(Article.title == "Exactly once")
        ).one()
    assert count == 1
