"""Nothing unpublished leaks: the leak probe (``tests.probe``) through REST. Every public route
is read in every format without a key, and no answer may hold a marker."""

import json
from collections.abc import Iterator
from typing import Any

import pytest

from tests.probe import GONE, NEVER, World, world

# Dates here are computed from the clock: `make test-ahead` runs them years from now too.
pytestmark = pytest.mark.calendar
__all__ = ["world"]  # the fixture each test asks for


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
