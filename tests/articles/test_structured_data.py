"""Structured data: SEO fields with fallbacks, schema.org JSON-LD, and JSON-LD in the HTML."""

import json
import re

from fastapi.testclient import TestClient

from tests.conftest import Keys


def test_seo_fields_fall_back_to_the_article(client: TestClient) -> None:
    seo = client.get("/v1/articles/1").json()["seo"]
    assert seo == {
        "meta_title": "AI Operating Partner vs Fractional CAIO: Which Role Do You Need?",
        "meta_description": client.get("/v1/articles/1").json()["summary"],
        "canonical_url": "http://127.0.0.1:8000/v1/articles/ai-operating-partner-vs-fractional-caio-which-role-do-you-need",
        "image": "http://127.0.0.1:8000/v1/articles/1/card.png",  # no cover: its social card
    }


def test_seo_fields_are_set_and_unset(client: TestClient, keys: Keys) -> None:
    seo = {
        "meta_title": "Short title",
        "meta_description": "For the snippet.",
        "canonical_url": "https://example.com/caio",
        "image": "https://example.com/caio.png",
    }
    article = client.post(
        "/v1/articles", json={"title": "Long title", "seo": seo}, headers=keys.auth("write")
    ).json()
    assert article["seo"] == seo
    patched = client.patch(
        f"/v1/articles/{article['id']}",
        json={"seo": {"meta_title": None}},
        headers=keys.auth("write"),
    ).json()
    assert patched["seo"]["meta_title"] == "Long title"
    assert patched["seo"]["image"] == "https://example.com/caio.png"
    bad = client.post(
        "/v1/articles",
        json={"title": "x", "seo": {"canonical_url": "javascript:alert(1)"}},
        headers=keys.auth("write"),
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["loc"][:3] == ["body", "seo", "canonical_url"]


def test_jsonld_is_a_schema_org_article_with_its_table(client: TestClient) -> None:
    response = client.get("/v1/articles/1/jsonld")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/ld+json"
    data = response.json()
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Article"
    assert data["headline"] == "AI Operating Partner vs Fractional CAIO: Which Role Do You Need?"
    assert data["author"] == {
        "@type": "Person",
        "name": "Kyle Rasmussen",
        "url": "http://127.0.0.1:8000/v1/authors/kyle-rasmussen",
    }
    assert data["datePublished"] == "2026-06-15T00:00:00Z"
    assert data["dateModified"].endswith("Z")
    assert data["publisher"] == {"@type": "Organization", "name": "Folio"}
    assert data["articleSection"] == "Comparison"
    assert data["timeRequired"] == "PT8M"
    assert [a["name"] for a in data["about"]] == ["AI operating partner", "Fractional CAIO"]
    (table,) = data["hasPart"]
    assert table["@type"] == "Table"
    assert table["name"] == "AI operating partner vs Fractional CAIO"
    assert table["text"].startswith("Dimension,AI operating partner,Fractional CAIO\r\n")
    assert response.headers["etag"]
    assert client.get("/v1/articles/nope/jsonld").status_code == 404
    assert client.get("/v1/articles/1/jsonld?x=1").status_code == 422


def test_jsonld_inside_the_html_cannot_break_out(client: TestClient, keys: Keys) -> None:
    html = client.get("/v1/articles/1?format=html&jsonld=true").text
    script = re.search(r'^<script type="application/ld\+json">(.*?)</script>\n', html, re.M)
    assert script is not None
    assert json.loads(script.group(1))["@type"] == "Article"
    assert "<script" not in client.get("/v1/articles/1?format=html").text
    hostile = client.post(
        "/v1/articles",
        json={"title": "</script><script>alert(1)</script>", "status": "published"},
        headers=keys.auth("write"),
    ).json()
    html = client.get(f"/v1/articles/{hostile['id']}?format=html&jsonld=true").text
    assert html.count("<script") == 1
    assert html.count("</script>") == 1
