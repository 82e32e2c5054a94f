"""Full-text search: ranked hits with snippets across articles, roles and comparisons; kept
current on every write; stemming, phrases, prefixes and exclusions; no input can break it."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Keys


def hits(client: TestClient, q: str, **params: Any) -> list[tuple[str, str]]:
    response = client.get("/v1/search", params={"q": q, **params}, headers=params.pop("h", {}))
    assert response.status_code == 200, response.text
    return [(h["type"], h["slug"]) for h in response.json()["data"]]


def test_search_finds_each_kind_with_a_highlighted_snippet(client: TestClient) -> None:
    response = client.get("/v1/search", params={"q": "governance"})
    assert response.status_code == 200
    found = {(h["type"], h["slug"]): h for h in response.json()["data"]}
    assert ("roles", "fractional-caio") in found
    assert ("articles", "ai-operating-partner-vs-fractional-caio-which-role-do-you-need") in found
    assert ("comparisons", "ai-operating-partner-vs-fractional-caio") in found
    role = found[("roles", "fractional-caio")]
    assert "<mark>governance</mark>" in role["snippet"].lower()
    assert role["url"] == "http://127.0.0.1:8000/v1/roles/fractional-caio"
    scores = [h["score"] for h in response.json()["data"]]
    assert scores == sorted(scores, reverse=True)


def test_rows_and_cells_of_comparisons_are_searched(client: TestClient) -> None:
    response = client.get("/v1/search", params={"q": "biweekly", "type": "comparisons"})
    (hit,) = response.json()["data"]
    assert hit["slug"] == "ai-operating-partner-vs-fractional-caio"
    assert "<mark>biweekly</mark>" in hit["snippet"].lower()
    assert "Operating cadence" in hit["snippet"]


def test_stemming_phrases_prefixes_and_exclusions(client: TestClient) -> None:
    article = ("articles", "ai-operating-partner-vs-fractional-caio-which-role-do-you-need")
    assert article in hits(client, "deploy")  # the text says "deployment" and "deploys"
    assert article in hits(client, "standardizing")
    assert article in hits(client, '"decision rule"')
    assert article not in hits(client, '"rule decision"')
    assert article in hits(client, "govern*")
    assert ("roles", "ai-operating-partner") in hits(client, "hands-on operator")
    assert ("roles", "ai-operating-partner") not in hits(client, "operator -hands")
    assert hits(client, "zyzzyva") == []


HOSTILE = [
    "'",
    '"',
    '"unclosed phrase',
    "a & b | !c",
    "(((",
    "):*",
    "NEAR(a b)",
    "a OR b AND NOT c",
    "* * *",
    "-",
    "--",
    "title:deploy",
    "^deploy",
    "\\",
    "%_%",
    "'; DROP TABLE article; --",
    "é ü 漢字 🚀",
    "\x00",
    "a\x00b",
    "the and of",
    "x" * 200,
]


@pytest.mark.parametrize("q", HOSTILE)
def test_no_query_breaks_search(client: TestClient, q: str) -> None:
    response = client.get("/v1/search", params={"q": q})
    assert response.status_code in (200, 422), response.text
    assert client.get("/v1/articles", params={"q": q}).status_code in (200, 422)
    assert client.get("/v1/roles", params={"q": q}).status_code in (200, 422)


def test_edits_are_findable_and_deletions_gone(client: TestClient, keys: Keys) -> None:
    write = keys.auth("write")
    created = client.post(
        "/v1/articles",
        json={
            "title": "Quokka logistics",
            "summary": "Marsupials deploy widgets.",
            "status": "published",
        },
        headers=write,
    ).json()
    assert ("articles", created["slug"]) in hits(client, "quokka")
    client.patch(f"/v1/articles/{created['id']}", json={"title": "Wombat logistics"}, headers=write)
    assert ("articles", created["slug"]) not in hits(client, "quokka")
    assert ("articles", created["slug"]) in hits(client, "wombats")
    client.delete(f"/v1/articles/{created['id']}", headers=write)
    assert hits(client, "wombat") == []
    client.post(f"/v1/trash/articles/{created['id']}/restore", headers=write)
    assert ("articles", created["slug"]) in hits(client, "wombat")
    client.delete(f"/v1/articles/{created['id']}", headers=write)
    client.delete(f"/v1/trash/articles/{created['id']}", headers=keys.auth("admin"))
    assert hits(client, "wombat") == []


def test_drafts_are_found_only_with_a_key(client: TestClient, keys: Keys) -> None:
    client.post("/v1/roles", json={"name": "Chief Quokka Officer"}, headers=keys.auth("write"))
    assert hits(client, "quokka") == []
    response = client.get("/v1/search", params={"q": "quokka"}, headers=keys.auth("read"))
    assert [h["slug"] for h in response.json()["data"]] == ["chief-quokka-officer"]
    assert response.headers["cache-control"] == "private, no-store"


def test_q_filters_collections(client: TestClient, keys: Keys) -> None:
    assert [a["id"] for a in client.get("/v1/articles?q=vendor").json()["data"]] == [1]
    assert client.get("/v1/articles?q=vendor&category=Nothing").json()["data"] == []
    assert [r["slug"] for r in client.get("/v1/roles?q=part-time").json()["data"]] == [
        "fractional-caio"
    ]
    assert [c["id"] for c in client.get("/v1/comparisons?q=ebitda").json()["data"]] == [1]


def test_search_pages_by_cursor(client: TestClient, keys: Keys) -> None:
    write = keys.auth("write")
    for n in range(5):
        client.post(
            "/v1/roles", json={"name": f"Numbat role {n}", "status": "published"}, headers=write
        )
    first = client.get("/v1/search", params={"q": "numbat", "limit": 2}).json()
    seen = [h["slug"] for h in first["data"]]
    url = first["links"]["next"]
    while url:
        page = client.get(url).json()
        seen.extend(h["slug"] for h in page["data"])
        url = page["links"]["next"]
    assert sorted(seen) == [f"numbat-role-{n}" for n in range(5)]


@pytest.mark.parametrize(
    "query",
    ["", "q=", "q=a&type=authors", "q=a&limit=0", "q=a&limit=101", "q=a&cursor=x", "q=a&extra=1"],
)
def test_bad_search_requests_are_422(client: TestClient, query: str) -> None:
    response = client.get(f"/v1/search?{query}")
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
