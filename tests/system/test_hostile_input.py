"""Forged and overflowing input is a 4xx problem that names what is wrong, never a 500, and
leaves the database as it was: cursors and change tokens a client made up, ids and times past
what a column holds, JSON objects with a key twice, stop words that would match everything."""

import base64
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from api.articles.models import Article
from tests.conftest import Keys
from tests.helpers import linking


def _cursor(direction: str, sort: str, keys: list[Any]) -> str:
    raw = orjson.dumps({"d": direction, "s": sort, "k": keys})
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


FORGED_CURSORS = [
    ("/v1/articles", _cursor("next", "-published_at", ["2026-01-01T00:00:00", 1])),  # naive
    ("/v1/articles", _cursor("next", "-published_at", ["0001-01-01T00:00:00+14:00", 1])),
    ("/v1/articles", _cursor("next", "-published_at", ["9999-12-31T23:59:59-14:00", 1])),
    ("/v1/articles", _cursor("next", "-published_at", ["2026-01-01T00:00:00Z", 2**31])),
    ("/v1/articles", _cursor("next", "-published_at", ["2026-01-01T00:00:00Z", 2**63])),
    ("/v1/articles", _cursor("next", "-published_at", ["2026-01-01T00:00:00Z", -(2**63)])),
    ("/v1/articles", _cursor("next", "-published_at", ["2026-01-01T00:00:00Z", True])),
    ("/v1/articles", _cursor("next", "-published_at", [["a"], {"b": 1}])),
    ("/v1/articles", _cursor("sideways", "-published_at", ["2026-01-01T00:00:00Z", 1])),
    ("/v1/articles?sort=title", _cursor("next", "title", ["a\x00b", 1])),
    ("/v1/articles?sort=title", _cursor("next", "title", ["x" * 5000, 1])),
    ("/v1/articles?sort=title", _cursor("next", "title", [1.5, 1])),
    ("/v1/articles", "not base64 at all!"),
    ("/v1/articles", base64.urlsafe_b64encode(b"\xff\xfe").decode()),
    ("/v1/articles", _cursor("next", "-published_at", [])),
    ("/v1/search?q=caio", _cursor("next", "-score", ["high", 1])),
    ("/v1/comparisons/1/rows", _cursor("next", "position", [2**40, 1])),
    ("/v1/roles", _cursor("prev", "name", [None, 1])),
]


@pytest.mark.parametrize(("path", "cursor"), FORGED_CURSORS)
def test_a_forged_cursor_is_a_422_problem(
    client: TestClient, keys: Keys, path: str, cursor: str
) -> None:
    separator = "&" if "?" in path else "?"
    response = client.get(f"{path}{separator}cursor={cursor}", headers=keys.auth("read"))
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["loc"] == ["query", "cursor"]


@pytest.mark.parametrize(
    "raw",
    [b"e" + b"9" * 19, b"e" + str(2**63).encode(), b"e-1", "e²".encode(), b"x12", b"e", b"\xff"],
)
def test_a_forged_change_token_is_a_422_problem(client: TestClient, raw: bytes) -> None:
    token = base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
    response = client.get(f"/v1/changes?since={token}")
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["loc"] == ["query", "since"]


def test_the_largest_change_token_is_valid(client: TestClient) -> None:
    token = base64.urlsafe_b64encode(f"e{2**63 - 1}".encode()).rstrip(b"=").decode()
    response = client.get(f"/v1/changes?since={token}")
    assert response.status_code == 200
    assert response.json()["data"] == []


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"body": [{"_type": "comparison", "comparison_id": 2**40}]}, "comparison_id"),
        ({"body": [{"_type": "comparison", "comparison_id": 2**63}]}, "comparison_id"),
        ({"body": [{"_type": "related", "article_ids": [2**31]}]}, "article_ids"),
        (
            {
                "body": [
                    {
                        "_type": "role_definitions",
                        "items": [{"role_id": 2**31, "term": "t", "definition": "d"}],
                    }
                ]
            },
            "role_id",
        ),
        ({"body": [linking("a b", "b", article_id=-1)]}, "article_id"),
        ({"body": [linking("a b", "b", role_id=2**31)]}, "role_id"),
        ({"body": [{"_type": "image", "asset_id": 2**40}]}, "asset_id"),
        ({"cover": 2**40}, "cover"),
        ({"author": 2**63}, "author"),
        ({"status": "scheduled", "publish_at": "9999-12-31T23:59:59-14:00"}, "publish_at"),
        ({"status": "published", "publish_at": "0001-01-01T00:00:00+14:00"}, "publish_at"),
    ],
)
def test_numbers_and_times_past_their_columns_are_422(
    client: TestClient, keys: Keys, session: Session, body: dict[str, Any], loc: str
) -> None:
    before = session.exec(select(func.count()).select_from(Article)).one()
    response = client.post(
        "/v1/articles", json={"title": "Overflow", **body}, headers=keys.auth("write")
    )
    assert response.status_code == 422, response.text
    assert loc in response.json()["errors"][0]["loc"]
    assert session.exec(select(func.count()).select_from(Article)).one() == before


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/v1/comparisons", {"title": "x", "subjects": [2**31]}),
        (
            "/v1/comparisons",
            {
                "title": "x",
                "subjects": ["fractional-caio"],
                "rows": [{"id": 2**40, "dimension": "d"}],
            },
        ),
        ("/v1/comparisons/1/rows", {"dimension": "d", "position": 2**63}),
        ("/v1/comparisons/1/subjects", {"role": 2**40}),
        (
            "/v1/roles",
            {"name": "r", "status": "scheduled", "publish_at": "9999-12-31T23:59:59-14:00"},
        ),
    ],
)
def test_other_writes_past_their_columns_are_422(
    client: TestClient, keys: Keys, path: str, body: dict[str, Any]
) -> None:
    response = client.post(path, json=body, headers=keys.auth("write"))
    assert response.status_code == 422, response.text


