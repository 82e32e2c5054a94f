"""Every output escaped for where it goes: text stays text in feeds, JSON-LD can be inlined in a
<script>, CSV cells never run as spreadsheet formulas, HTML is sanitized."""

import csv
import io
import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Keys
from tests.helpers import block, linking

PAYLOADS = [
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    '"><svg/onload=alert(1)>',
    "</script><script>alert(document.cookie)</script>",
    "&lt;img src=x onerror=alert(1)&gt;",
    '<a href="javascript:alert(1)">x</a>',
]
ATOM = "{http://www.w3.org/2005/Atom}"


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes += [(name, value or "") for name, value in attrs]


def _parsed(html: str) -> _Tags:
    parser = _Tags()
    parser.feed(html)
    return parser


def _tags_in(html: str) -> list[str]:
    return _parsed(html).tags


def _assert_harmless(html: str) -> None:
    """No element that runs script, no event handler, no script URL: markup in the content
    was escaped to text or sanitized away."""
    parsed = _parsed(html)
    assert not {"script", "img", "svg", "iframe"} & set(parsed.tags), html
    for name, value in parsed.attributes:
        assert not name.startswith("on"), html
        assert not value.strip().lower().startswith("javascript:"), html


@pytest.fixture
def hostile(client: TestClient, keys: Keys) -> list[int]:
    ids = []
    for n, payload in enumerate(PAYLOADS):
        response = client.post(
            "/v1/articles",
            json={
                "title": f"Title {n} {payload}",
                "summary": payload,
                "status": "published",
                "body": [
                    block(f"Body {payload}"),
                    block(payload, style="h2"),
                    {"_type": "code", "language": "html", "code": payload},
                    {"_type": "callout", "title": payload, "content": [block(payload)]},
                    {
                        "_type": "table",
                        "rows": [{"cells": [{"children": [{"text": payload}]}]}],
                    },
                    linking(f"see {payload}", "see", href=f"https://example.com/?q={n}"),
                ],
            },
            headers=keys.auth("write"),
        )
        assert response.status_code == 201, response.text
        ids.append(response.json()["id"])
    return ids


def test_feed_summaries_are_text_and_contents_are_sanitized(
    client: TestClient, hostile: list[int]
) -> None:
    rss = ET.fromstring(client.get("/v1/feeds/articles.rss?limit=100").content)
    items = {i.findtext("title"): i for i in rss.iter("item")}
    atom = ET.fromstring(client.get("/v1/feeds/articles.atom?limit=100").content)
    entries = {e.findtext(f"{ATOM}title"): e for e in atom.iter(f"{ATOM}entry")}
    for n, payload in enumerate(PAYLOADS):
        title = f"Title {n} {payload}"
        description = items[title].findtext("description") or ""
        assert _tags_in(description) == [], description  # HTML to readers: shows as text
        entry = entries[title]
        summary = entry.find(f"{ATOM}summary")
        content = entry.find(f"{ATOM}content")
        assert summary is not None
        assert content is not None
        assert summary.get("type") == "html"
        assert _tags_in(summary.text or "") == []
        assert content.get("type") == "html"  # RFC 4287 §4.1.3.1: text, html, xhtml or a MIME type
        _assert_harmless(content.text or "")
    feed = client.get("/v1/feeds/articles.json?limit=100").json()
    summaries = {item["title"]: item["summary"] for item in feed["items"]}
    assert summaries[f"Title 0 {PAYLOADS[0]}"] == PAYLOADS[0]  # JSON Feed: summary is text


def test_jsonld_can_be_inlined_in_a_script_element(client: TestClient, hostile: list[int]) -> None:
    for n, article_id in enumerate(hostile):
        response = client.get(f"/v1/articles/{article_id}/jsonld")
        assert response.headers["content-type"].startswith("application/ld+json")
        assert b"<" not in response.content
        assert b">" not in response.content
        assert json.loads(response.content)["name"] == f"Title {n} {PAYLOADS[n]}"
        page = client.get(f"/v1/articles/{article_id}?format=html&jsonld=true").text
        assert page.count("</script>") == 1


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        (
            '=HYPERLINK("http://evil.example","click")',
            '\'=HYPERLINK("http://evil.example","click")',
        ),
        ("+SUM(1,2)", "'+SUM(1,2)"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
        ("\tTabbed", "'\tTabbed"),
        ("Plain = fine", "Plain = fine"),
    ],
)
def test_csv_cells_never_start_a_formula(
    client: TestClient, keys: Keys, text: str, shown: str
) -> None:
    created = client.post(
        "/v1/comparisons",
        json={
            "title": "Formulas",
            "dimension_label": "=1+1",
            "subjects": ["fractional-caio"],
            "rows": [{"dimension": "@dim", "cells": {"fractional-caio": text}}],
            "status": "published",
        },
        headers=keys.auth("write"),
    )
    assert created.status_code == 201, created.text
    body = client.get(f"/v1/comparisons/{created.json()['id']}?format=csv").text
    header, row = list(csv.reader(io.StringIO(body)))
    assert header == ["'=1+1", "Fractional CAIO"]
    assert row == ["'@dim", shown]
    stored = client.get(f"/v1/comparisons/{created.json()['id']}").json()
    assert stored["rows"][0]["cells"]["fractional-caio"]["text"] == text  # JSON keeps it as is


def test_html_renderings_are_sanitized(client: TestClient, hostile: list[int]) -> None:
    for article_id in hostile:
        _assert_harmless(client.get(f"/v1/articles/{article_id}?format=html").text)
