"""Articles over HTTP: JSON, the three renderings, lists and paging, caching headers, errors."""

import re
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from markdown_it import MarkdownIt
from pydantic import ValidationError
from sqlmodel import Session

from api.articles.blocks import TextBlock, linked_block, text_block
from api.core.workflow import Status
from tests.conftest import SEED
from tests.helpers import make_article

SLUG = "ai-operating-partner-vs-fractional-caio-which-role-do-you-need"


def test_get_article_by_id_and_by_slug_are_the_same(client: TestClient) -> None:
    by_id = client.get("/v1/articles/1")
    by_slug = client.get(f"/v1/articles/{SLUG}")
    assert by_id.status_code == by_slug.status_code == 200
    assert by_id.headers["content-type"] == "application/json"
    assert by_id.json() == by_slug.json()
    assert by_id.headers["etag"] == by_slug.headers["etag"]


def test_article_json_has_every_seed_field(client: TestClient) -> None:
    article = client.get("/v1/articles/1").json()
    assert article["id"] == 1
    assert article["slug"] == SLUG
    assert article["url"] == f"http://127.0.0.1:8000/v1/articles/{SLUG}"
    assert article["kicker"] == "Elite"
    assert article["category"] == "Comparison"
    assert article["reading_time_minutes"] == 8
    assert article["status"] == "published"
    assert article["published_at"] == "2026-06-15T00:00:00Z"
    assert article["author"] == {"id": 1, "slug": "kyle-rasmussen", "name": "Kyle Rasmussen"}
    assert article["version"] == 1
    assert article["created_at"].endswith("Z")
    assert [r["slug"] for r in article["roles"]] == ["ai-operating-partner", "fractional-caio"]
    assert [c["slug"] for c in article["comparisons"]] == [
        "ai-operating-partner-vs-fractional-caio"
    ]
    definitions = next(b for b in article["body"] if b["_type"] == "role_definitions")
    assert [(i["term"], i["role"]["slug"]) for i in definitions["items"]] == [
        ("AI operating partner", "ai-operating-partner"),
        ("Fractional CAIO", "fractional-caio"),
    ]
    table = next(b for b in article["body"] if b["_type"] == "comparison")["comparison"]
    assert table["dimension_label"] == "Dimension"
    assert [s["slug"] for s in table["subjects"]] == ["ai-operating-partner", "fractional-caio"]
    assert len(table["rows"]) == 6
    assert table["rows"][2]["dimension"] == "Accountability"
    assert table["rows"][2]["cells"]["ai-operating-partner"]["text"].startswith("EBITDA")
    links = next(b for b in article["body"] if b["_type"] == "block" and b["markDefs"])
    linked = {d["_key"]: d for d in links["markDefs"]}
    assert [
        (span["text"], linked[span["marks"][0]]["role"]["slug"])
        for span in links["children"]
        if span["marks"]
    ] == [
        ("AI operating partner", "ai-operating-partner"),
        ("fractional Chief AI Officer", "fractional-caio"),
    ]
    assert links["markDefs"][1]["href"] == "http://127.0.0.1:8000/v1/roles/fractional-caio"
    related = next(b for b in article["body"] if b["_type"] == "related")
    assert (related["articles"], related["_key"]) == ([], related["_key"])


