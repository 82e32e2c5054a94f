"""Nothing unpublished leaks: the leak probe.

Every kind of hidden item — draft, scheduled, archived, in the trash, published once and then
unpublished — is put in every relation a public item can have with it (a role defined, linked
and compared in a published article, a comparison embedded, an article linked and related, a
comparison made from an article's table), with a marker in each of its texts. Then every public
route is read in every format without a key, and no answer may hold a marker. Items that were
public once carry a marker of their own, which may appear only in a /v1/changes tombstone.
"""

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Keys
from tests.helpers import block

# Dates here are computed from the clock: `make test-ahead` runs them years from now too.
pytestmark = pytest.mark.calendar

NEVER = "zqxleak"  # in every text of items never public
GONE = "zqxgone"  # in every text of items public once, hidden now
FUTURE = (datetime.now(UTC) + timedelta(days=30)).isoformat()
HIDDEN_STATES = ("draft", "scheduled", "archived", "trashed")


@dataclass
class World:
    client: TestClient
    write: dict[str, str]
    public: dict[str, list[dict[str, Any]]] = field(
        default_factory=lambda: {"articles": [], "roles": [], "comparisons": []}
    )
    hidden_slugs: list[str] = field(default_factory=list)
    requests: int = 0

    def post(self, collection: str, body: dict[str, Any]) -> dict[str, Any]:
        response = self.client.post(f"/v1/{collection}", json=body, headers=self.write)
        assert response.status_code == 201, response.text
        return response.json()  # type: ignore[no-any-return]

    def patch(self, collection: str, ref: object, body: dict[str, Any]) -> None:
        response = self.client.patch(f"/v1/{collection}/{ref}", json=body, headers=self.write)
        assert response.status_code == 200, response.text

    def delete(self, collection: str, ref: object) -> None:
        response = self.client.delete(f"/v1/{collection}/{ref}", headers=self.write)
        assert response.status_code == 204, response.text

    def hidden(self, collection: str, state: str, body: dict[str, Any]) -> dict[str, Any]:
        """An item in ``state``: one of HIDDEN_STATES (never public: "trashed" is a draft
        moved to the trash), or public once: "gone" (published, then drafted) and
        "gone-trashed" (published, then moved to the trash)."""
        status = {"trashed": "draft", "gone": "published", "gone-trashed": "published"}
        extra = {"publish_at": FUTURE} if state == "scheduled" else {}
        item = self.post(collection, {**body, "status": status.get(state, state), **extra})
        if state == "gone":
            self.patch(collection, item["id"], {"status": "draft"})
        if state.endswith("trashed"):
            self.delete(collection, item["id"])
        self.hidden_slugs.append(item["slug"])
        return item

    def published(self, collection: str, body: dict[str, Any]) -> dict[str, Any]:
        item = self.post(collection, {**body, "status": "published"})
        self.public[collection].append(item)
        return item


def _role(marker: str, state: str) -> dict[str, Any]:
    return {
        "name": f"{marker.title()} {state} role",
        "aliases": [f"{marker} alias {state}"],
        "definition": f"{marker} definition of a {state} role",
    }