def test_a_query_time_past_year_9999_is_422(client: TestClient) -> None:
    response = client.get("/v1/articles?published_after=9999-12-31T23:59:59-14:00")
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["query", "published_after"]


@pytest.mark.parametrize(
    ("method", "path", "content_type", "body"),
    [
        ("POST", "/v1/articles", "application/json", b'{"title": "a", "title": "b"}'),
        (
            "POST",
            "/v1/articles",
            "application/json",
            b'{\n  "title": "a",\n  "seo": {"image": null, "image": null}\n}',
        ),
        (
            "PATCH",
            "/v1/articles/1",
            "application/merge-patch+json",
            b'{"kicker": "a", "kicker": null}',
        ),
        ("PUT", "/v1/roles/fractional-caio", "application/json", b'{"name": "x", "name": "y"}'),
        (
            "POST",
            "/v1/import",
            "application/x-ndjson",
            b'{"format": "folio-export", "format": "x"}\n',
        ),
    ],
)
def test_a_key_twice_in_one_object_is_422(
    client: TestClient,
    keys: Keys,
    session: Session,
    method: str,
    path: str,
    content_type: str,
    body: bytes,
) -> None:
    before = session.exec(select(func.count()).select_from(Article)).one()
    response = client.request(
        method, path, content=body, headers={**keys.auth("admin"), "Content-Type": content_type}
    )
    assert response.status_code == 422, response.text
    assert "appears twice" in response.json()["detail"]
    assert session.exec(select(func.count()).select_from(Article)).one() == before
    assert client.get("/v1/articles/1").json()["kicker"] != "a"


def test_stop_words_alone_find_nothing_however_many_exclusions(client: TestClient) -> None:
    everything = {hit["slug"] for hit in client.get("/v1/search?q=the&limit=100").json()["data"]}
    for query in ("the -zzqq", "the a of -zzqq -yyxx", '"the" -zzqq'):
        found = {
            hit["slug"] for hit in client.get(f"/v1/search?q={query}&limit=100").json()["data"]
        }
        assert found <= everything, query  # never more than the words themselves find
        listed = client.get(f"/v1/articles?q={query}").json()["data"]
        assert {a["slug"] for a in listed} <= everything
    assert client.get("/v1/search?q=-zzqq").json()["data"] == []


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/v1/articles", {"title": "x", "body": [], "body_markdown": "a"}),
        (
            "/v1/articles",
            {
                "title": "x",
                "body": [{"_type": "block", "children": [{"_type": "span", "text": "b"}]}],
                "body_markdown": "a",
            },
        ),
        ("/v1/articles/1/translations/fr", {"title": "x", "body": [], "body_markdown": "a"}),
    ],
)
def test_two_bodies_at_once_are_422(
    client: TestClient, keys: Keys, session: Session, path: str, body: dict[str, Any]
) -> None:
    """`body` or `body_markdown`, as docs/api.md says: both at once is refused, even an empty
    list, rather than one of them dropped in silence."""
    before = session.exec(select(func.count()).select_from(Article)).one()
    method = "PUT" if "translations" in path else "POST"
    answer = client.request(method, path, json=body, headers=keys.auth("write"))
    assert answer.status_code == 422, answer.text
    assert "not both" in answer.json()["detail"]
    assert session.exec(select(func.count()).select_from(Article)).one() == before


@pytest.mark.parametrize("href", ["//evil.example/x", "/\\evil.example/x", "javascript:alert(1)"])
def test_a_link_to_another_host_by_a_path_is_422(
    client: TestClient, keys: Keys, session: Session, href: str
) -> None:
    """A link's path is on this site: "//host" and "/\\host" are other hosts to a browser."""
    link = {"_key": "l1", "_type": "link", "href": href}
    block = {"_type": "block", "markDefs": [link],
             "children": [{"_type": "span", "text": "here", "marks": ["l1"]}]}  # fmt: skip
    before = client.get("/v1/articles/1", headers=keys.auth("read")).json()
    refused = [
        client.post(
            "/v1/articles", json={"title": "x", "body": [block]}, headers=keys.auth("write")
        )
    ]
    if href.startswith("//"):  # markdown-it keeps "/\\" as %5C, a path, and drops javascript:
        patch = {"body_markdown": f"[here]({href})"}
        refused.append(client.patch("/v1/articles/1", json=patch, headers=keys.auth("write")))
    for answer in refused:
        assert answer.status_code == 422, answer.text
    assert client.get("/v1/articles/1", headers=keys.auth("read")).json() == before
    kept = client.post(
        "/v1/articles", json={"title": "Paths", "body_markdown": "[a](/roles/x) [b](/a//b)"},
        headers=keys.auth("write"),
    )  # fmt: skip
    assert kept.status_code == 201, kept.text
