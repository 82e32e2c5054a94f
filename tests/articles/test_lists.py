"""Listing articles: filters, sorting, counts, sparse fields and includes, with a fixed number
of SQL statements whatever the page size."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, event
from sqlmodel import Session

from api.core.workflow import Status
from api.labels.models import LabelInput
from api.labels.service import tags
from tests.conftest import Keys
from tests.helpers import linking, make_article


@contextmanager
def statements(connection: Connection) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(*args: Any) -> None:
        if args[2].lstrip().upper().startswith("SELECT"):  # not the test's SAVEPOINTs
            seen.append(args[2])

    event.listen(connection, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(connection, "before_cursor_execute", count)


def ids(client: TestClient, url: str, **kwargs: Any) -> list[int]:
    response = client.get(url, **kwargs)
    assert response.status_code == 200, response.text
    return [a["id"] for a in response.json()["data"]]


@pytest.fixture
def library(session: Session) -> dict[str, int]:
    """A few articles with distinct authors, tags, categories, roles, comparisons and dates."""
    tags.create(session, LabelInput(name="AI"), key=None)
    made = {
        "tagged": make_article(
            session, title="Tagged", tags=["ai"], published_at=datetime(2026, 3, 1, tzinfo=UTC)
        ),
        "with_role": make_article(
            session,
            title="Mentions a role",
            blocks=[linking("see it", "it", role_id=2)],
            published_at=datetime(2026, 4, 1, tzinfo=UTC),
        ),
        "with_table": make_article(
            session,
            title="Embeds the table",
            blocks=[{"_type": "comparison", "comparison_id": 1}],
            category="Analysis",
            published_at=datetime(2026, 5, 1, tzinfo=UTC),
        ),
        "draft": make_article(session, title="A draft", status=Status.draft),
    }
    session.commit()
    return {name: article.id for name, article in made.items() if article.id is not None}


def test_filters_take_several_values_negations_and_ranges(
    client: TestClient, library: dict[str, int]
) -> None:
    """`tag=a,b` is either; `not_tag=` none of them; numbers have `_min`/`_max`, times
    `_after`/`_before` (or `updated_since`); `has_cover` splits on the cover."""
    everyone = set(ids(client, "/v1/articles?limit=100"))
    assert len(everyone) == 4  # the seed and three published
    assert ids(client, "/v1/articles?tag=ai,no-such-tag") == [library["tagged"]]
    either = set(ids(client, "/v1/articles?category=Analysis,Comparison"))
    assert either == {1, library["with_table"]}
    assert set(ids(client, "/v1/articles?not_tag=ai")) == everyone - {library["tagged"]}
    assert set(ids(client, "/v1/articles?not_category=Analysis")) == everyone - {
        library["with_table"]
    }
    assert set(ids(client, "/v1/articles?not_author=kyle-rasmussen")) == everyone - {1}
    mentioning = set(ids(client, "/v1/articles?role=fractional-caio"))
    assert set(ids(client, "/v1/articles?not_role=fractional-caio")) == everyone - mentioning
    table = "ai-operating-partner-vs-fractional-caio"
    both = set(ids(client, f"/v1/articles?role=fractional-caio&not_comparison={table}"))
    assert both == {library["with_role"]}
    assert set(ids(client, "/v1/articles?reading_time_minutes_min=3")) == everyone
    assert set(ids(client, "/v1/articles?reading_time_minutes_max=2")) == set()
    window = "/v1/articles?created_after=2000-01-01T00:00:00Z&updated_before=2999-01-01T00:00:00Z"
    assert set(ids(client, window)) == everyone
    assert ids(client, "/v1/articles?has_cover=true") == []
    assert set(ids(client, "/v1/articles?has_cover=false")) == everyone


@pytest.mark.parametrize(
    "query",
    [
        "tag=AI",
        "tag=ai,",
        "tag=,ai",
        "tag=ai;pe",
        "not_tag=" + ",".join(f"t{n}" for n in range(21)),
        "reading_time_minutes_min=-1",
        "reading_time_minutes_max=1001",
        "has_cover=maybe",
        "created_after=yesterday",
        "not_author=Kyle",
        "reading_time_minutes_min=5&reading_time_minutes_max=4",
        "published_after=2026-02-01T00:00:00Z&published_before=2026-01-01T00:00:00Z",
        "updated_since=2026-02-01T00:00:00Z&updated_before=2026-01-31T00:00:00Z",
    ],
)
def test_bad_filter_values_are_422(client: TestClient, query: str) -> None:
    answer = client.get(f"/v1/articles?{query}")
    assert answer.status_code == 422, query
    assert answer.headers["content-type"] == "application/problem+json"


def test_filters(client: TestClient, library: dict[str, int], keys: Keys) -> None:
    assert ids(client, "/v1/articles?tag=ai") == [library["tagged"]]
    # Mentioning is defining, comparing or linking: the table's subjects count too.
    mentions = ids(client, "/v1/articles?role=fractional-caio")
    assert mentions == [1, library["with_table"], library["with_role"]]
    assert set(ids(client, "/v1/articles?comparison=ai-operating-partner-vs-fractional-caio")) == {
        1,
        library["with_table"],
    }
    assert ids(client, "/v1/articles?category=Analysis") == [library["with_table"]]
    assert ids(client, "/v1/articles?author=kyle-rasmussen") == [1]
    assert ids(client, "/v1/articles?author=nobody") == []
    window = (
        "/v1/articles?published_after=2026-03-15T00:00:00Z&published_before=2026-06-01T00:00:00Z"
    )
    assert ids(client, window) == [library["with_table"], library["with_role"]]
    assert len(ids(client, "/v1/articles?updated_since=2000-01-01T00:00:00Z")) == 4
    assert ids(client, "/v1/articles?updated_since=2999-01-01T00:00:00Z") == []
    assert ids(client, "/v1/articles?status=draft", headers=keys.auth("read")) == [library["draft"]]
    assert library["draft"] not in ids(
        client, "/v1/articles?status=published", headers=keys.auth("read")
    )
    assert client.get("/v1/articles?status=draft").status_code == 401


def test_sorting_and_counting(client: TestClient, library: dict[str, int]) -> None:
    titles = [a["title"] for a in client.get("/v1/articles?sort=title").json()["data"]]
    assert titles == sorted(titles)
    backwards = [a["title"] for a in client.get("/v1/articles?sort=-title").json()["data"]]
    assert backwards == sorted(titles, reverse=True)
    oldest = client.get("/v1/articles?sort=published_at&limit=2").json()
    assert [a["id"] for a in oldest["data"]] == [library["tagged"], library["with_role"]]
    rest = client.get(oldest["links"]["next"]).json()
    assert [a["id"] for a in rest["data"]] == [library["with_table"], 1]
    assert "sort=published_at" in oldest["links"]["next"]
    counted = client.get("/v1/articles?count=true&limit=1").json()
    assert counted["meta"]["total"] == 4
    assert "count=true" in counted["links"]["next"]
    assert "total" not in client.get("/v1/articles").json()["meta"]
    cursor = oldest["meta"]["next_cursor"]
    assert client.get(f"/v1/articles?sort=title&cursor={cursor}").status_code == 422


def test_drafts_sort_by_publication_too_with_a_key(
    client: TestClient, library: dict[str, int], keys: Keys, session: Session
) -> None:
    for _ in range(3):
        make_article(session, status=Status.draft)
    session.commit()
    seen: list[int] = []
    url = "/v1/articles?limit=2&sort=-published_at"
    while url:
        page = client.get(url, headers=keys.auth("read")).json()
        seen.extend(a["id"] for a in page["data"])
        url = page["links"]["next"]
    assert len(seen) == len(set(seen)) == 8  # drafts have no date, and none is lost or repeated


def test_sparse_fields_and_includes(client: TestClient, library: dict[str, int]) -> None:
    sparse = client.get("/v1/articles?fields=title,slug").json()["data"][0]
    assert set(sparse) == {"id", "title", "slug"}
    item = client.get("/v1/articles/1?fields=title,author").json()
    assert set(item) == {"id", "title", "author"}
    plain = client.get("/v1/articles/1").json()
    assert set(plain["author"]) == {"id", "slug", "name"}
    whole = client.get("/v1/articles/1?include=author,roles,comparisons,tags").json()
    assert whole["author"]["url"] == "http://127.0.0.1:8000/v1/authors/kyle-rasmussen"
    assert whole["roles"][1]["aliases"] == ["Fractional Chief AI Officer"]
    assert len(whole["comparisons"][0]["rows"]) == 6
    listed = client.get("/v1/articles?tag=ai&include=tags").json()["data"][0]
    assert listed["tags"][0]["version"] == 1


@pytest.mark.parametrize(
    "query",
    [
        "sort=height",
        "sort=-",
        "sort=" + ",".join(["title", "-updated_at", "created_at", "published_at"]),
        "fields=title,secret",
        "include=author,everything",
        "count=maybe",
        "published_after=yesterday",
        "published_after=2026-01-01T00:00:00",
        "tag=Not%20A%20Slug",
        "status=live",
        "category=" + "x" * 61,
        "q=",
        "category=a%00b",
        "author=%00",
        "q=" + "x" * 201,
    ],
)
def test_bad_list_queries_are_422(client: TestClient, query: str) -> None:
    response = client.get(f"/v1/articles?{query}")
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"


def test_a_field_sorted_on_twice_counts_once(client: TestClient, session: Session) -> None:
    for title in ("Beta", "Alpha", "Gamma"):
        make_article(session, title=title)
    once = client.get("/v1/articles?sort=title").json()["data"]
    twice = client.get("/v1/articles?sort=title,-title").json()
    assert [a["id"] for a in twice["data"]] == [a["id"] for a in once]
    assert "sort=title" in twice["links"]["self"]


@pytest.mark.parametrize("include", ["", "&include=author,roles,comparisons,tags"])
def test_statements_do_not_grow_with_the_page_or_the_includes(
    client: TestClient, connection: Connection, session: Session, include: str
) -> None:
    tags.create(session, LabelInput(name="Bulk"), key=None)
    for n in range(100):
        make_article(
            session,
            tags=["bulk"],
            blocks=[
                {"_type": "comparison", "comparison_id": 1},
                linking(f"see {n}", "see", role_id=1),
            ],
        )
    session.commit()
    counts = []
    for limit in (1, 100):
        with statements(connection) as seen:
            response = client.get(f"/v1/articles?limit={limit}{include}")
        assert response.status_code == 200
        assert len(response.json()["data"]) == limit
        counts.append(len(seen))
    assert counts[0] == counts[1]
    assert counts[1] <= 12