@pytest.fixture
def world(client: TestClient, keys: Keys) -> World:
    w = World(client, keys.auth("write"))
    seed_roles = ["ai-operating-partner", "fractional-caio"]
    shown = w.published("roles", {"name": "Shown role", "definition": "Public."})
    roles = {s: w.hidden("roles", s, _role(NEVER, s)) for s in ("draft", "scheduled", "archived")}
    roles["gone"] = w.hidden("roles", "gone", _role(GONE, "gone"))
    w.hidden("roles", "trashed", _role(NEVER, "trashed"))
    w.hidden("roles", "gone-trashed", _role(GONE, "gone-trashed"))

    def comparison(marker: str, state: str, subjects: list[str]) -> dict[str, Any]:
        return {
            "title": f"{marker.title()} {state} comparison",
            "subjects": subjects,
            "rows": [
                {
                    "dimension": f"{marker} dimension",
                    "cells": dict.fromkeys(subjects, f"{marker} cell"),
                }
            ],
        }

    comparisons = {
        s: w.hidden("comparisons", s, comparison(NEVER, s, seed_roles))
        for s in ("draft", "scheduled", "archived")
    }
    comparisons["gone"] = w.hidden("comparisons", "gone", comparison(GONE, "gone", seed_roles))
    w.hidden("comparisons", "trashed", comparison(NEVER, "trashed", seed_roles))
    w.hidden("comparisons", "gone-trashed", comparison(GONE, "gone-trashed", seed_roles))

    # A published comparison whose columns include hidden roles: those columns are left out.
    w.published(
        "comparisons",
        {
            "title": "Public comparison of public and hidden roles",
            "subjects": [shown["slug"], *(r["slug"] for r in roles.values())],
            "rows": [
                {
                    "dimension": "Budget",
                    "cells": {
                        shown["slug"]: "Public cell",
                        **{
                            r["slug"]: f"{GONE if k == 'gone' else NEVER} cell"
                            for k, r in roles.items()
                        },
                    },
                }
            ],
        },
    )

    def article(marker: str, state: str) -> dict[str, Any]:
        return {
            "title": f"{marker.title()} {state} article",
            "summary": f"{marker} summary",
            "body": [block(f"{marker} body of a {state} article")],
        }

    articles = {s: w.hidden("articles", s, article(NEVER, s)) for s in ("draft", "scheduled")}
    articles["archived"] = w.hidden("articles", "archived", article(NEVER, "archived"))
    articles["gone"] = w.hidden("articles", "gone", article(GONE, "gone"))
    w.hidden("articles", "trashed", article(NEVER, "trashed"))
    w.hidden("articles", "gone-trashed", article(GONE, "gone-trashed"))

    # Comparisons made from Markdown tables of hidden articles: hidden with them.
    table = "| Dimension | AI operating partner | Fractional CAIO |\n| --- | --- | --- |\n"
    for state in (*HIDDEN_STATES, "gone", "gone-trashed"):
        marker = GONE if state.startswith("gone") else NEVER
        cells = f"| {marker} dim | {marker} a | {marker} b |\n"
        body = {"title": f"{marker.title()} tabled {state}", "body_markdown": table + cells}
        w.hidden("articles", state, body)

    # A published article that refers to every hidden role, comparison and article.
    every_role = [*roles.values(), *w.public["roles"]]
    w.published(
        "articles",
        {
            "title": "Public article with hidden references",
            "summary": "Public summary.",
            "body": [
                {
                    "_type": "role_definitions",
                    "items": [
                        {"role_id": r["id"], "term": r["name"], "definition": r["definition"]}
                        for r in every_role
                    ],
                },
                *({"_type": "comparison", "comparison_id": c["id"]} for c in comparisons.values()),
                {
                    "_type": "block",
                    "children": [
                        {"_type": "span", "text": "See "},
                        {"_type": "span", "text": "this", "marks": ["a", "strong"]},
                        {"_type": "span", "text": " and "},
                        {"_type": "span", "text": "that", "marks": ["b"]},
                        {"_type": "span", "text": " and "},
                        {"_type": "span", "text": "those", "marks": ["c"]},
                        {"_type": "span", "text": "."},
                    ],
                    "markDefs": [
                        {"_type": "link", "_key": "a", "role_id": roles["draft"]["id"]},
                        {"_type": "link", "_key": "b", "article_id": articles["draft"]["id"]},
                        {"_type": "link", "_key": "c", "role_id": roles["gone"]["id"]},
                    ],
                },
                {"_type": "related", "article_ids": [a["id"] for a in articles.values()] + [1]},
            ],
        },
    )
    return w


def _public_urls(w: World) -> Iterator[str]:
    get = w.client.get
    yield from ("/v1/articles", "/v1/roles", "/v1/comparisons", "/v1/authors", "/v1/tags")
    yield "/v1/articles?include=author,tags,roles,comparisons&limit=100"
    yield "/v1/comparisons?include=roles&limit=100"
    yield "/v1/roles?limit=100"
    for feed in ("rss", "atom", "json"):
        yield f"/v1/feeds/articles.{feed}?limit=100"
    for word in (NEVER, GONE, "role", "comparison", "article", "cell", "dimension"):
        yield f"/v1/search?q={word}&limit=100"
        for collection in ("articles", "roles", "comparisons"):
            yield f"/v1/{collection}?q={word}&limit=100"
    articles = get("/v1/articles?limit=100").json()["data"]
    roles = get("/v1/roles?limit=100").json()["data"]
    comparisons = get("/v1/comparisons?limit=100").json()["data"]
    for a in articles:
        base = f"/v1/articles/{a['slug']}"
        yield from (base, f"{base}?include=author,tags,roles,comparisons", f"{base}/jsonld")
        yield from (f"{base}?format={f}" for f in ("md", "html", "txt"))
        yield f"{base}?format=html&jsonld=true"
    for r in roles:
        yield from (f"/v1/roles/{r['slug']}", f"/v1/roles/{r['slug']}?include=comparisons")
        yield f"/v1/articles?role={r['slug']}"
        for other in roles:
            if other["slug"] != r["slug"]:
                yield f"/v1/roles/{r['slug']}/compare/{other['slug']}"
    for c in comparisons:
        base = f"/v1/comparisons/{c['slug']}"
        yield from (base, f"{base}?include=roles", f"{base}?format=csv", f"{base}?format=md")
        yield from (f"{base}/rows", f"/v1/articles?comparison={c['slug']}")
        yield f"/v1/roles?comparison={c['slug']}"
        for row in get(f"{base}/rows").json()["data"]:
            yield f"{base}/rows/{row['id']}"