@pytest.mark.parametrize(
    ("headers", "query"),
    [
        ({"Accept": "text/plain"}, ""),
        ({}, "?format=txt"),
        ({"Accept": "text/html;q=0.5, text/plain"}, ""),
    ],
)
def test_text_plain_is_the_seed_document_byte_for_byte(
    client: TestClient, headers: dict[str, str], query: str
) -> None:
    response = client.get(f"/v1/articles/1{query}", headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.content == SEED.read_bytes()


def test_markdown_has_a_gfm_table_and_linked_role_names(client: TestClient) -> None:
    response = client.get("/v1/articles/1", headers={"Accept": "text/markdown"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/markdown; charset=utf-8"
    md = response.text
    assert md.startswith("*Elite · Comparison · 8 min read*\n\n# AI Operating Partner vs")
    role = "[AI operating partner](http://127.0.0.1:8000/v1/roles/ai-operating-partner)"
    caio = "[Fractional CAIO](http://127.0.0.1:8000/v1/roles/fractional-caio)"
    assert f"| Dimension | {role} | {caio} |\n| --- | --- | --- |\n" in md
    assert (
        "| Primary job | Drive portfolio-level value creation through AI workflows | "
        "Set AI strategy, governance, roadmap, and executive alignment |"
    ) in md
    assert f"### {role}\n\nA hands-on operator" in md
    assert "> **Use this rule**\n>\n> If the problem is choosing" in md
    assert (
        f"Read more on the dedicated {role} and "
        "[fractional Chief AI Officer](http://127.0.0.1:8000/v1/roles/fractional-caio) pages."
    ) in md
    tokens = [t.type for t in MarkdownIt("commonmark").enable("table").parse(md)]
    assert tokens.count("tr_open") == 7  # header and six dimensions


def test_html_is_a_sanitized_fragment_with_the_table(client: TestClient) -> None:
    response = client.get("/v1/articles/1?format=html")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    html = response.text
    assert "<h1>AI Operating Partner vs Fractional CAIO: Which Role Do You Need?</h1>" in html
    assert html.count("<tr>") == 7
    assert "<td>Primary job</td>" in html
    assert "SG&amp;A" in html
    assert (
        '<a href="http://127.0.0.1:8000/v1/roles/fractional-caio" rel="noopener noreferrer">'
        "fractional Chief AI Officer</a>"
    ) in html
    assert "<html" not in html


def test_hostile_text_is_escaped_in_every_rendering(client: TestClient, session: Session) -> None:
    hostile = "<script>alert(1)</script> <img src=x onerror=alert(2)> [x](javascript:alert(3))"
    article = make_article(
        session,
        title="Hostile <b>title</b> | pipe",
        blocks=[
            text_block(hostile),
            linked_block("see evil", [("evil", {"href": 'https://e.example/"x'})]),
        ],
    )
    session.commit()
    html = client.get(f"/v1/articles/{article.id}?format=html").text
    assert "<script" not in html
    assert "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'href="javascript' not in html
    assert 'href="https://e.example/%22x"' in html
    with pytest.raises(ValidationError):
        linked_block("see evil", [("evil", {"href": "javascript:alert(4)"})])
    with pytest.raises(ValidationError):
        TextBlock.model_validate({"children": [{"text": "x", "marks": ["nowhere"]}]})
    assert "Hostile &lt;b&gt;title&lt;/b&gt; | pipe" in html
    md = client.get(f"/v1/articles/{article.id}?format=md").text
    assert "\\<script\\>" in md
    assert "\\[x\\](javascript:alert(3))" in md


def test_etag_and_if_none_match_give_304(client: TestClient) -> None:
    first = client.get("/v1/articles/1")
    etag = first.headers["etag"]
    assert re.fullmatch(r'"[0-9a-f]{32}"', etag)
    assert first.headers["cache-control"] == "public, max-age=60, stale-while-revalidate=300"
    assert "Accept" in first.headers["vary"]
    again = client.get("/v1/articles/1", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    other = client.get("/v1/articles/1", headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200
    md = client.get("/v1/articles/1?format=md")
    assert md.headers["etag"] != etag


def test_etag_changes_when_the_article_changes(client: TestClient, session: Session) -> None:
    from api.articles.models import Article

    etag = client.get("/v1/articles/1").headers["etag"]
    article = session.get(Article, 1)
    assert article is not None
    article.title = "A new title"
    session.add(article)
    session.commit()
    response = client.get("/v1/articles/1", headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert response.json()["title"] == "A new title"
    assert response.headers["etag"] != etag


def test_list_articles_is_published_only_newest_first(client: TestClient, session: Session) -> None:
    newer = make_article(session, published_at=datetime(2026, 7, 1, tzinfo=UTC))
    make_article(session, status=Status.draft, title="A draft")
    session.commit()
    response = client.get("/v1/articles")
    assert response.status_code == 200
    body = response.json()
    assert [a["id"] for a in body["data"]] == [newer.id, 1]
    assert "body" not in body["data"][0]
    assert body["meta"] == {"limit": 20, "next_cursor": None, "prev_cursor": None}
    assert body["links"]["self"] == "http://127.0.0.1:8000/v1/articles?limit=20"
    assert response.headers["link"] == '<http://127.0.0.1:8000/v1/articles?limit=20>; rel="self"'


def test_drafts_are_not_found(client: TestClient, session: Session) -> None:
    draft = make_article(session, status=Status.draft)
    session.commit()
    assert client.get(f"/v1/articles/{draft.id}").status_code == 404
    assert client.get(f"/v1/articles/{draft.slug}").status_code == 404


def test_cursor_paging_walks_every_article_once_both_ways(
    client: TestClient, session: Session
) -> None:
    same_time = datetime(2026, 3, 1, tzinfo=UTC)
    for _ in range(12):
        make_article(session, published_at=same_time)  # ties are broken by id
    for _ in range(12):
        make_article(session)
    session.commit()
    seen: list[int] = []
    pages: list[dict[str, Any]] = []
    url = "/v1/articles?limit=10"
    while url:
        page = client.get(url).json()
        pages.append(page)
        seen.extend(a["id"] for a in page["data"])
        url = page["links"]["next"]
    assert len(seen) == 25 == len(set(seen))
    keys = [(a["published_at"], a["id"]) for p in pages for a in p["data"]]
    assert keys == sorted(keys, reverse=True)
    assert [len(p["data"]) for p in pages] == [10, 10, 5]
    assert pages[0]["meta"]["prev_cursor"] is None
    assert pages[-1]["meta"]["next_cursor"] is None
    back = client.get(pages[-1]["links"]["prev"]).json()
    assert back["data"] == pages[1]["data"]
    back = client.get(back["links"]["prev"]).json()
    assert back["data"] == pages[0]["data"]
    assert back["meta"]["prev_cursor"] is None
    assert pages[0]["links"]["next"].startswith(
        "http://127.0.0.1:8000/v1/articles?limit=10&cursor="
    )


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/v1/articles?limit=abc", 422),
        ("/v1/articles?limit=1000", 422),
        ("/v1/articles?limit=0", 422),
        ("/v1/articles?limit=-1", 422),
        ("/v1/articles?cursor=abc", 422),
        ("/v1/articles?cursor=" + "A" * 600, 422),
        ("/v1/articles?cursor=eyJkIjoibmV4dCIsInMiOiJuYW1lIiwiayI6WyJ4IiwxXX0", 422),
        ("/v1/articles?cursor=eyJkIjoibmV4dCIsInMiOiItcHVibGlzaGVkX2F0IiwiayI6WzEsMl19", 422),
        ("/v1/articles?unknown=1", 422),
        ("/v1/articles/1?format=pdf", 422),
        ("/v1/articles/1?format=md&extra=1", 422),
        ("/v1/articles/does-not-exist", 404),
        ("/v1/articles/0", 404),
        ("/v1/articles/99999999999999999999999", 404),
        ("/v1/articles/" + "a" * 121, 422),
        ("/v1/articles/%00", 404),
        ("/v1/articles/%F0%9F%92%A9", 404),
    ],
)
def test_bad_article_requests_are_problems(client: TestClient, url: str, status: int) -> None:
    response = client.get(url)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == status
    assert {"type", "title", "detail", "instance"} <= problem.keys()
    if status == 422:
        assert problem["errors"][0]["loc"][0] in ("query", "path")


def test_unacceptable_media_type_is_406(client: TestClient) -> None:
    response = client.get("/v1/articles/1", headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert response.headers["content-type"] == "application/problem+json"
    assert "text/markdown" in response.json()["detail"]


def test_wildcard_accept_gets_json(client: TestClient) -> None:
    response = client.get("/v1/articles/1", headers={"Accept": "*/*"})
    assert response.headers["content-type"] == "application/json"


def test_head_answers_the_get_headers_without_a_body(client: TestClient) -> None:
    get = client.get("/v1/articles/1")
    head = client.head("/v1/articles/1")
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["etag"] == get.headers["etag"]
    assert head.headers["content-length"] == get.headers["content-length"]
    assert client.head("/v1/articles/nope").status_code == 404


def test_cors_allows_any_origin_to_read_without_credentials(client: TestClient) -> None:
    response = client.get("/v1/articles/1", headers={"Origin": "https://site.example"})
    assert response.headers["access-control-allow-origin"] == "*"
    assert "ETag" in response.headers["access-control-expose-headers"]
    assert "access-control-allow-credentials" not in response.headers
