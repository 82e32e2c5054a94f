"""The leak probe's world, which the tests of each way in (REST in
``tests/system/test_visibility.py``, GraphQL in ``tests/graphql/test_visibility.py``) read
without a key, looking for its markers.

Every kind of hidden item — draft, scheduled, archived, in the trash, published once and then
unpublished — is put in every relation a public item can have with it (a role defined, linked
and compared in a published article, a comparison embedded, an article linked and related, a
comparison made from an article's table), with a marker in each of its texts. Items that were
public once carry a marker of their own, which may appear only in a /v1/changes tombstone.
Dates here are computed from the clock: `make test-ahead` runs them years from now too.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Keys
from tests.helpers import block

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