def test_no_public_route_or_format_shows_anything_hidden(world: World) -> None:
    client = world.client
    urls = list(dict.fromkeys(_public_urls(world)))
    assert len(urls) > 80
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, (url, response.text)
        body = response.json() if "json" in response.headers["content-type"] else None
        if isinstance(body, dict):
            body.pop("links", None)  # a list's own links echo its query
        text = (response.text if body is None else json.dumps(body)).lower()
        assert NEVER not in text, (url, text[text.find(NEVER) - 200 : text.find(NEVER) + 100])
        assert GONE not in text, (url, text[text.find(GONE) - 200 : text.find(GONE) + 100])
    # What the public may see is all there: the public items, and the public parts of
    # the public items that refer to hidden ones.
    listed = {a["slug"] for a in client.get("/v1/articles?limit=100").json()["data"]}
    assert {a["slug"] for a in world.public["articles"]} <= listed
    page = client.get("/v1/articles/public-article-with-hidden-references").json()
    assert [i["role"]["slug"] for i in page["body"][0]["items"]] == ["shown-role"]
    assert [b["_type"] for b in page["body"]] == ["role_definitions", "block", "related"]
    text = page["body"][1]
    assert "".join(s["text"] for s in text["children"]) == "See this and that and those."
    assert text["markDefs"] == []  # the words stay, the links to hidden items go
    assert [s["marks"] for s in text["children"] if s["text"] == "this"] == [["strong"]]
    assert [a["id"] for a in page["body"][2]["articles"]] == [1]
    # The seed's roles are public: the hidden comparisons compare them.
    assert {r["slug"] for r in page["roles"]} == {
        "shown-role",
        "ai-operating-partner",
        "fractional-caio",
    }
    assert page["comparisons"] == []
    table = client.get("/v1/comparisons/public-comparison-of-public-and-hidden-roles").json()
    assert [s["slug"] for s in table["subjects"]] == ["shown-role"]
    assert table["rows"][0]["cells"] == {
        "shown-role": {"text": "Public cell", "note": None, "source_url": None}
    }
    world.requests += len(urls)


def test_hidden_items_are_not_found_by_any_reference(world: World) -> None:
    client = world.client
    for slug in world.hidden_slugs:
        for collection in ("articles", "roles", "comparisons"):
            response = client.get(f"/v1/{collection}/{slug}", follow_redirects=False)
            assert response.status_code == 404, (collection, slug)
        for query in ("role", "comparison"):
            assert client.get(f"/v1/articles?{query}={slug}").json()["data"] == []
        assert client.get(f"/v1/roles?comparison={slug}").json()["data"] == []
        assert client.get(f"/v1/comparisons?role={slug}").json()["data"] == []
    # With a key, every one of them is there to preview.
    for slug in world.hidden_slugs:
        found = [
            client.get(f"/v1/{c}/{slug}", headers=world.write).status_code
            for c in ("articles", "roles", "comparisons")
        ]
        assert 200 in found or "trashed" in slug, slug


def test_changes_name_only_what_was_once_public(world: World) -> None:
    client = world.client
    changes: list[dict[str, Any]] = []
    url = "/v1/changes?limit=500"
    while True:
        page = client.get(url).json()
        changes += page["data"]
        if not page["meta"]["has_more"]:
            break
        url = f"/v1/changes?since={page['meta']['next_since']}&limit=500"
    leaks = [c for c in changes if NEVER in str(c).lower()]
    assert leaks == []
    tombstones = [c for c in changes if c["deleted"]]
    gone = {c["slug"] for c in tombstones}
    assert gone >= {
        f"{GONE}-{state}-{kind}"
        for state in ("gone", "gone-trashed")
        for kind in ("role", "comparison", "article")
    }
    assert {f"{GONE}-tabled-gone", f"{GONE}-tabled-gone-trashed"} <= gone
    assert all(c["resource"] is None for c in tombstones)
    assert all(GONE not in str(c["resource"]).lower() for c in changes if not c["deleted"])
    with_key = client.get("/v1/changes?limit=500", headers=world.write).json()["data"]
    assert NEVER in str(with_key).lower()  # a key sees the drafts' changes
