"""Feeds, read by real feed clients: feedparser for RSS and Atom, the JSON Feed 1.1 schema."""

import json
from datetime import datetime
from pathlib import Path

import feedparser
import jsonschema
import pytest
from fastapi.testclient import TestClient
from lxml import etree
from sqlmodel import Session

from api.labels.models import LabelInput
from api.labels.service import tags
from tests.conftest import Keys
from tests.helpers import make_article

SCHEMA = json.loads((Path(__file__).parent / "schemas" / "jsonfeed-1.1.schema.json").read_text())
SEED_SLUG = "ai-operating-partner-vs-fractional-caio-which-role-do-you-need"


@pytest.fixture
def published(session: Session) -> list[int]:
    tags.create(session, LabelInput(name="Leadership"), key=None)
    made = [
        make_article(session, title="Older <news> & notes", tags=["leadership"]),
        make_article(session, title="Newer one", category="Guide"),
    ]
    session.commit()
    return [a.id for a in made if a.id is not None]


def _api_articles(client: TestClient) -> dict[str, dict[str, object]]:
    items = client.get("/v1/articles?include=author,tags").json()["data"]
    return {f"http://127.0.0.1:8000/v1/articles/{a['slug']}": a for a in items}


@pytest.mark.parametrize(
    ("suffix", "media"), [("rss", "application/rss+xml"), ("atom", "application/atom+xml")]
)
def test_xml_feeds_match_the_article_api(
    client: TestClient, published: list[int], suffix: str, media: str
) -> None:
    response = client.get(f"/v1/feeds/articles.{suffix}")
    assert response.status_code == 200
    assert response.headers["content-type"] == f"{media}; charset=utf-8"
    assert response.headers["etag"]
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.bozo_exception
    assert parsed.feed.title == "Folio"
    api = _api_articles(client)
    assert [e.link for e in parsed.entries] == list(api)  # newest first, like the API
    for entry in parsed.entries:
        article = api[entry.link]
        assert entry.title == article["title"]
        assert entry.author == article["author"]["name"]  # type: ignore[index]
        published_at = datetime.fromisoformat(str(article["published_at"]).replace("Z", "+00:00"))
        assert entry.published_parsed[:6] == published_at.utctimetuple()[:6]
        html = entry.content[0].value
        assert "<script" not in html
        terms = [t.term for t in entry.tags]
        assert article["category"] in terms
    seed = next(e for e in parsed.entries if e.link.endswith(SEED_SLUG))
    assert "<table>" in seed.content[0].value
    assert seed.summary.startswith("The terms sound similar")
    older = next(e for e in parsed.entries if e.title == "Older <news> & notes")
    assert "Leadership" in [t.term for t in older.tags]
    assert (
        client.get(
            f"/v1/feeds/articles.{suffix}", headers={"If-None-Match": response.headers["etag"]}
        ).status_code
        == 304
    )


def test_json_feed_is_valid_json_feed_1_1(client: TestClient, published: list[int]) -> None:
    response = client.get("/v1/feeds/articles.json")
    assert response.headers["content-type"] == "application/feed+json; charset=utf-8"
    feed = response.json()
    jsonschema.validate(feed, SCHEMA, format_checker=jsonschema.FormatChecker())
    api = _api_articles(client)
    assert [item["url"] for item in feed["items"]] == list(api)
    for item in feed["items"]:
        article = api[item["url"]]
        assert item["title"] == article["title"]
        assert item["date_published"] == article["published_at"]
        assert item["authors"] == [{"name": article["author"]["name"]}]  # type: ignore[index]
    assert feed["feed_url"] == "http://127.0.0.1:8000/v1/feeds/articles.json"


def test_feeds_filter_like_the_article_list(client: TestClient, published: list[int]) -> None:
    def titles(query: str) -> list[str]:
        return [i["title"] for i in client.get(f"/v1/feeds/articles.json?{query}").json()["items"]]

    assert titles("tag=leadership") == ["Older <news> & notes"]
    assert titles("category=Guide") == ["Newer one"]
    assert titles("author=kyle-rasmussen") == [
        "AI Operating Partner vs Fractional CAIO: Which Role Do You Need?"
    ]
    assert titles("role=fractional-caio") == [
        "AI Operating Partner vs Fractional CAIO: Which Role Do You Need?"
    ]
    assert len(titles("limit=1")) == 1
    assert titles("role=fractional-caio,no-such-role") == titles("role=fractional-caio")


def test_drafts_never_reach_a_feed(client: TestClient, keys: Keys) -> None:
    client.post("/v1/articles", json={"title": "Secret draft"}, headers=keys.auth("write"))
    for suffix in ("rss", "atom", "json"):
        assert "Secret draft" not in client.get(f"/v1/feeds/articles.{suffix}").text


@pytest.mark.parametrize(
    "query",
    [
        "limit=0",
        "limit=101",
        "tag=Bad%20Tag",
        "q=x",
        "status=draft",
        "category=",
        "category=" + "x" * 61,
        "role=a,,b",
    ],
)
def test_bad_feed_queries_are_422(client: TestClient, query: str) -> None:
    response = client.get(f"/v1/feeds/articles.rss?{query}")
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"


def test_control_characters_never_break_a_feed(client: TestClient, keys: Keys) -> None:
    client.post(
        "/v1/articles",
        json={"title": "Bell \x07 and escape \x1b", "summary": "tab\tok", "status": "published"},
        headers=keys.auth("write"),
    )
    for suffix in ("rss", "atom"):
        response = client.get(f"/v1/feeds/articles.{suffix}")
        assert response.status_code == 200
        parsed = feedparser.parse(response.content)
        assert not parsed.bozo, parsed.bozo_exception
        assert parsed.entries[0].title.strip() == "Bell  and escape"


def _entry_ids(client: TestClient) -> dict[str, list[str]]:
    rss = feedparser.parse(client.get("/v1/feeds/articles.rss").content)
    atom = feedparser.parse(client.get("/v1/feeds/articles.atom").content)
    items = client.get("/v1/feeds/articles.json").json()["items"]
    return {
        "rss": [e.id for e in rss.entries],
        "atom": [e.id for e in atom.entries],
        "json": [i["id"] for i in items],
        "links": [e.link for e in atom.entries],
    }


def test_entry_ids_survive_a_slug_change(client: TestClient, keys: Keys) -> None:
    before = _entry_ids(client)
    seed_id = "http://127.0.0.1:8000/v1/articles/1"
    assert before["rss"] == before["atom"] == before["json"] == [seed_id]
    rss = client.get("/v1/feeds/articles.rss").text
    assert f'<guid isPermaLink="false">{seed_id}</guid>' in rss
    response = client.patch(
        "/v1/articles/1",
        json={"slug": "operating-partner-or-caio"},
        headers={**keys.auth("write"), "Content-Type": "application/merge-patch+json"},
    )
    assert response.status_code == 200, response.text
    after = _entry_ids(client)
    assert after["rss"] == after["atom"] == after["json"] == [seed_id]
    assert after["links"] == ["http://127.0.0.1:8000/v1/articles/operating-partner-or-caio"]
    assert client.get(after["links"][0].removeprefix("http://127.0.0.1:8000")).status_code == 200


def test_atom_content_is_escaped_html_as_rfc_4287_has_it(client: TestClient) -> None:
    raw = client.get("/v1/feeds/articles.atom").content
    assert b"CDATA" not in raw
    atom = etree.fromstring(raw)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    contents = atom.findall("a:entry/a:content", ns)
    assert contents
    for content in contents:
        assert content.get("type") == "html"
        assert "<table>" in (content.text or "")  # the HTML, escaped
    assert atom.find("a:link[@rel='alternate']", ns).get("href") == (
        "http://127.0.0.1:8000/v1/articles"
    )


def test_every_atom_entry_has_an_author_and_content_is_the_body_alone(
    client: TestClient, keys: Keys
) -> None:
    """RFC 4287 §4.1.1: an entry without an author of its own takes the feed's (the site).
    An entry's content is its body: the title, byline and date are fields of their own, and a
    reader that found them in the content too would show them twice."""
    body = "Read [the role](/v1/roles/fractional-caio) *first*:\n\n- one\n- two\n"
    made = client.post(
        "/v1/articles",
        json={"title": "Nobody wrote this", "status": "published", "body_markdown": body},
        headers=keys.auth("write"),
    )
    assert made.status_code == 201, made.text
    client.post("/v1/articles", json={"title": "A draft beside it"}, headers=keys.auth("write"))
    raw = client.get("/v1/feeds/articles.atom").content
    atom = etree.fromstring(raw)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    assert atom.findtext("a:author/a:name", namespaces=ns) == "Folio"
    entries = {e.findtext("a:title", namespaces=ns): e for e in atom.findall("a:entry", ns)}
    assert "A draft beside it" not in entries
    anonymous = entries["Nobody wrote this"]
    assert anonymous.find("a:author", ns) is None  # the feed's author stands for it
    content = anonymous.findtext("a:content", namespaces=ns) or ""
    assert "<h1>" not in content
    assert "Nobody wrote this" not in content
    assert "<em>first</em>" in content
    assert "<li>one</li>" in content
    links = {e.find("a:link", ns).get("href"): e for e in entries.values()}
    seed = links[f"http://127.0.0.1:8000/v1/articles/{SEED_SLUG}"]
    seed_content = seed.findtext("a:content", namespaces=ns) or ""
    assert "<h1>" not in seed_content
    assert "<table>" in seed_content
    assert seed.findtext("a:author/a:name", namespaces=ns) == "Kyle Rasmussen"
    parsed = feedparser.parse(raw)
    assert not parsed.bozo
    assert parsed.feed.author == "Folio"
    assert {entry.get("author") for entry in parsed.entries} == {"Kyle Rasmussen", None}
    feed = client.get("/v1/feeds/articles.json").json()
    jsonschema.validate(feed, SCHEMA, format_checker=jsonschema.FormatChecker())
    assert feed["authors"] == [{"name": "Folio"}]
    item = next(i for i in feed["items"] if i["title"] == "Nobody wrote this")
    assert "<h1>" not in item["content_html"]
    assert "authors" not in item
